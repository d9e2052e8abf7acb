using Npgsql;

namespace Velvet.Store.Tests;

/// <summary>
/// A fresh schema per test class in the database named by <c>VELVET_TEST_PG_OWNER</c>/<c>VELVET_TEST_PG_APP</c>, so
/// parallel classes and repeated runs never see each other's rows. Dropped again afterwards.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string OwnerEnv = "VELVET_TEST_PG_OWNER";
    public const string AppEnv = "VELVET_TEST_PG_APP";

    private const string HowToStart =
        "Run `bash scripts/test.sh` (starts a throwaway PostgreSQL 15 cluster and runs all tests), or start one with " +
        "`bash scripts/pg-test.sh start` and export its two output lines as " + OwnerEnv + " (owner role) and " + AppEnv + " (app role).";

    private string? _unavailable;

    public string Schema { get; } = "velvet_t_" + Guid.NewGuid().ToString("N")[..10];
    public string OwnerConnectionString { get; private set; } = "";
    public string AppConnectionString { get; private set; } = "";
    public string AppRole { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var owner = Environment.GetEnvironmentVariable(OwnerEnv);
        var app = Environment.GetEnvironmentVariable(AppEnv);
        if (string.IsNullOrWhiteSpace(owner) || string.IsNullOrWhiteSpace(app))
        {
            _unavailable = $"PostgreSQL store tests need {OwnerEnv} and {AppEnv} (Npgsql connection strings). {HowToStart}";
            return;
        }
        var ownerCs = new NpgsqlConnectionStringBuilder(owner) { SearchPath = Schema, Timeout = 5 };
        var appCs = new NpgsqlConnectionStringBuilder(app) { SearchPath = Schema, Timeout = 5, MaxPoolSize = 100 };
        AppRole = appCs.Username ?? "";
        try
        {
            await using var conn = new NpgsqlConnection(ownerCs.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                $"CREATE SCHEMA {Schema}; GRANT USAGE ON SCHEMA {Schema} TO {Quote(AppRole)};", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The host and port are fine to show; the message never contains the password.
            _unavailable = $"PostgreSQL at {ownerCs.Host}:{ownerCs.Port} is not usable ({ex.GetType().Name}: {ex.Message}). {HowToStart}";
            return;
        }
        OwnerConnectionString = ownerCs.ConnectionString;
        AppConnectionString = appCs.ConnectionString;
    }

    /// <summary>Skips the test when PostgreSQL is missing, or fails it under CI, where it must be there.</summary>
    public void Require()
    {
        if (_unavailable is null) return;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) Assert.Fail(_unavailable);
        Assert.Skip(_unavailable);
    }

    public async ValueTask DisposeAsync()
    {
        if (_unavailable is not null || OwnerConnectionString.Length == 0) return;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(OwnerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA {Schema} CASCADE", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
