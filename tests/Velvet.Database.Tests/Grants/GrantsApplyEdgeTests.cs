using System.Diagnostics;
using Npgsql;
using Velvet.Database.Grants;

namespace Velvet.Database.Tests.Grants;

/// <summary>Drift that is not just "missing": extra privileges of every kind, odd names, and how many queries plan costs.</summary>
public sealed class GrantsApplyEdgeTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    private string AdminUrl()
    {
        var admin = new NpgsqlConnectionStringBuilder(db.AdminConnectionString);
        return db.Url(admin.Username!, admin.Password!);
    }

    [Fact]
    public async Task Extra_privileges_of_every_kind_are_revoked_and_apply_converges_in_one_pass()
    {
        db.Require();
        var w = await GrantsWorld.CreateAsync(db, "extras");
        await w.CreateRunbookTablesAsync();
        w.WritePolicy();
        var (s, app, login) = (w.Schema, w.App, w.AppLogin);
        var third = db.RolePrefix + "third";
        await w.AdminAsync($"CREATE ROLE {third} NOLOGIN");
        await w.OwnerAsync(
            "CREATE TABLE \"Order Items\" (id serial, qty int)",
            "CREATE TABLE \"user\" (id int)",
            $"GRANT ALL ON alembic_version TO \"{app}\"",
            "GRANT SELECT ON alembic_version TO PUBLIC",
            $"GRANT TRUNCATE, REFERENCES, TRIGGER ON orders TO \"{app}\"",
            $"GRANT SELECT ON orders TO \"{app}\" WITH GRANT OPTION",
            $"GRANT UPDATE (what) ON customer_audit_events TO \"{app}\"",
            $"GRANT DELETE ON orders_history TO \"{login}\"",
            $"GRANT CREATE ON SCHEMA {s} TO \"{app}\"",
            $"GRANT USAGE ON SCHEMA {s} TO {third}",
            $"GRANT SELECT, UPDATE ON customer_audit_events TO {third} WITH GRANT OPTION");
        // A grant made by a third role, and a table the app login itself owns (it could ALTER or DROP it).
        await w.AdminAsync(
            $"SET ROLE {third}; GRANT UPDATE ON customer_audit_events TO \"{app}\"; RESET ROLE",
            $"CREATE TABLE app_owned (id int)", $"ALTER TABLE app_owned OWNER TO \"{login}\"");

        var plan = await w.GrantsAsync("plan");
        Assert.Equal(3, plan.Exit);
        string[] expected =
        [
            $"schema {s}", "CREATE", "granted -> revoke",
            $"table {s}.alembic_version", "SELECT to PUBLIC", "granted -> revoke",
            $"table {s}.alembic_version", "TRUNCATE", "granted -> revoke",
            $"table {s}.orders", "GRANT OPTION FOR SELECT", "granted -> revoke",
            $"table {s}.orders", "REFERENCES", "granted -> revoke",
            $"column {s}.customer_audit_events.what", "UPDATE", "granted -> revoke",
            $"table {s}.customer_audit_events", $"UPDATE (granted by {third})", "granted -> revoke",
            $"table {s}.orders_history", $"DELETE to {login}", "granted -> revoke",
            $"table {s}.app_owned", "OWNER", $"owned by {login} -> owned by {db.OwnerRole}",
            $"table {s}.Order Items", "INSERT", "missing -> grant",
            $"table {s}.user", "DELETE", "missing -> grant",
        ];
        var lines = plan.Out.Split('\n');
        for (var i = 0; i < expected.Length; i += 3)
        {
            Assert.Contains(lines, l => l.StartsWith(expected[i] + " ", StringComparison.Ordinal) && l.Contains("  " + expected[i + 1] + "  ", StringComparison.Ordinal)
                && l.TrimEnd().EndsWith(expected[i + 2], StringComparison.Ordinal));
        }

        // The owner cannot undo the third role's grant nor take the table back from the app login: refused, named.
        var asOwner = await w.GrantsAsync("apply");
        Assert.Equal(4, asOwner.Exit);
        Assert.Contains($"table {s}.customer_audit_events: needs membership in {third}", asOwner.Err, StringComparison.Ordinal);
        Assert.Contains($"table {s}.app_owned: needs membership in {login}", asOwner.Err, StringComparison.Ordinal);

        // A superuser can do all of it, in one transaction, and nothing is left.
        w.Velvet.Env["DATABASE_ROOT_URL"] = AdminUrl();
        var apply = await w.GrantsAsync("apply");
        Assert.True(apply.Exit == 0, apply.Err);
        Assert.Contains($"ALTER TABLE {s}.app_owned OWNER TO {db.OwnerRole};", apply.Out, StringComparison.Ordinal);
        Assert.Contains($"SET ROLE {third}; REVOKE UPDATE ON TABLE {s}.customer_audit_events FROM {app}; RESET ROLE;", apply.Out, StringComparison.Ordinal);
        Assert.Contains($"REVOKE GRANT OPTION FOR SELECT ON TABLE {s}.orders FROM {app};", apply.Out, StringComparison.Ordinal);
        Assert.Contains($"REVOKE UPDATE (what) ON TABLE {s}.customer_audit_events FROM {app};", apply.Out, StringComparison.Ordinal);
        Assert.Contains($"REVOKE SELECT ON TABLE {s}.alembic_version FROM PUBLIC;", apply.Out, StringComparison.Ordinal);
        Assert.Contains($"{s}.\"Order Items\"", apply.Out, StringComparison.Ordinal);
        Assert.Contains($"{s}.\"user\"", apply.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await w.GrantsAsync("verify")).Exit);
        w.Velvet.Env["DATABASE_ROOT_URL"] = db.Url(db.OwnerRole, db.OwnerPassword);
        Assert.Equal(0, (await w.GrantsAsync("verify")).Exit);
        var prove = await w.GrantsAsync("prove", "--dml-sample", "10");
        Assert.True(prove.Exit == 0, prove.Out);
        Assert.Equal(db.OwnerRole, await w.ScalarAsync<string>("SELECT tableowner::text FROM pg_tables WHERE tablename = 'app_owned' AND schemaname = current_schema()"));
        w.AssertNoSecretPrinted();
    }

    [Fact]
    public async Task Unwanted_default_privileges_and_grants_to_members_are_revoked()
    {
        db.Require();
        var w = await GrantsWorld.CreateAsync(db, "defaults");
        await w.OwnerAsync("CREATE TABLE orders (id int)");
        w.WritePolicy("table_privileges: [SELECT, INSERT]\n");
        await w.OwnerAsync(
            $"ALTER DEFAULT PRIVILEGES IN SCHEMA {w.Schema} GRANT ALL ON TABLES TO \"{w.App}\"",
            $"ALTER DEFAULT PRIVILEGES GRANT TRUNCATE ON TABLES TO \"{w.App}\"",
            $"ALTER DEFAULT PRIVILEGES IN SCHEMA {w.Schema} GRANT SELECT ON TABLES TO \"{w.AppLogin}\"");
        var plan = await w.GrantsAsync("plan");
        Assert.Equal(3, plan.Exit);
        var name = $"default privileges for {db.OwnerRole} in schema {w.Schema} on tables";
        Assert.Contains(plan.Out.Split('\n'), l => l.StartsWith(name, StringComparison.Ordinal) && l.Contains("  UPDATE  ", StringComparison.Ordinal) && l.EndsWith("granted -> revoke", StringComparison.Ordinal));
        Assert.Contains(plan.Out.Split('\n'), l => l.StartsWith(name, StringComparison.Ordinal) && l.Contains($"SELECT to {w.AppLogin}", StringComparison.Ordinal));
        Assert.Contains(plan.Out.Split('\n'), l => l.StartsWith($"default privileges for {db.OwnerRole} on tables (all schemas)", StringComparison.Ordinal) && l.Contains("  TRUNCATE  ", StringComparison.Ordinal));
        Assert.Equal(0, (await w.GrantsAsync("apply")).Exit);
        Assert.Equal(0, (await w.GrantsAsync("verify")).Exit);
        // A table created now gets exactly the policy's privileges.
        await w.OwnerAsync("CREATE TABLE payments (id int)");
        Assert.Equal(0, (await w.GrantsAsync("verify")).Exit);
        Assert.False(await w.ScalarAsync<bool>($"SELECT has_table_privilege('{w.App}', '{w.Schema}.payments', 'UPDATE')"));
        Assert.True(await w.ScalarAsync<bool>($"SELECT has_table_privilege('{w.App}', '{w.Schema}.payments', 'INSERT')"));
    }

    [Fact]
    public async Task Plan_reads_the_catalog_in_the_same_number_of_round_trips_for_3_or_300_tables()
    {
        db.Require();
        var w = await GrantsWorld.CreateAsync(db, "constant");
        w.WritePolicy();
        var policy = GrantsPolicyLoader.Load(w.PolicyPath).Policy!;
        var small = await CountCommandsAsync(w, policy, 3);
        var large = await CountCommandsAsync(w, policy, 300);
        Assert.Equal(2, small.Commands);
        Assert.Equal(small.Commands, large.Commands);
        Assert.Equal(300, large.Tables);
    }

    /// <summary>Creates tables up to <paramref name="tables"/> and counts Npgsql command executions (Activities) of one ReadAsync.</summary>
    private async Task<(int Commands, int Tables)> CountCommandsAsync(GrantsWorld w, GrantsPolicy policy, int tables)
    {
        await w.OwnerAsync($"DO $$ BEGIN FOR i IN 1..{tables} LOOP EXECUTE format('CREATE TABLE IF NOT EXISTS t%s (id serial)', i); END LOOP; END $$",
            $"GRANT SELECT ON ALL TABLES IN SCHEMA {w.Schema} TO \"{w.App}\"");
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.OwnerConnectionString) { Pooling = false }.ConnectionString);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        var count = 0;
        var mine = new AsyncLocal<bool>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = _ => { if (mine.Value) Interlocked.Increment(ref count); },
        };
        ActivitySource.AddActivityListener(listener);
        // Activities start in the caller's async context: only this test's commands see `mine` set (tests run in parallel).
        mine.Value = true;
        var snapshot = await CatalogReader.ReadAsync(conn, policy, TestContext.Current.CancellationToken);
        mine.Value = false;
        return (count, snapshot.Relations().Count(r => r.IsTableLike));
    }
}
