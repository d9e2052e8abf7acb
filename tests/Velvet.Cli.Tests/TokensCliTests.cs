using System.Text.Json;
using Velvet.Core.Auth;
using Velvet.Store;

namespace Velvet.Cli.Tests;

/// <summary>`velvet tokens` and `velvet migrate` need only the store: no manifest, no master key in the environment.</summary>
public class TokensCliTests
{
    /// <summary>A CLI run against a fresh SQLite store only (no manifest, no master key).</summary>
    internal static CliRun StoreOnly()
    {
        var dir = Directory.CreateTempSubdirectory("velvet-tokens-").FullName;
        var run = new CliRun { Dir = dir };
        run.Env["VELVET_STORE"] = "sqlite:" + Path.Combine(dir, "velvet.db");
        run.Env["VELVET_ACTOR"] = "alice";
        return run;
    }

    private static string DbPath(CliRun cli) => Path.Combine(cli.Dir, "velvet.db");

    [Fact]
    public async Task Create_list_revoke_list_without_manifest_or_master_key()
    {
        var cli = StoreOnly();
        var created = await cli.RunAsync("tokens", "create", "--name", "ci-deploy", "--scope", "rotate", "--scope", "read");
        Assert.Equal(0, created.Exit);
        var token = created.Out.Trim();
        Assert.Matches("^vlt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", token);
        Assert.Contains("only time", created.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(token, created.Err, StringComparison.Ordinal);

        Assert.True(ServiceTokenFormat.TryParse(token, out var id, out var secret));
        Assert.Equal(token, $"{ServiceTokenFormat.Prefix}{id}_{secret}");

        var list = await cli.RunAsync("tokens", "list");
        Assert.Equal(0, list.Exit);
        Assert.Contains("ci-deploy", list.Out, StringComparison.Ordinal);
        Assert.Contains(id, list.Out, StringComparison.Ordinal);
        Assert.Contains("read rotate", list.Out, StringComparison.Ordinal);
        var listJson = await cli.RunAsync("tokens", "list", "--json");
        var row = Assert.Single(JsonDocument.Parse(listJson.Out).RootElement.EnumerateArray());
        Assert.Equal(id, row.GetProperty("token_id").GetString());
        Assert.Equal("alice", row.GetProperty("created_by").GetString());
        Assert.False(row.GetProperty("revoked").GetBoolean());

        var revoked = await cli.RunAsync("tokens", "revoke", "ci-deploy");
        Assert.Equal(0, revoked.Exit);
        var after = await cli.RunAsync("tokens", "list", "--json");
        row = Assert.Single(JsonDocument.Parse(after.Out).RootElement.EnumerateArray());
        Assert.True(row.GetProperty("revoked").GetBoolean());
        Assert.Equal(JsonValueKind.String, row.GetProperty("revoked_at").ValueKind);
        var table = await cli.RunAsync("tokens", "list");
        Assert.DoesNotContain("│ -", table.Out.Split('\n').Single(l => l.Contains("ci-deploy", StringComparison.Ordinal)), StringComparison.Ordinal);

        // Never the token (nor its secret part) after creation.
        Assert.All(cli.Transcript.Skip(2), t => Assert.DoesNotContain(secret, t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Printed_token_verifies_against_the_stored_hash()
    {
        var cli = StoreOnly();
        var created = await cli.RunAsync("tokens", "create", "--name", "api", "--scope", "admin", "--json");
        Assert.Equal(0, created.Exit);
        var doc = JsonDocument.Parse(created.Out).RootElement;
        Assert.Equal("api", doc.GetProperty("name").GetString());
        Assert.Equal(["admin"], doc.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
        var token = doc.GetProperty("token").GetString();
        Assert.True(ServiceTokenFormat.TryParse(token, out var id, out var secret));

        await using var store = (IAsyncDisposable)JobStoreFactory.Open("sqlite:" + DbPath(cli));
        var found = await JobStoreFactory.Tokens((Velvet.Core.Ports.IJobStore)store).FindTokenAsync(id, TestContext.Current.CancellationToken);
        Assert.NotNull(found);
        Assert.True(ServiceTokenFormat.Matches(secret, found.Value.SecretHash));
        Assert.False(ServiceTokenFormat.Matches(secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), found.Value.SecretHash));
        Assert.True(Scopes.Grants(found.Value.Token.ScopeList, Scopes.Revoke));
        // Only the hash is stored: the secret appears nowhere in the database file.
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(DbPath(cli), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_scope_is_exit_2_naming_the_allowed_ones()
    {
        var cli = StoreOnly();
        var (exit, @out, err) = await cli.RunAsync("tokens", "create", "--name", "x", "--scope", "read", "--scope", "superuser");
        Assert.Equal(2, exit);
        Assert.Empty(@out);
        Assert.Contains("superuser", err, StringComparison.Ordinal);
        Assert.Contains("read, rotate, revoke, admin", err, StringComparison.Ordinal);
        Assert.Equal(2, (await cli.RunAsync("tokens", "create", "--name", "x")).Exit);
        Assert.Equal(2, (await cli.RunAsync("tokens", "create", "--name", "bad name!", "--scope", "read")).Exit);
        Assert.Contains("none", (await cli.RunAsync("tokens", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_name_is_exit_4_and_unknown_revoke_is_exit_5()
    {
        var cli = StoreOnly();
        Assert.Equal(0, (await cli.RunAsync("tokens", "create", "--name", "dup", "--scope", "read")).Exit);
        var dup = await cli.RunAsync("tokens", "create", "--name", "dup", "--scope", "rotate");
        Assert.Equal(4, dup.Exit);
        Assert.Empty(dup.Out);
        Assert.Contains("'dup'", dup.Err, StringComparison.Ordinal);

        var unknown = await cli.RunAsync("tokens", "revoke", "ghost");
        Assert.Equal(5, unknown.Exit);
        Assert.Contains("ghost", unknown.Err, StringComparison.Ordinal);
        Assert.Equal(0, (await cli.RunAsync("tokens", "revoke", "dup")).Exit);
        var again = await cli.RunAsync("tokens", "revoke", "dup");
        Assert.Equal(0, again.Exit);
        Assert.Contains("already revoked", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_on_sqlite_prints_what_it_applied_then_nothing()
    {
        var cli = StoreOnly();
        cli.Env["VELVET_MIGRATION_URL"] = "postgres://owner:pw@localhost/db";
        var first = await cli.RunAsync("migrate");
        Assert.Equal(0, first.Exit);
        Assert.Contains("applied 0001_initial.sql", first.Out, StringComparison.Ordinal);
        Assert.Contains("applied 0002_service_tokens.sql", first.Out, StringComparison.Ordinal);
        Assert.Contains("ignored for SQLite", first.Err, StringComparison.Ordinal);
        var second = await cli.RunAsync("migrate", "--json");
        Assert.Equal(0, second.Exit);
        Assert.Empty(JsonDocument.Parse(second.Out).RootElement.GetProperty("applied").EnumerateArray());
    }

    [Fact]
    public async Task Bad_store_location_is_a_config_error()
    {
        var cli = StoreOnly();
        cli.Env["VELVET_STORE"] = "mysql://root@h/db";
        Assert.Equal(6, (await cli.RunAsync("tokens", "list")).Exit);
        Assert.Equal(6, (await cli.RunAsync("migrate")).Exit);
    }
}
