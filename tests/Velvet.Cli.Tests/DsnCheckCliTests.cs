using Npgsql;

namespace Velvet.Cli.Tests;

/// <summary>`velvet dsn check`: output one line per check, masked; exit 0 ok / 3 failed / 2 usage.</summary>
public sealed class DsnCheckCliTests
{
    private const string Canary = "CanaryPw-c0ffee42";

    private static CliRun Cli(params (string Name, string Value)[] env)
    {
        var cli = new CliRun { Dir = Path.GetTempPath() };
        foreach (var (name, value) in env) cli.Env[name] = value;
        return cli;
    }

    [Fact]
    public async Task Good_dsns_pass_with_masked_output()
    {
        var cli = Cli(("DATABASE_URL", $"postgres://app_user:{Canary}@db.internal:5432/app"),
            ("DATABASE_SERVICE_URL", $"postgresql://app_service:{Canary}x@db.internal/app?sslmode=require"));
        var (exit, stdout, stderr) = await cli.RunAsync("dsn", "check");
        Assert.Equal(0, exit);
        Assert.Equal(
            """
            ✓ app DATABASE_URL: set
            ✓ app DATABASE_URL: parses as postgres://app_user@db.internal:5432/app
            ✓ app DATABASE_URL: user 'app_user' is not a denylisted admin name
            ✓ service DATABASE_SERVICE_URL: set
            ✓ service DATABASE_SERVICE_URL: parses as postgresql://app_service@db.internal:5432/app
            ✓ service DATABASE_SERVICE_URL: user 'app_service' is not a denylisted admin name
            ✓ app vs service: users differ (DATABASE_URL 'app_user' ≠ DATABASE_SERVICE_URL 'app_service')
            dsn check: ok (7 checks)

            """.ReplaceLineEndings(), stdout);
        Assert.Equal("", stderr);
        AssertNoCanary(cli);
    }

