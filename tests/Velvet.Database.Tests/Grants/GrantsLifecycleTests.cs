using System.Text.RegularExpressions;

namespace Velvet.Database.Tests.Grants;

/// <summary>
/// The whole life of a grants policy through the CLI on a real PostgreSQL: plan the exact drift of a fresh database,
/// apply it, verify, prove as the app login, break it by hand, catch it, fix it, and add tables later.
/// </summary>
public sealed partial class GrantsLifecycleTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    [GeneratedRegex(@" {2,}")]
    private static partial Regex Padding();

    /// <summary>Output lines with column padding collapsed to two spaces.</summary>
    private static List<string> Lines(string output) =>
        output.Split('\n').Select(l => Padding().Replace(l.TrimEnd(), "  ")).ToList();

    [Fact]
    public async Task Plan_apply_verify_prove_then_catch_and_fix_a_manual_grant()
    {
        db.Require();
        var w = await GrantsWorld.CreateAsync(db, "life");
        await w.CreateRunbookTablesAsync();
        w.WritePolicy();
        var (s, app, owner) = (w.Schema, w.App, db.OwnerRole);

        var plan = await w.GrantsAsync("plan");
        Assert.Equal(3, plan.Exit);
        var drift = Lines(plan.Out).Where(l => l.Contains(" -> ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
        [
            $"schema {s}  USAGE  missing -> grant",
            $"default privileges for {owner} in schema {s} on sequences  USAGE  missing -> grant",
            $"default privileges for {owner} in schema {s} on tables  SELECT  missing -> grant",
            $"default privileges for {owner} in schema {s} on tables  INSERT  missing -> grant",
            $"default privileges for {owner} in schema {s} on tables  UPDATE  missing -> grant",
            $"default privileges for {owner} in schema {s} on tables  DELETE  missing -> grant",
            $"table {s}.customer_audit_events  SELECT  missing -> grant",
            $"table {s}.customer_audit_events  INSERT  missing -> grant",
            $"sequence {s}.customer_audit_events_id_seq  USAGE  missing -> grant",
            $"table {s}.orders  SELECT  missing -> grant",
            $"table {s}.orders  INSERT  missing -> grant",
            $"table {s}.orders  UPDATE  missing -> grant",
            $"table {s}.orders  DELETE  missing -> grant",
            $"table {s}.orders_history  SELECT  missing -> grant",
            $"table {s}.orders_history  INSERT  missing -> grant",
            $"sequence {s}.orders_id_seq  USAGE  missing -> grant",
        ], drift);
        Assert.Contains("4 table(s): 1 DML, 2 append-only, 1 migration, 0 unmanaged", plan.Out, StringComparison.Ordinal);
        Assert.Contains($"app role: {app} (NOLOGIN group; members: {w.AppLogin})", plan.Out, StringComparison.Ordinal);

        var dry = await w.GrantsAsync("apply", "--dry-run");
        Assert.Equal(0, dry.Exit);
        Assert.Contains("nothing is run", dry.Out, StringComparison.Ordinal);
        Assert.Equal(3, (await w.GrantsAsync("verify")).Exit);

        var apply = await w.GrantsAsync("apply");
        Assert.Equal(0, apply.Exit);
        var sql = Lines(apply.Out);
        Assert.Equal("BEGIN;", sql[1]);
        Assert.Contains($"GRANT SELECT, INSERT ON TABLE {s}.customer_audit_events, {s}.orders_history TO {app};", sql);
        Assert.Contains($"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {s}.orders TO {app};", sql);
        Assert.Contains($"GRANT USAGE ON SEQUENCE {s}.customer_audit_events_id_seq, {s}.orders_id_seq TO {app};", sql);
        Assert.Contains($"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};", sql);
        Assert.Contains("COMMIT;", sql);

        // No perpetual diff: plan, verify and a second apply all find nothing.
        var clean = await w.GrantsAsync("plan");
        Assert.Equal(0, clean.Exit);
        Assert.Contains("no drift", clean.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await w.GrantsAsync("verify")).Exit);
        Assert.Contains("nothing to do", (await w.GrantsAsync("apply")).Out, StringComparison.Ordinal);

        var prove = await w.GrantsAsync("prove");
        Assert.Equal(0, prove.Exit);
        var proved = Lines(prove.Out);
        foreach (var op in new[] { "UPDATE", "DELETE", "TRUNCATE" })
        {
            Assert.Contains($"table {s}.customer_audit_events  {op}  refused (42501)", proved);
            Assert.Contains($"table {s}.orders_history  {op}  refused (42501)", proved);
        }
        foreach (var op in new[] { "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE" })
        {
            Assert.Contains($"table {s}.alembic_version  {op}  refused (42501)", proved);
        }
        Assert.Contains($"table {s}.customer_audit_events  INSERT  allowed", proved);
        Assert.Contains($"table {s}.orders  SELECT  allowed", proved);
        Assert.Contains($"table {s}.orders  INSERT  allowed", proved);
        Assert.Contains($"connected as {w.AppLogin} (a member of {app})", prove.Out, StringComparison.Ordinal);

        // Someone grants UPDATE on the audit table by hand: verify names it, prove shows it ALLOWED, apply fixes it.
        await w.OwnerAsync($"GRANT UPDATE ON customer_audit_events TO \"{app}\"");
        var broken = await w.GrantsAsync("verify");
        Assert.Equal(3, broken.Exit);
        Assert.Contains($"table {s}.customer_audit_events  UPDATE  granted -> revoke", Lines(broken.Out).Select(l => l.Trim()));
        var caught = await w.GrantsAsync("prove");
        Assert.Equal(3, caught.Exit);
        Assert.Contains($"table {s}.customer_audit_events  UPDATE  ALLOWED <- the policy forbids it", Lines(caught.Out));
        Assert.Contains("1 of ", caught.Out, StringComparison.Ordinal);
        var fix = await w.GrantsAsync("apply");
        Assert.Equal(0, fix.Exit);
        Assert.Contains($"REVOKE UPDATE ON TABLE {s}.customer_audit_events FROM {app};", fix.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await w.GrantsAsync("verify")).Exit);
        Assert.Equal(0, (await w.GrantsAsync("prove")).Exit);

        // Nothing prove did stayed: no rows, the tables are intact.
        Assert.Equal(0L, await w.ScalarAsync<long>("SELECT count(*) FROM customer_audit_events"));
        w.AssertNoSecretPrinted();
    }

    [Fact]
    public async Task Tables_created_later_are_covered_by_default_privileges_and_a_new_append_only_table_shows_as_drift()
    {
        db.Require();
        var w = await GrantsWorld.CreateAsync(db, "later");
        await w.CreateRunbookTablesAsync();
        w.WritePolicy();
        Assert.Equal(0, (await w.GrantsAsync("apply")).Exit);

        // The runbooks' "new table -> permission denied": default privileges cover it at creation.
        await w.OwnerAsync("CREATE TABLE invoices (id serial PRIMARY KEY, amount int)");
        var plan = await w.GrantsAsync("plan");
        Assert.Equal(0, plan.Exit);
        Assert.Contains("no drift", plan.Out, StringComparison.Ordinal);
        Assert.Contains("2 DML", plan.Out, StringComparison.Ordinal);

        // A new append-only table gets full DML from the same defaults: plan shows it, apply takes it back.
        await w.OwnerAsync("CREATE TABLE invoices_history (invoice_id int, what text)");
        var drift = await w.GrantsAsync("plan");
        Assert.Equal(3, drift.Exit);
        var lines = Lines(drift.Out).Where(l => l.Contains(" -> ", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"table {w.Schema}.invoices_history  UPDATE  granted -> revoke", $"table {w.Schema}.invoices_history  DELETE  granted -> revoke"], lines);
        var json = await w.GrantsAsync("verify", "--json");
        Assert.Equal(3, json.Exit);
        using (var doc = System.Text.Json.JsonDocument.Parse(json.Out))
        {
            var first = doc.RootElement.GetProperty("drift")[0];
            Assert.Equal($"table {w.Schema}.invoices_history", first.GetProperty("object").GetString());
            Assert.Equal("UPDATE", first.GetProperty("privilege").GetString());
            Assert.Equal("granted -> revoke", first.GetProperty("change").GetString());
        }
        Assert.Equal(0, (await w.GrantsAsync("apply")).Exit);
        Assert.Equal(0, (await w.GrantsAsync("verify")).Exit);
        w.AssertNoSecretPrinted();
    }
}
