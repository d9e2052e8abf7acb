using Velvet.Dsn;
using Velvet.Database.Doctor;

namespace Velvet.Database.Tests.Doctor;

/// <summary>
/// The two-URL runbook's incident scenarios A–D (and the extra checks) against a real PostgreSQL 15, each asserting
/// the finding and its fix. The app password is a canary that must never appear in a finding.
/// </summary>
public sealed class DoctorScenarioTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    private static DoctorFinding Single(DoctorReport report, string id)
    {
        var found = report.Findings.Where(f => f.Id == id).ToList();
        Assert.True(found.Count == 1, $"expected one {id}; got: {string.Join(" | ", report.Findings.Select(f => f.Id + ": " + f.What))}");
        return found[0];
    }

    private static void NoCanary(DoctorReport report)
    {
        var text = string.Join("\n", report.Findings.Select(f => f.What + " " + f.Fix)) + report.AppUrl + report.OwnerUrl;
        Assert.DoesNotContain(DoctorWorld.AppPassword, text, StringComparison.Ordinal);
        Assert.DoesNotContain("ownerpw_", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_runbooks_matrix_is_healthy()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "healthy");

        var report = await w.RunAsync(expectedRole: w.AppRole);

        Assert.True(report.Healthy, string.Join("\n", report.Findings.Select(f => f.Id + ": " + f.What)));
        Assert.Empty(report.Findings);
        Assert.Equal(w.AppRole, report.AppRole);
        Assert.Equal($"postgres://{w.AppRole}@{db.Host}:{db.Port}/{w.Database}", report.AppUrl);
        NoCanary(report);
    }

    [Fact]
    public async Task A_app_URL_missing_while_the_flag_is_on()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "amissing");
        w.Env.Remove(DoctorWorld.AppVar);

        var report = await w.RunAsync(expectedRole: w.AppRole);

        var f = Single(report, "A.app-url-missing");
        Assert.Equal(DoctorSeverity.Error, f.Severity);
        // Word for word what the runtime fails fast with: one implementation (Velvet.Dsn), not a paraphrase.
        Assert.Equal(RuntimeFailure(w), f.What);
        Assert.Contains("RAPTOR_APP_DATABASE_URL is required when FLAG_RAPTOR_APP_ROLE_SEPARATION=1 and DATABASE_URL resolves to a Postgres URL", f.What, StringComparison.Ordinal);
        Assert.Contains("refuses to start", f.Fix, StringComparison.Ordinal);
        Assert.Contains("heroku config:set RAPTOR_APP_DATABASE_URL=\"<URL from the vault>\" -a <app> >/dev/null 2>&1", f.Fix, StringComparison.Ordinal);
        Assert.Contains("set FLAG_RAPTOR_APP_ROLE_SEPARATION=0 and restart", f.Fix, StringComparison.Ordinal);
        Assert.Contains($"velvet db provision --role {w.AppRole}", f.Fix, StringComparison.Ordinal);
        Assert.False(report.Healthy);
        // The role exists and its grants are fine: only A is reported.
        Assert.Single(report.Findings);
    }

    [Fact]
    public async Task A_app_URL_malformed_while_the_flag_is_on()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "amalformed");
        w.Env[DoctorWorld.AppVar] = $"postgres://{w.AppRole}:{DoctorWorld.AppPassword}@127.0.0.1:notaport/db";

        var report = await w.RunAsync();

        var f = Single(report, "A.app-url-malformed");
        Assert.Equal(DoctorSeverity.Error, f.Severity);
        Assert.Equal(RuntimeFailure(w), f.What);
        Assert.Contains("RAPTOR_APP_DATABASE_URL is not a valid DSN (invalid port", f.What, StringComparison.Ordinal);
        Assert.Contains("re-seed RAPTOR_APP_DATABASE_URL from the canonical copy in your vault", f.Fix, StringComparison.Ordinal);
        NoCanary(report);
    }

    [Fact]
    public async Task An_invalid_flag_is_the_runtime_error_on_a_PostgreSQL_owner()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "badflag");
        w.Env[DoctorWorld.FlagVar] = "yes";

        var report = await w.RunAsync();

        var f = Single(report, "flag-invalid");
        Assert.Equal(DoctorSeverity.Error, f.Severity);
        Assert.Equal(RuntimeFailure(w), f.What);
        Assert.Contains("FLAG_RAPTOR_APP_ROLE_SEPARATION has an invalid value", f.What, StringComparison.Ordinal);
        Assert.Equal(f.What, report.RuntimeFailure);
        Assert.False(report.Healthy);
    }

    private static string RuntimeFailure(DoctorWorld w) =>
        Assert.Throws<DsnConfigurationException>(() => RuntimeDatabaseUrl.Resolve(w.Env)).Message;

    [Fact]
    public async Task A_app_URL_with_a_stale_password()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "astale");
        w.Env[DoctorWorld.AppVar] = w.Url(w.AppRole, "stale-password-0001");

        var report = await w.RunAsync();

        var f = Single(report, "A.app-url-stale");
        Assert.Contains($"logs in as {w.AppRole}, which exists, but the server refuses its password (28P01", f.What, StringComparison.Ordinal);
        Assert.Contains("--reset-password", f.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain("stale-password-0001", f.What + f.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task B_the_app_role_does_not_exist()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "bmissing");
        var dropped = w.AppRole + "_gone";
        w.Env[DoctorWorld.AppVar] = w.Url(dropped, DoctorWorld.AppPassword);

        var report = await w.RunAsync();

        var f = Single(report, "B.role-missing");
        Assert.Equal(DoctorSeverity.Error, f.Severity);
        Assert.Contains($"role {dropped} does not exist", f.What, StringComparison.Ordinal);
        Assert.Contains("28P01", f.What, StringComparison.Ordinal);
        Assert.Contains($"velvet db provision --role {dropped} --write-env-file PATH --env-key RAPTOR_APP_DATABASE_URL --policy FILE", f.Fix, StringComparison.Ordinal);
        Assert.Contains($"CREATE ROLE \"{dropped}\" LOGIN", f.Fix, StringComparison.Ordinal);
        Assert.Contains($"heroku pg:credentials:create DATABASE --name {dropped}", f.Fix, StringComparison.Ordinal);
        NoCanary(report);
    }

    [Fact]
    public async Task C_a_table_added_by_a_migration_without_grants()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "cgrants");
        await w.OwnerExecAsync("CREATE TABLE historical_bars (id bigserial PRIMARY KEY, close numeric)", "CREATE TABLE payments_history (id int)");

        var report = await w.RunAsync();

        var f = Single(report, "C.permission-denied");
        Assert.Contains("2 table(s) lack grants for the app role", f.What, StringComparison.Ordinal);
        Assert.Contains("public.historical_bars (missing SELECT, INSERT)", f.What, StringComparison.Ordinal);
        Assert.Contains($"GRANT SELECT, INSERT, UPDATE, DELETE ON public.historical_bars TO {w.AppRole};", f.Fix, StringComparison.Ordinal);
        // *_history is append-only: SELECT and INSERT only.
        Assert.Contains($"GRANT SELECT, INSERT ON public.payments_history TO {w.AppRole};", f.Fix, StringComparison.Ordinal);
        Assert.Contains("velvet grants apply --policy FILE", f.Fix, StringComparison.Ordinal);
        var seq = Single(report, "C.sequence-usage");
        Assert.Contains($"GRANT USAGE ON SEQUENCE public.historical_bars_id_seq TO {w.AppRole};", seq.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task D_the_app_URL_was_overwritten_with_the_owner_URL()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "downer");
        w.Env[DoctorWorld.AppVar] = w.OwnerUrl;

        var report = await w.RunAsync();

        var f = Single(report, "D.app-url-is-owner");
        Assert.Contains($"logs in as {db.OwnerRole}, the same role as DATABASE_URL", f.What, StringComparison.Ordinal);
        Assert.Contains("overwritten with the owner URL", f.What, StringComparison.Ordinal);
        Assert.Contains("re-seed RAPTOR_APP_DATABASE_URL from the canonical copy in your vault", f.Fix, StringComparison.Ordinal);
        // No noise about grants: the owner has them all.
        Assert.DoesNotContain(report.Findings, x => x.Id.StartsWith("C.", StringComparison.Ordinal) || x.Id == "append-only-writable");
        NoCanary(report);
    }

    [Fact]
    public async Task D_the_app_role_owns_a_table()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "downs");
        await w.AdminExecAsync($"ALTER TABLE customer_audit_events OWNER TO {w.AppRole}");

        var report = await w.RunAsync();

        var f = Single(report, "D.app-role-owns-tables");
        Assert.Contains("public.customer_audit_events (owner " + w.AppRole + ")", f.What, StringComparison.Ordinal);
        Assert.Contains($"ALTER TABLE public.customer_audit_events OWNER TO {db.OwnerRole};", f.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flag_off_while_an_app_URL_exists_warns_that_the_runtime_runs_as_the_owner()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "flagoff");
        w.Env[DoctorWorld.FlagVar] = "0";

        var report = await w.RunAsync();

        var f = Single(report, "flag-off");
        Assert.Equal(DoctorSeverity.Warning, f.Severity);
        Assert.Contains("FLAG_RAPTOR_APP_ROLE_SEPARATION is off (0) while RAPTOR_APP_DATABASE_URL is set: the runtime connects with DATABASE_URL, as the owner", f.What, StringComparison.Ordinal);
        Assert.Contains("set FLAG_RAPTOR_APP_ROLE_SEPARATION=1 and restart", f.Fix, StringComparison.Ordinal);
        Assert.True(report.Healthy);
    }

    [Fact]
    public async Task The_app_role_can_rewrite_an_append_only_table()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "appendonly");
        await w.OwnerExecAsync($"GRANT UPDATE, DELETE ON customer_audit_events TO {w.AppRole}", "GRANT SELECT ON alembic_version TO PUBLIC");

        var report = await w.RunAsync();

        var f = Single(report, "append-only-writable");
        Assert.Contains("public.customer_audit_events (UPDATE, DELETE)", f.What, StringComparison.Ordinal);
        Assert.Contains($"REVOKE UPDATE, DELETE, TRUNCATE ON public.customer_audit_events FROM {w.AppRole};", f.Fix, StringComparison.Ordinal);
        var m = Single(report, "migration-table-access");
        Assert.Contains("REVOKE ALL ON TABLE public.alembic_version FROM PUBLIC;", m.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_only_patterns_are_configurable()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "patterns");
        var options = w.Options() with { AppendOnly = ["public.orders"] };

        var report = await new DbDoctor(options, n => w.Env.GetValueOrDefault(n)).RunAsync(TestContext.Current.CancellationToken);

        Assert.Contains("public.orders (UPDATE, DELETE)", Single(report, "append-only-writable").What, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alternating_logins_get_grants_fixed_on_their_group()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "altgroup");
        var group = w.AppRole + "_grp";
        var login = w.AppRole + "_a";
        await w.AdminExecAsync($"CREATE ROLE {group} NOLOGIN", $"CREATE ROLE {login} LOGIN PASSWORD '{DoctorWorld.AppPassword}'", $"GRANT {group} TO {login}");
        await w.OwnerExecAsync($"GRANT USAGE ON SCHEMA public TO {group}", $"GRANT SELECT, INSERT ON orders TO {group}");
        w.Env[DoctorWorld.AppVar] = w.Url(login, DoctorWorld.AppPassword);

        var report = await w.RunAsync();

        var f = Single(report, "C.permission-denied");
        Assert.DoesNotContain("public.orders (", f.What, StringComparison.Ordinal);
        Assert.Contains($"GRANT SELECT, INSERT ON public.customer_audit_events TO {group};", f.Fix, StringComparison.Ordinal);
    }
}
