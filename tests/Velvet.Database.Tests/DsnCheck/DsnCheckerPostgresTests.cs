using Velvet.Database.DsnCheck;

namespace Velvet.Database.Tests.DsnCheck;

/// <summary>`dsn check --connect` semantics against a real PostgreSQL: each role shape passes or fails as it should.</summary>
public sealed class DsnCheckerPostgresTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    private const string Canary = "CanaryPw-93b1f0";

    [Fact]
    public async Task Plain_login_roles_pass_every_check()
    {
        db.Require();
        var app = await RoleAsync("plain_app");
        var service = await RoleAsync("plain_svc");
        var report = await CheckAsync(Runtime("app", app), Runtime("service", service));
        Assert.True(report.Passed, Text(report));
        var text = Text(report);
        Assert.Contains($"✓ app DATABASE_URL: logs in as {db.RolePrefix}plain_app on {db.DatabaseName} (PostgreSQL 15.", text, StringComparison.Ordinal);
        foreach (var check in new[] { "not SUPERUSER", "not BYPASSRLS", "not CREATEROLE", "not CREATEDB", "not REPLICATION", "member of no admin role", "owns no tables, schemas or database" })
            Assert.Contains($"✓ service DATABASE_SERVICE_URL: {check}", text, StringComparison.Ordinal);
        Assert.Contains("users differ", text, StringComparison.Ordinal);
        Assert.Equal("dsn check: ok (23 checks)", report.Summary);
        AssertNoCanary(report);
    }

    [Fact]
    public async Task A_superuser_dsn_fails()
    {
        db.Require();
        var su = await RoleAsync("su", "SUPERUSER");
        var report = await CheckAsync(Runtime("app", su));
        Assert.False(report.Passed);
        Assert.Contains($"✗ app DATABASE_URL: has SUPERUSER: every permission check and RLS policy is bypassed: use a restricted role (ALTER ROLE {db.RolePrefix}su NOSUPERUSER)",
            Text(report), StringComparison.Ordinal);
        AssertNoCanary(report);
    }

    [Theory]
    [InlineData("CREATEROLE", "has CREATEROLE: it can create roles")]
    [InlineData("CREATEDB", "has CREATEDB: it can create databases")]
    [InlineData("REPLICATION", "has REPLICATION: replication connections read every row")]
    [InlineData("BYPASSRLS", "has BYPASSRLS: row-level security policies do not apply to it")]
    public async Task An_admin_attribute_on_the_app_dsn_fails(string attribute, string message)
    {
        db.Require();
        var url = await RoleAsync("attr_" + attribute.ToLowerInvariant(), attribute);
        var report = await CheckAsync(Runtime("app", url));
        Assert.Equal(1, report.Failures);
        Assert.Contains("✗ app DATABASE_URL: " + message, Text(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bypassrls_is_allowed_for_the_service_dsn_only_when_configured()
    {
        db.Require();
        var url = await RoleAsync("svc_bypass", "BYPASSRLS");
        var allowed = await CheckAsync(Runtime("service", url, "DATABASE_SERVICE_URL") with { AllowBypassRls = true });
        Assert.True(allowed.Passed, Text(allowed));
        Assert.Contains("· service DATABASE_SERVICE_URL: has BYPASSRLS (allowed for the service DSN)", Text(allowed), StringComparison.Ordinal);

        var denied = await CheckAsync(Runtime("service", url, "DATABASE_SERVICE_URL"));
        Assert.Contains("✗ service DATABASE_SERVICE_URL: has BYPASSRLS", Text(denied), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_owning_a_table_fails_and_so_does_a_member_of_the_owner_role()
    {
        db.Require();
        var owner = await RoleAsync("owns");
        await PgDatabaseFixture.ExecAsync(db.AdminConnectionString,
            "CREATE TABLE dsncheck_owned (id int)", $"ALTER TABLE dsncheck_owned OWNER TO {db.RolePrefix}owns");
        var report = await CheckAsync(Runtime("app", owner));
        Assert.Contains("✗ app DATABASE_URL: owns 1 table(s)/view(s) (public.dsncheck_owned): an owner ignores GRANT/REVOKE", Text(report), StringComparison.Ordinal);

        var member = await RoleAsync("owner_member", "", $"GRANT {db.RolePrefix}owns TO {db.RolePrefix}owner_member");
        var viaMembership = Text(await CheckAsync(Runtime("app", member)));
        Assert.Contains($"owns 1 table(s)/view(s) (public.dsncheck_owned (owned by {db.RolePrefix}owns))", viaMembership, StringComparison.Ordinal);

        var allowed = await CheckAsync(Runtime("app", owner) with { AllowOwnership = true });
        Assert.True(allowed.Passed, Text(allowed));
        Assert.Contains("· app DATABASE_URL: owns 1 table(s)/view(s) (public.dsncheck_owned) (allowed for the app DSN)", Text(allowed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Membership_in_a_superuser_role_through_a_group_fails_with_the_chain()
    {
        db.Require();
        await PgDatabaseFixture.ExecAsync(db.AdminConnectionString,
            $"CREATE ROLE {db.RolePrefix}admins NOLOGIN SUPERUSER", $"CREATE ROLE {db.RolePrefix}grp NOLOGIN",
            $"GRANT {db.RolePrefix}admins TO {db.RolePrefix}grp");
        var url = await RoleAsync("member", "", $"GRANT {db.RolePrefix}grp TO {db.RolePrefix}member");
        var report = await CheckAsync(Runtime("app", url));
        var p = db.RolePrefix;
        Assert.Contains($"✗ app DATABASE_URL: member of {p}admins (via {p}member → {p}grp → {p}admins; SUPERUSER): it can act with that role's rights: REVOKE {p}grp FROM {p}member",
            Text(report), StringComparison.Ordinal);
        Assert.Equal(1, report.Failures);
    }

    [Fact]
    public async Task Membership_in_a_predefined_or_denylisted_admin_role_fails()
    {
        db.Require();
        var url = await RoleAsync("reader", "", $"GRANT pg_read_all_data TO {db.RolePrefix}reader");
        Assert.Contains($"✗ app DATABASE_URL: member of pg_read_all_data (via {db.RolePrefix}reader → pg_read_all_data)", Text(await CheckAsync(Runtime("app", url))), StringComparison.Ordinal);

        var named = await RoleAsync("named", "", $"CREATE ROLE {db.RolePrefix}rds_like NOLOGIN", $"GRANT {db.RolePrefix}rds_like TO {db.RolePrefix}named");
        var options = new DsnCheckOptions { Connect = true, Inspection = new RoleInspectionOptions { AdminRoles = [db.RolePrefix + "RDS_LIKE"] } };
        var report = await DsnChecker.RunAsync([Runtime("app", named)], options, TestContext.Current.CancellationToken);
        Assert.Contains($"✗ app DATABASE_URL: member of {db.RolePrefix}rds_like", Text(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_fails_with_the_sqlstate_and_never_prints_it()
    {
        db.Require();
        await RoleAsync("wrongpw");
        var url = db.Url(db.RolePrefix + "wrongpw", Canary + "-not-the-password");
        var report = await CheckAsync(Runtime("app", url));
        Assert.False(report.Passed);
        var line = Assert.Single(report.Lines, l => l.Outcome == CheckOutcome.Fail);
        Assert.Equal(
            $"✗ app DATABASE_URL: cannot log in with postgres://{db.RolePrefix}wrongpw@{db.Host}:{db.Port}/{db.DatabaseName}: " +
            $"password authentication failed for user \"{db.RolePrefix}wrongpw\" (SQLSTATE 28P01): wrong password, or no role '{db.RolePrefix}wrongpw': " +
            "re-seed the URL from its canonical copy (after a rotation the old password stops working)",
            line.Render());
        AssertNoCanary(report);
    }

    [Fact]
    public async Task A_missing_database_and_an_unreachable_server_are_clear_failures()
    {
        db.Require();
        var url = await RoleAsync("nodb");
        var missing = await CheckAsync(Runtime("app", url.Replace("/" + db.DatabaseName, "/" + db.RolePrefix + "nope", StringComparison.Ordinal)));
        Assert.Contains("(SQLSTATE 3D000): the database does not exist", Text(missing), StringComparison.Ordinal);

        var closedPort = PgDatabaseFixture.FreePort();
        var unreachable = await CheckAsync(Runtime("app", $"postgres://x:{Canary}@127.0.0.1:{closedPort}/d"));
        Assert.Contains($"✗ app DATABASE_URL: cannot log in with postgres://x@127.0.0.1:{closedPort}/d: cannot reach the server", Text(unreachable), StringComparison.Ordinal);
        Assert.Contains("(SQLSTATE 08001): check the host and port", Text(unreachable), StringComparison.Ordinal);
        AssertNoCanary(unreachable);
    }

    [Fact]
    public async Task The_owner_dsn_is_reported_not_judged_and_must_differ_from_the_app_user()
    {
        db.Require();
        var ownerUrl = db.Url(db.OwnerRole, db.OwnerPassword);
        var app = await RoleAsync("app_vs_owner");
        var report = await CheckAsync(Runtime("app", app, "RAPTOR_APP_DATABASE_URL"), new DsnTarget("owner", "DATABASE_URL", ownerUrl, DsnTargetKind.Owner));
        Assert.True(report.Passed, Text(report));
        Assert.Contains("· owner DATABASE_URL: owner role: no admin attributes; owns 0 table(s)/view(s) (expected: the owner runs migrations)", Text(report), StringComparison.Ordinal);

        // Scenario D: the app-role URL overwritten with the owner URL.
        var swapped = await CheckAsync(Runtime("app", ownerUrl, "RAPTOR_APP_DATABASE_URL"), new DsnTarget("owner", "DATABASE_URL", ownerUrl, DsnTargetKind.Owner));
        Assert.Contains($"✗ app vs owner: RAPTOR_APP_DATABASE_URL and DATABASE_URL both log in as '{db.OwnerRole}'", Text(swapped), StringComparison.Ordinal);
        Assert.Contains($"✗ app RAPTOR_APP_DATABASE_URL: owns schema(s) public and database {db.DatabaseName}", Text(swapped), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspector_reports_the_raw_attributes()
    {
        db.Require();
        var url = await RoleAsync("raw", "CREATEDB BYPASSRLS", $"GRANT pg_monitor TO {db.RolePrefix}raw");
        var role = await RoleInspector.InspectAsync(Velvet.Dsn.Dsn.Parse(url), ct: TestContext.Current.CancellationToken);
        Assert.Equal(db.RolePrefix + "raw", role.Role);
        Assert.Equal(new RoleFlags(false, true, false, true, false), role.Flags);
        Assert.Contains(role.MemberOf, m => m.Name == "pg_monitor");
        Assert.Contains(role.MemberOf, m => m.Name == "pg_read_all_stats" && m.Path.Count == 3);
        Assert.Empty(role.AdminMemberships);
        Assert.False(role.OwnsObjects);

        var owner = await RoleInspector.InspectAsync(db.OwnerConnectionString, ct: TestContext.Current.CancellationToken);
        Assert.Equal(["public"], owner.OwnedSchemas);
        Assert.True(owner.OwnsDatabase);
    }

    private async Task<string> RoleAsync(string suffix, string attributes = "", params string[] then)
    {
        var name = db.RolePrefix + suffix;
        await PgDatabaseFixture.ExecAsync(db.AdminConnectionString, [$"CREATE ROLE {name} LOGIN {attributes} PASSWORD '{Canary}{suffix}'", .. then]);
        return db.Url(name, Canary + suffix);
    }

    private static DsnTarget Runtime(string label, string url, string? variable = null) =>
        new(label, variable ?? (label == "app" ? "DATABASE_URL" : "DATABASE_SERVICE_URL"), url);

    private static Task<DsnCheckReport> CheckAsync(params DsnTarget[] targets) =>
        DsnChecker.RunAsync(targets, new DsnCheckOptions { Connect = true, Inspection = new RoleInspectionOptions { Timeout = TimeSpan.FromSeconds(5) } },
            TestContext.Current.CancellationToken);

    private static string Text(DsnCheckReport report) => string.Join("\n", report.Lines.Select(l => l.Render()).Append(report.Summary));

    private static void AssertNoCanary(DsnCheckReport report) => Assert.DoesNotContain(Canary, Text(report), StringComparison.Ordinal);
}
