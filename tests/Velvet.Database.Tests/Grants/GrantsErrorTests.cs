namespace Velvet.Database.Tests.Grants;

/// <summary>Every way a grants command refuses, with the message a person needs and the exit code CI sees.</summary>
public sealed class GrantsErrorTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    [Fact]
    public async Task A_missing_app_role_points_at_velvet_db_provision()
    {
        db.Require();
        var w = await GrantsWorld.CreateAsync(db, "norole");
        File.WriteAllText(w.PolicyPath, $"app_role: {db.RolePrefix}ghost\nowner: {db.OwnerRole}\nschemas: [{w.Schema}]\n");
        var plan = await w.GrantsAsync("plan");
        Assert.Equal(6, plan.Exit);
        Assert.Contains($"role \"{db.RolePrefix}ghost\" does not exist", plan.Err, StringComparison.Ordinal);
        Assert.Contains("create it with velvet db provision", plan.Err, StringComparison.Ordinal);
        Assert.Contains($"app_role at {w.PolicyPath}:1:11", plan.Err, StringComparison.Ordinal);
        Assert.Equal(6, (await w.GrantsAsync("verify")).Exit);
        Assert.Equal(6, (await w.GrantsAsync("apply")).Exit);
        w.AssertNoSecretPrinted();
    }

    [Fact]
    public async Task A_missing_owner_schema_or_the_wrong_database_is_a_configuration_error()
    {
        db.Require();
        var w = await GrantsWorld.CreateAsync(db, "conf");
        File.WriteAllText(w.PolicyPath, $"app_role: {w.App}\nowner: {db.RolePrefix}nobody\nschemas: [{w.Schema}]\n");
        var owner = await w.GrantsAsync("plan");
        Assert.Equal(6, owner.Exit);
        Assert.Contains($"role \"{db.RolePrefix}nobody\" does not exist", owner.Err, StringComparison.Ordinal);

        File.WriteAllText(w.PolicyPath, $"app_role: {w.App}\nowner: {db.OwnerRole}\nschemas: [{w.Schema}, nowhere]\n");
        var schema = await w.GrantsAsync("plan");
        Assert.Equal(6, schema.Exit);
        Assert.Contains("schema(s) \"nowhere\" do not exist", schema.Err, StringComparison.Ordinal);

        File.WriteAllText(w.PolicyPath, $"database: prod_db\napp_role: {w.App}\nowner: {db.OwnerRole}\nschemas: [{w.Schema}]\n");
        var database = await w.GrantsAsync("apply");
        Assert.Equal(6, database.Exit);
        Assert.Contains($"the policy is for database \"prod_db\" ({w.PolicyPath}:1:11) but the connection is to \"{db.DatabaseName}\"", database.Err, StringComparison.Ordinal);
        Assert.Equal(6, (await w.GrantsAsync("prove")).Exit);
    }

    [Fact]
    public async Task The_DSN_comes_from_an_environment_variable_only()
    {
        db.Require();
        var w = await GrantsWorld.CreateAsync(db, "envvar");
        await w.CreateRunbookTablesAsync();
        w.WritePolicy();
        var url = w.Velvet.Env["DATABASE_ROOT_URL"];
        w.Velvet.Env.Remove("DATABASE_ROOT_URL");

        var unset = await w.GrantsAsync("plan");
        Assert.Equal(6, unset.Exit);
        Assert.Contains("DATABASE_ROOT_URL is not set", unset.Err, StringComparison.Ordinal);

        w.Velvet.Env["RAPTOR_OWNER_URL"] = url;
        var named = await w.GrantsAsync("plan", "--admin-var", "RAPTOR_OWNER_URL");
        Assert.Equal(3, named.Exit);
        Assert.Contains($"as {db.OwnerRole} (postgres://{db.OwnerRole}@", named.Out, StringComparison.Ordinal);

        // A DSN pasted where the variable name goes is refused without being echoed.
        var pasted = await w.GrantsAsync("plan", "--admin-var", url);
        Assert.Equal(2, pasted.Exit);
        Assert.Contains("takes the NAME of an environment variable", pasted.Err, StringComparison.Ordinal);

        w.Velvet.Env["DATABASE_ROOT_URL"] = "mysql://owner:" + db.OwnerPassword + "@host/db";
        var bad = await w.GrantsAsync("plan");
        Assert.Equal(6, bad.Exit);
        Assert.Contains("DATABASE_ROOT_URL is not a PostgreSQL DSN", bad.Err, StringComparison.Ordinal);

        w.Velvet.Env["DATABASE_ROOT_URL"] = db.Url(db.OwnerRole, "wrong-" + w.AppPassword);
        var denied = await w.GrantsAsync("plan");
        Assert.Equal(1, denied.Exit);
        Assert.Contains("cannot connect with DATABASE_ROOT_URL", denied.Err, StringComparison.Ordinal);
        Assert.Contains("28P01", denied.Err, StringComparison.Ordinal);
        w.AssertNoSecretPrinted();
    }

    [Fact]
    public async Task Policy_errors_stop_every_command_with_file_line_column()
    {
        var dir = Directory.CreateTempSubdirectory("velvet-grants-bad-").FullName;
        var policy = Path.Combine(dir, "grants.yaml");
        File.WriteAllText(policy, "app_role: app\nowner: o\nschemas: [public]\nappend_only: [\"audit{1,2}\"]\nmigrations: [x]\n");
        var velvet = new VelvetRun();
        foreach (var command in new[] { "plan", "apply", "verify", "prove" })
        {
            var run = await velvet.RunAsync("grants", command, "--policy", policy);
            Assert.Equal(6, run.Exit);
            Assert.Contains($"{policy}:4:15: grants policy: append_only: bad glob \"audit{{1,2}}\"", run.Err, StringComparison.Ordinal);
            Assert.Contains($"{policy}:5:1: grants policy: unknown key \"migrations\"", run.Err, StringComparison.Ordinal);
            Assert.Contains("2 error(s)", run.Err, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Apply_as_a_role_that_does_not_own_the_objects_is_refused_before_anything_changes()
    {
        db.Require();
        var w = await GrantsWorld.CreateAsync(db, "notowner");
        await w.CreateRunbookTablesAsync();
        w.WritePolicy();
        var intruder = db.RolePrefix + "intruder";
        var password = "canary-" + Guid.NewGuid().ToString("N");
        await w.AdminAsync($"CREATE ROLE {intruder} LOGIN PASSWORD '{password}'");
        w.Velvet.Env["DATABASE_ROOT_URL"] = db.Url(intruder, password);

        var refused = await w.GrantsAsync("apply");
        Assert.Equal(4, refused.Exit);
        Assert.Contains($"connected as {intruder}, which cannot change these grants", refused.Err, StringComparison.Ordinal);
        Assert.Contains($"table {w.Schema}.orders: needs the privileges of {db.OwnerRole}; connect as {db.OwnerRole} (or a superuser)", refused.Err, StringComparison.Ordinal);
        Assert.Contains($"default privileges for {db.OwnerRole} in schema {w.Schema} on tables: needs membership in {db.OwnerRole}", refused.Err, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", refused.Err, StringComparison.Ordinal);
        Assert.Equal(4, (await w.GrantsAsync("apply", "--dry-run")).Exit);
        Assert.False(await w.ScalarAsync<bool>($"SELECT has_table_privilege('{w.App}', '{w.Schema}.orders', 'SELECT')"));

        // The owner can.
        w.Velvet.Env["DATABASE_ROOT_URL"] = db.Url(db.OwnerRole, db.OwnerPassword);
        Assert.Equal(0, (await w.GrantsAsync("apply")).Exit);
        w.Velvet.AssertNeverPrinted(password);
        w.AssertNoSecretPrinted();
    }

    [Fact]
    public async Task Prove_with_the_owner_url_in_the_app_variable_shows_every_forbidden_operation_allowed()
    {
        db.Require();
        var w = await GrantsWorld.CreateAsync(db, "swapped");
        await w.CreateRunbookTablesAsync();
        w.WritePolicy();
        Assert.Equal(0, (await w.GrantsAsync("apply")).Exit);
        // Incident scenario D: the app URL overwritten with the owner URL.
        w.Velvet.Env["DATABASE_URL"] = db.Url(db.OwnerRole, db.OwnerPassword);
        var prove = await w.GrantsAsync("prove");
        Assert.Equal(3, prove.Exit);
        Assert.Contains($"connected as {db.OwnerRole} (NOT {w.App} nor a member of it)", prove.Out, StringComparison.Ordinal);
        Assert.Contains("TRUNCATE  ALLOWED", prove.Out, StringComparison.Ordinal);
        Assert.Contains("FAILED", prove.Out, StringComparison.Ordinal);
        // TRUNCATE ran, and was rolled back with its savepoint.
        await w.OwnerAsync("INSERT INTO alembic_version VALUES ('abc123')");
        Assert.Equal(3, (await w.GrantsAsync("prove")).Exit);
        Assert.Equal(1L, await w.ScalarAsync<long>("SELECT count(*) FROM alembic_version"));
        w.AssertNoSecretPrinted();
    }

    [Fact]
    public async Task Prove_reports_what_the_app_needs_and_cannot_do()
    {
        db.Require();
        var w = await GrantsWorld.CreateAsync(db, "starved");
        await w.CreateRunbookTablesAsync();
        w.WritePolicy();
        await w.OwnerAsync($"GRANT USAGE ON SCHEMA {w.Schema} TO \"{w.App}\"");
        var prove = await w.GrantsAsync("prove");
        Assert.Equal(3, prove.Exit);
        Assert.Contains("INSERT    REFUSED (42501) <- the policy grants it; the app will fail here", prove.Out, StringComparison.Ordinal);
    }
}