    [Fact]
    public async Task Unset_dsns_fail()
    {
        var cli = Cli();
        var (exit, stdout, _) = await cli.RunAsync("dsn", "check");
        Assert.Equal(3, exit);
        Assert.Contains("✗ app DATABASE_URL: empty or unset: set DATABASE_URL to the app role's postgres:// URL", stdout, StringComparison.Ordinal);
        Assert.Contains("✗ service DATABASE_SERVICE_URL: empty or unset", stdout, StringComparison.Ordinal);
        Assert.Contains("dsn check: 2 of 2 checks failed", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://same:" + Canary + "@h/d", "postgres://same:" + Canary + "2@h/d", "✗ app vs service: DATABASE_URL and DATABASE_SERVICE_URL both log in as 'same': they must be different roles")]
    [InlineData("postgres://postgres:" + Canary + "@h/d", "postgres://svc:" + Canary + "@h/d", "✗ app DATABASE_URL: DATABASE_URL logs in as 'postgres', a superuser/admin name")]
    [InlineData("postgres://app:" + Canary + "@h/d", "postgres://Admin:" + Canary + "@h/d", "✗ service DATABASE_SERVICE_URL: DATABASE_SERVICE_URL logs in as 'Admin'")]
    [InlineData("postgres://app:" + Canary + "@h:port/d", "postgres://svc:" + Canary + "@h/d", "✗ app DATABASE_URL: not a valid DSN: invalid port")]
    [InlineData("postgres://app:" + Canary + "@h/d", Canary, "✗ service DATABASE_SERVICE_URL: not a valid DSN: not a DSN")]
    [InlineData("postgres://h/d", "postgres://svc:" + Canary + "@h/d", "✗ app DATABASE_URL: DATABASE_URL names no user")]
    [InlineData("sqlite:///app.db", "postgres://svc:" + Canary + "@h/d", "✗ app DATABASE_URL: sqlite:///app.db is a SQLite URL")]
    public async Task Bad_dsns_fail_with_exit_3_and_never_print_the_password(string app, string service, string expected)
    {
        var cli = Cli(("DATABASE_URL", app), ("DATABASE_SERVICE_URL", service));
        var (exit, stdout, _) = await cli.RunAsync("dsn", "check");
        Assert.Equal(3, exit);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
        AssertNoCanary(cli);
    }

    [Fact]
    public async Task Variable_names_are_options_for_the_two_url_model()
    {
        var owner = $"postgres://u8owner:{Canary}@db/raptor";
        var cli = Cli(("DATABASE_URL", owner), ("RAPTOR_APP_DATABASE_URL", $"postgres://raptor_app:{Canary}@db/raptor"));
        string[] args = ["dsn", "check", "--app-var", "RAPTOR_APP_DATABASE_URL", "--owner-var", "DATABASE_URL", "--no-service"];
        var ok = await cli.RunAsync(args);
        Assert.Equal(0, ok.Exit);
        Assert.Contains("· owner DATABASE_URL: user 'u8owner' (owner: the denylist does not apply)", ok.Out, StringComparison.Ordinal);
        Assert.Contains("✓ app vs owner: users differ (RAPTOR_APP_DATABASE_URL 'raptor_app' ≠ DATABASE_URL 'u8owner')", ok.Out, StringComparison.Ordinal);

        // Scenario D: the app-role URL overwritten with the owner URL.
        cli.Env["RAPTOR_APP_DATABASE_URL"] = owner;
        var swapped = await cli.RunAsync(args);
        Assert.Equal(3, swapped.Exit);
        Assert.Contains("✗ app vs owner: RAPTOR_APP_DATABASE_URL and DATABASE_URL both log in as 'u8owner'", swapped.Out, StringComparison.Ordinal);
        AssertNoCanary(cli);
    }

    [Fact]
    public async Task Json_output_lists_every_check()
    {
        var cli = Cli(("DATABASE_URL", $"postgres://root:{Canary}@h/d"), ("DATABASE_SERVICE_URL", $"postgres://svc:{Canary}@h/d"));
        var (exit, stdout, _) = await cli.RunAsync("dsn", "check", "--json", "--deny-user", "svc");
        Assert.Equal(3, exit);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(2, doc.RootElement.GetProperty("failures").GetInt32());
        Assert.Equal("fail", doc.RootElement.GetProperty("checks")[2].GetProperty("outcome").GetString());
        AssertNoCanary(cli);
    }

    [Theory]
    [InlineData("--service-bypassrls", "maybe")]
    [InlineData("--timeout", "0")]
    [InlineData("--app-var", "")]
    [InlineData("--app-url", "postgres://x")]
    public async Task Bad_options_are_usage_errors(string option, string value)
    {
        var (exit, _, stderr) = await Cli().RunAsync("dsn", "check", option, value);
        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_checks_the_real_role_on_postgres()
    {
        var admin = Environment.GetEnvironmentVariable("VELVET_TEST_PG_ADMIN");
        if (string.IsNullOrWhiteSpace(admin))
        {
            const string why = "needs VELVET_TEST_PG_ADMIN (run `bash scripts/test.sh`)";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) Assert.Fail(why);
            Assert.Skip(why);
        }

        var csb = new NpgsqlConnectionStringBuilder(admin);
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8] + "_";
        string Url(string role, string password) => $"postgres://{role}:{Uri.EscapeDataString(password)}@{csb.Host}:{csb.Port}/{csb.Database}";
        await ExecAsync(admin, $"CREATE ROLE {prefix}app LOGIN PASSWORD '{Canary}'", $"CREATE ROLE {prefix}svc LOGIN BYPASSRLS PASSWORD '{Canary}'",
            $"CREATE ROLE {prefix}su LOGIN SUPERUSER PASSWORD '{Canary}'");
        try
        {
            var cli = Cli(("DATABASE_URL", Url(prefix + "app", Canary)), ("DATABASE_SERVICE_URL", Url(prefix + "svc", Canary)));
            var ok = await cli.RunAsync("dsn", "check", "--connect", "--timeout", "5");
            Assert.True(ok.Exit == 0, ok.Out);
            Assert.Contains($"· service DATABASE_SERVICE_URL: has BYPASSRLS (allowed for the service DSN)", ok.Out, StringComparison.Ordinal);
            Assert.Equal(3, (await cli.RunAsync("dsn", "check", "--connect", "--service-bypassrls", "deny")).Exit);

            cli.Env["DATABASE_URL"] = Url(prefix + "su", Canary);
            var su = await cli.RunAsync("dsn", "check", "--connect");
            Assert.Equal(3, su.Exit);
            Assert.Contains($"✗ app DATABASE_URL: has SUPERUSER", su.Out, StringComparison.Ordinal);

            cli.Env["DATABASE_URL"] = Url(prefix + "app", Canary + "-wrong");
            var wrong = await cli.RunAsync("dsn", "check", "--connect");
            Assert.Equal(3, wrong.Exit);
            Assert.Contains($"✗ app DATABASE_URL: cannot log in with postgres://{prefix}app@{csb.Host}:{csb.Port}/{csb.Database}: password authentication failed", wrong.Out, StringComparison.Ordinal);
            Assert.Contains("(SQLSTATE 28P01)", wrong.Out, StringComparison.Ordinal);
            AssertNoCanary(cli);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecAsync(admin, $"DROP ROLE IF EXISTS {prefix}app", $"DROP ROLE IF EXISTS {prefix}svc", $"DROP ROLE IF EXISTS {prefix}su");
        }
    }

    private static void AssertNoCanary(CliRun cli)
    {
        foreach (var output in cli.Transcript) Assert.DoesNotContain(Canary, output, StringComparison.Ordinal);
    }

    private static async Task ExecAsync(string cs, params string[] statements)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var sql in statements)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }
}
