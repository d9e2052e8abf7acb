using Npgsql;
using Velvet.Database.Doctor;
using Velvet.Dsn;

namespace Velvet.Database.Tests.Doctor;

/// <summary>
/// A database of its own per test (the doctor scans every schema, so tests must not see each other's tables), owned by
/// the fixture's owner role, with an app role granted the runbook's matrix: DML on app tables, SELECT+INSERT on the
/// append-only audit table, nothing on the migration journal. The environment uses the seed's variable names.
/// </summary>
public sealed class DoctorWorld : IAsyncDisposable
{
    public const string OwnerVar = "DATABASE_URL";
    public const string AppVar = "RAPTOR_APP_DATABASE_URL";
    public const string FlagVar = "FLAG_RAPTOR_APP_ROLE_SEPARATION";
    public const string AppPassword = "CANARY-app-7d1f0e93";

    private readonly PgDatabaseFixture _db;

    private DoctorWorld(PgDatabaseFixture db, string name)
    {
        _db = db;
        Database = db.RolePrefix + name;
        AppRole = db.RolePrefix + name + "_app";
    }

    public string Database { get; }
    public string AppRole { get; }
    public Dictionary<string, string> Env { get; } = new(StringComparer.Ordinal);

    public string OwnerUrl => Url(_db.OwnerRole, _db.OwnerPassword);
    public string AppUrl => Url(AppRole, AppPassword);
    public string OwnerConnectionString => new NpgsqlConnectionStringBuilder(_db.OwnerConnectionString) { Database = Database }.ConnectionString;
    public string AdminConnectionString => new NpgsqlConnectionStringBuilder(_db.AdminConnectionString) { Database = Database }.ConnectionString;

    public string Url(string user, string password) =>
        $"postgres://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@{_db.Host}:{_db.Port}/{Database}";

    public static async Task<DoctorWorld> CreateAsync(PgDatabaseFixture db, string name)
    {
        var w = new DoctorWorld(db, name);
        await PgDatabaseFixture.ExecAsync(db.AdminConnectionString,
            $"CREATE DATABASE {w.Database} OWNER {db.OwnerRole}",
            $"CREATE ROLE {w.AppRole} LOGIN PASSWORD '{AppPassword}'");
        await PgDatabaseFixture.ExecAsync(w.AdminConnectionString, $"ALTER SCHEMA public OWNER TO {db.OwnerRole}", "REVOKE ALL ON SCHEMA public FROM PUBLIC");
        await PgDatabaseFixture.ExecAsync(w.OwnerConnectionString,
            "CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric)",
            "CREATE TABLE customer_audit_events (id bigserial PRIMARY KEY, event text)",
            "CREATE TABLE orders_history (id bigserial PRIMARY KEY, snapshot text)",
            "CREATE TABLE alembic_version (version_num text PRIMARY KEY)",
            $"GRANT USAGE ON SCHEMA public TO {w.AppRole}",
            $"GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO {w.AppRole}",
            $"GRANT SELECT, INSERT ON customer_audit_events, orders_history TO {w.AppRole}",
            $"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {w.AppRole}");
        w.Env[OwnerVar] = w.OwnerUrl;
        w.Env[AppVar] = w.AppUrl;
        w.Env[FlagVar] = "1";
        return w;
    }

    public Task OwnerExecAsync(params string[] sql) => PgDatabaseFixture.ExecAsync(OwnerConnectionString, sql);

    public Task AdminExecAsync(params string[] sql) => PgDatabaseFixture.ExecAsync(AdminConnectionString, sql);

    public DoctorOptions Options(string? expectedRole = null) => new()
    {
        Runtime = new RuntimeUrlOptions { OwnerVariable = OwnerVar, AppRoleVariable = AppVar, FlagVariable = FlagVar }, ExpectedAppRole = expectedRole,
    };

    public Task<DoctorReport> RunAsync(string? expectedRole = null) =>
        new DbDoctor(Options(expectedRole), name => Env.TryGetValue(name, out var v) ? v : null).RunAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await PgDatabaseFixture.ExecAsync(_db.AdminConnectionString, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
    }
}
