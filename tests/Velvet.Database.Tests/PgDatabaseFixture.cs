using Npgsql;

namespace Velvet.Database.Tests;

/// <summary>
/// A throwaway database per test class, created through the superuser named by <c>VELVET_TEST_PG_ADMIN</c>
/// (the third line of `scripts/pg-test.sh start`), owned by a fresh owner role, and dropped afterwards together with
/// every role the class created whose name starts with <see cref="RolePrefix"/>. Skips without a server on a laptop;
/// FAILS under CI.
/// </summary>
public sealed class PgDatabaseFixture : IAsyncLifetime
{
    public const string AdminEnv = "VELVET_TEST_PG_ADMIN";

    private const string HowToStart =
        "Run `bash scripts/test.sh` (starts a throwaway PostgreSQL 15 cluster and runs all tests), or start one with " +
        "`bash scripts/pg-test.sh start` and export its third output line as " + AdminEnv + ".";

    private string? _unavailable;

    /// <summary>Prefix of every role and the database this fixture instance creates (unique per instance).</summary>
    public string RolePrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..8] + "_";

    public string DatabaseName => RolePrefix + "db";
    public string OwnerRole => RolePrefix + "owner";
    public string OwnerPassword { get; } = "ownerpw_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Superuser connection to the throwaway database.</summary>
    public string AdminConnectionString { get; private set; } = "";

    /// <summary>Owner-role connection to the throwaway database (owns the schema objects tests create).</summary>
    public string OwnerConnectionString { get; private set; } = "";

    public string Host { get; private set; } = "";
    public int Port { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var admin = Environment.GetEnvironmentVariable(AdminEnv);
        if (string.IsNullOrWhiteSpace(admin))
        {
            _unavailable = $"PostgreSQL database-lane tests need {AdminEnv} (a superuser Npgsql connection string). {HowToStart}";
            return;
        }
        var adminCs = new NpgsqlConnectionStringBuilder(admin) { Timeout = 5, Pooling = false };
        Host = adminCs.Host ?? "127.0.0.1";
        Port = adminCs.Port;
        try
        {
            await ExecAsync(adminCs.ConnectionString,
                $"CREATE ROLE {OwnerRole} LOGIN PASSWORD '{OwnerPassword}'",
                $"CREATE DATABASE {DatabaseName} OWNER {OwnerRole}");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            _unavailable = $"PostgreSQL at {adminCs.Host}:{adminCs.Port} is not usable ({ex.GetType().Name}: {ex.Message}). {HowToStart}";
            return;
        }
        AdminConnectionString = new NpgsqlConnectionStringBuilder(adminCs.ConnectionString) { Database = DatabaseName }.ConnectionString;
        OwnerConnectionString = new NpgsqlConnectionStringBuilder(adminCs.ConnectionString)
        {
            Database = DatabaseName, Username = OwnerRole, Password = OwnerPassword,
        }.ConnectionString;
        // The owner's schema: PUBLIC loses CREATE (PostgreSQL 15 default), the owner keeps everything.
        await ExecAsync(AdminConnectionString, $"ALTER SCHEMA public OWNER TO {OwnerRole}");
    }

    /// <summary>postgres:// URL for a role of this database (for code that takes DSNs as operators write them).</summary>
    public string Url(string user, string password) =>
        $"postgres://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@{Host}:{Port}/{DatabaseName}";

    /// <summary>Skips the test when PostgreSQL is missing, or fails it under CI, where it must be there.</summary>
    public void Require()
    {
        if (_unavailable is null) return;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) Assert.Fail(_unavailable);
        Assert.Skip(_unavailable);
    }

    public static async Task ExecAsync(string connectionString, params string[] statements)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        foreach (var sql in statements)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    /// <summary>A local TCP port nothing listens on (for "server unreachable" tests).</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_unavailable is not null || AdminConnectionString.Length == 0) return;
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres" }.ConnectionString;
        await ExecAsync(admin, $"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)");
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        var roles = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT rolname FROM pg_roles WHERE rolname LIKE @p", conn))
        {
            cmd.Parameters.AddWithValue("p", RolePrefix + "%");
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) roles.Add(reader.GetString(0));
        }
        foreach (var role in roles)
        {
            await using var drop = new NpgsqlCommand($"DROP OWNED BY \"{role}\" CASCADE; DROP ROLE IF EXISTS \"{role}\"", conn);
            try { await drop.ExecuteNonQueryAsync(); } catch (PostgresException) { /* owned objects elsewhere: leave it */ }
        }
    }
}
