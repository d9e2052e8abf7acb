using System.Text.Json;
using Velvet.Server.WebConsole;
using Velvet.Store;

namespace Velvet.Cli.Tests;

/// <summary>`velvet console user add|list|remove`: accounts for the web console; the password only on standard input.</summary>
public class ConsoleUsersCliTests
{
    private static CliRun StoreOnly()
    {
        var run = TokensCliTests.StoreOnly();
        run.Env["VELVET_ACTOR"] = "root";
        return run;
    }

    [Fact]
    public async Task Add_reads_the_password_from_stdin_stores_only_a_hash_and_never_prints_it()
    {
        const string password = "canary-console-pw-0001";
        var cli = StoreOnly();
        var added = await cli.RunWithInputAsync(password + "\n", "console", "user", "add", "dana", "--role", "operator");
        Assert.Equal(0, added.Exit);
        Assert.Contains("created console user 'dana' with role operator (scopes: rotate revoke)", added.Out, StringComparison.Ordinal);

        var list = await cli.RunAsync("console", "user", "list", "--json");
        var row = Assert.Single(JsonDocument.Parse(list.Out).RootElement.EnumerateArray());
        Assert.Equal("operator", row.GetProperty("role").GetString());
        Assert.Equal("root", row.GetProperty("created_by").GetString());

        var taken = await cli.RunWithInputAsync(password + "\n", "console", "user", "add", "dana", "--role", "admin");
        Assert.Equal(4, taken.Exit);
        Assert.Contains("already exists", taken.Err, StringComparison.Ordinal);

        await using (var store = (IAsyncDisposable)JobStoreFactory.Open(cli.Env["VELVET_STORE"]))
        {
            var found = await JobStoreFactory.ConsoleUsers((Velvet.Core.Ports.IJobStore)store).FindConsoleUserAsync("dana", TestContext.Current.CancellationToken);
            Assert.True(ConsolePasswords.Verify(found!.Value.PasswordHash, password));
            Assert.DoesNotContain(password, found.Value.PasswordHash, StringComparison.Ordinal);
        }
        Assert.All(cli.Transcript, t => Assert.DoesNotContain(password, t, StringComparison.Ordinal));

        Assert.Equal(0, (await cli.RunAsync("console", "user", "remove", "dana")).Exit);
        var gone = await cli.RunAsync("console", "user", "remove", "dana");
        Assert.Equal(5, gone.Exit);
        Assert.Contains("no console user named 'dana'", gone.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "operator", "the password is empty")]
    [InlineData("short-pw-55\n", "operator", "use at least 12")]
    [InlineData("long enough password\n", "root", "--role 'root' is not one of: viewer, operator, admin")]
    public async Task Bad_input_is_refused_with_what_to_do(string stdin, string role, string expected)
    {
        var cli = StoreOnly();
        var r = await cli.RunWithInputAsync(stdin, "console", "user", "add", "erin", "--role", role);
        Assert.Equal(2, r.Exit);
        Assert.Contains(expected, r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("short-pw-55", r.Err, StringComparison.Ordinal);
    }
}
