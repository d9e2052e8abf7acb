using Npgsql;

namespace Velvet.Cli.Tests;

/// <summary>
/// `velvet migrate` with two URLs on a real PostgreSQL (VELVET_TEST_PG_OWNER/APP, as the store tests; skipped when
/// unset, failed under CI), then `velvet tokens` as the restricted runtime role.
/// </summary>
public class MigratePostgresCliTests
{
    [Fact]
    public async Task Owner_migrates_then_the_restricted_runtime_role_manages_tokens()
    {
        var owner = Environment.GetEnvironmentVariable("VELVET_TEST_PG_OWNER");
        var app = Environment.GetEnvironmentVariable("VELVET_TEST_PG_APP");
        if (string.IsNullOrWhiteSpace(owner) || string.IsNullOrWhiteSpace(app))
        {
            const string why = "needs VELVET_TEST_PG_OWNER and VELVET_TEST_PG_APP (run `bash scripts/test.sh`)";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) Assert.Fail(why);
            Assert.Skip(why);
        }
        var ct = TestContext.Current.CancellationToken;
        var schema = "velvet_cli_" + Guid.NewGuid().ToString("N")[..10];
        var ownerCs = new NpgsqlConnectionStringBuilder(owner) { SearchPath = schema }.ConnectionString;
        var appCs = new NpgsqlConnectionStringBuilder(app) { SearchPath = schema };
        await ExecAsync(owner, $"CREATE SCHEMA {schema}; GRANT USAGE ON SCHEMA {schema} TO \"{appCs.Username}\"", ct);
        try
        {
            var cli = new CliRun { Dir = Path.GetTempPath() };
            cli.Env["VELVET_STORE"] = appCs.ConnectionString;

            // Before migrating, the restricted role cannot create the schema itself: a config error pointing at migrate.
            var early = await cli.RunAsync("tokens", "list");
            Assert.Equal(6, early.Exit);
            Assert.Contains("velvet migrate", early.Err, StringComparison.Ordinal);

            cli.Env["VELVET_MIGRATION_URL"] = ownerCs;
            var migrated = await cli.RunAsync("migrate");
            Assert.Equal(0, migrated.Exit);
            Assert.Contains("applied 0003_service_tokens.sql", migrated.Out, StringComparison.Ordinal);
            Assert.Contains($"runtime role: {appCs.Username}", migrated.Out, StringComparison.Ordinal);
            Assert.Contains("nothing to apply", (await cli.RunAsync("migrate")).Out, StringComparison.Ordinal);

            // serve refuses the owner URL while separation is on (an owner URL is configured).
            var manifest = Path.Combine(Directory.CreateTempSubdirectory("velvet-serve-").FullName, "velvet.yaml");
            await File.WriteAllTextAsync(manifest, "version: 1\ncredentials:\n  - token_name: A\n    vendor: { kind: generated }\n    env: test\nconsumers: []\n", ct);
            cli.Env["VELVET_MANIFEST"] = manifest;
            cli.Env["VELVET_MASTER_KEY"] = Convert.ToBase64String(new byte[32]);
            cli.Env["VELVET_STORE"] = ownerCs;
            var refused = await cli.RunAsync("serve", "--urls", "http://127.0.0.1:0");
            Assert.Equal(6, refused.Exit);
            Assert.Contains("refusing to serve with a connection that can run migrations", refused.Err, StringComparison.Ordinal);
            cli.Env["VELVET_STORE"] = appCs.ConnectionString;
            cli.Env.Remove("VELVET_MIGRATION_URL");

            Assert.Equal(0, (await cli.RunAsync("tokens", "create", "--name", "pg", "--scope", "read")).Exit);
            Assert.Equal(4, (await cli.RunAsync("tokens", "create", "--name", "pg", "--scope", "read")).Exit);
            Assert.Equal(0, (await cli.RunAsync("tokens", "revoke", "pg")).Exit);
            Assert.Contains("\"revoked\": true", (await cli.RunAsync("tokens", "list", "--json")).Out, StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecAsync(owner, $"DROP SCHEMA {schema} CASCADE", ct);
        }
    }

    private static async Task ExecAsync(string cs, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
