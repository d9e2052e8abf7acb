using Npgsql;

namespace Velvet.Database.Tests.Grants;

/// <summary>
/// One test's corner of the class database: its own schema (owned by the fixture's owner role), a NOLOGIN group role
/// `…_app` with a login member `…_app_a` (the role-rotation layout), a policy file, and a velvet runner whose
/// DATABASE_ROOT_URL is the owner and DATABASE_URL the app login. Role names start with the fixture's RolePrefix.
/// </summary>
public sealed class GrantsWorld
{
    private GrantsWorld(PgDatabaseFixture db, string tag)
    {
        Db = db;
        Schema = tag;
        App = db.RolePrefix + tag + "_app";
        AppLogin = db.RolePrefix + tag + "_app_a";
        AppPassword = "canary-" + Guid.NewGuid().ToString("N");
        Dir = Directory.CreateTempSubdirectory("velvet-grants-").FullName;
        PolicyPath = Path.Combine(Dir, "grants.yaml");
        Velvet.Env["DATABASE_ROOT_URL"] = db.Url(db.OwnerRole, db.OwnerPassword);
        Velvet.Env["DATABASE_URL"] = db.Url(AppLogin, AppPassword);
    }

    public PgDatabaseFixture Db { get; }
    public string Schema { get; }
    public string App { get; }
    public string AppLogin { get; }
    public string AppPassword { get; }
    public string Dir { get; }
    public string PolicyPath { get; }
    public VelvetRun Velvet { get; } = new();

    public static async Task<GrantsWorld> CreateAsync(PgDatabaseFixture db, string tag)
    {
        var world = new GrantsWorld(db, tag);
        await PgDatabaseFixture.ExecAsync(db.AdminConnectionString,
            $"CREATE ROLE \"{world.App}\" NOLOGIN",
            $"CREATE ROLE \"{world.AppLogin}\" LOGIN PASSWORD '{world.AppPassword}' IN ROLE \"{world.App}\"");
        await world.OwnerAsync($"CREATE SCHEMA {tag}");
        return world;
    }

    /// <summary>Writes the policy file: app role, owner and schema filled in, plus <paramref name="extra"/> lines.</summary>
    public string WritePolicy(string extra = "append_only: [customer_audit_events, \"*_history\"]\n")
    {
        File.WriteAllText(PolicyPath, $"app_role: {App}\nowner: {Db.OwnerRole}\nschemas: [{Schema}]\n{extra}");
        return PolicyPath;
    }

    /// <summary>Runs SQL as the owner with search_path set to this world's schema.</summary>
    public Task OwnerAsync(params string[] sql) => PgDatabaseFixture.ExecAsync(WithSchema(Db.OwnerConnectionString), sql);

    /// <summary>Runs SQL as the superuser with search_path set to this world's schema.</summary>
    public Task AdminAsync(params string[] sql) => PgDatabaseFixture.ExecAsync(WithSchema(Db.AdminConnectionString), sql);

    /// <summary>A scalar read as the superuser.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(WithSchema(Db.AdminConnectionString));
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>The tables of the runbooks: DML with a serial, the audit table, a *_history shadow, the Alembic journal.</summary>
    public Task CreateRunbookTablesAsync() => OwnerAsync(
        "CREATE TABLE orders (id bigserial PRIMARY KEY, total int NOT NULL)",
        "CREATE TABLE customer_audit_events (id bigserial PRIMARY KEY, what text NOT NULL)",
        "CREATE TABLE orders_history (order_id bigint, what text)",
        "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY)");

    /// <summary>velvet grants SUBCOMMAND --policy FILE ARGS...</summary>
    public Task<(int Exit, string Out, string Err)> GrantsAsync(string subcommand, params string[] args) =>
        Velvet.RunAsync(["grants", subcommand, "--policy", PolicyPath, .. args]);

    /// <summary>Asserts neither password reached any output.</summary>
    public void AssertNoSecretPrinted()
    {
        Velvet.AssertNeverPrinted(AppPassword);
        Velvet.AssertNeverPrinted(Db.OwnerPassword);
    }

    private string WithSchema(string cs) => new NpgsqlConnectionStringBuilder(cs) { SearchPath = Schema }.ConnectionString;
}
