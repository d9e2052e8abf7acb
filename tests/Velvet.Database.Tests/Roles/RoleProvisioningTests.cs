using Npgsql;
using Velvet.Database.Roles;

namespace Velvet.Database.Tests.Roles;

/// <summary>Provisioning against PostgreSQL 15: idempotent, group shape for alternating, and a real permission failure explained.</summary>
public sealed class RoleProvisioningTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    private RoleTarget Target(RoleLayout layout, string? admin = null) => new()
    {
        Layout = layout,
        Admin = Dsn.Dsn.Parse(admin ?? db.AdminConnectionString),
        UrlTemplate = RoleTarget.TemplateFrom(Dsn.Dsn.Parse(db.AdminConnectionString)),
        AdminSource = "$DATABASE_ROOT_URL",
    };

    private static async Task<ProvisionResult> ProvisionAsync(RoleTarget target, bool reset = false, bool commit = true)
    {
        await using var p = await RoleProvisioning.BeginAsync(target, CancellationToken.None);
        var result = await p.ApplyAsync(reset, CancellationToken.None);
        if (commit) await p.CommitAsync(CancellationToken.None);
        return result;
    }

    [Fact]
    public async Task Alternating_creates_a_nologin_group_and_two_member_logins_with_only_the_first_enabled()
    {
        db.Require();
        var layout = RoleLayout.Alternating(db.RolePrefix + "grp");
        var target = Target(layout);

        var result = await ProvisionAsync(target);

        Assert.Equal(layout.Logins[0], result.Login);
        Assert.Equal(layout.Logins[0], (await PgLogin.TryAsync(Dsn.Dsn.Parse(result.Url!.Reveal()), CancellationToken.None)).CurrentUser);
        await using var conn = new NpgsqlConnection(db.AdminConnectionString);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        var snapshot = await RoleInspector.ReadAsync(conn, layout, CancellationToken.None);
        Assert.False(snapshot.Find(layout.Role)!.CanLogin);
        Assert.True(snapshot.Find(layout.Logins[0])!.CanLogin);
        Assert.False(snapshot.Find(layout.Logins[1])!.CanLogin);
        Assert.All(layout.Logins, l => Assert.Equal([layout.Role], snapshot.Find(l)!.MemberOf));
        Assert.Null(RoleChecks.Layout(target, snapshot));

        // Again: nothing new, password kept.
        var again = await ProvisionAsync(target);
        Assert.Null(again.Url);
        Assert.Contains($"roles already exist; active login {layout.Logins[0]}, password unchanged", again.Actions.Single(), StringComparison.Ordinal);
        Assert.True((await PgLogin.TryAsync(Dsn.Dsn.Parse(result.Url.Reveal()), CancellationToken.None)).IsOk);
    }

    [Fact]
    public async Task In_place_is_idempotent_and_resets_the_password_only_when_asked()
    {
        db.Require();
        var target = Target(RoleLayout.InPlace(db.RolePrefix + "app"));
        var first = await ProvisionAsync(target);
        var firstUrl = Dsn.Dsn.Parse(first.Url!.Reveal());
        Assert.Equal(43, firstUrl.Password!.Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", firstUrl.Password);

        var again = await ProvisionAsync(target);
        Assert.Null(again.Url);
        Assert.Contains("already exists (it can log in); password unchanged (pass --reset-password to set a new one)", again.Actions.Single(), StringComparison.Ordinal);
        Assert.True((await PgLogin.TryAsync(firstUrl, CancellationToken.None)).IsOk);

        var reset = await ProvisionAsync(target, reset: true);
        Assert.NotEqual(first.Url.Reveal(), reset.Url!.Reveal());
        Assert.Equal(LoginOutcome.Refused, (await PgLogin.TryAsync(firstUrl, CancellationToken.None)).Outcome);
        Assert.True((await PgLogin.TryAsync(Dsn.Dsn.Parse(reset.Url.Reveal()), CancellationToken.None)).IsOk);
    }

    [Fact]
    public async Task Nothing_is_created_unless_the_caller_commits()
    {
        db.Require();
        var target = Target(RoleLayout.InPlace(db.RolePrefix + "uncommitted"));

        var result = await ProvisionAsync(target, commit: false);

        Assert.NotNull(result.Url);
        Assert.Equal(LoginOutcome.Refused, (await PgLogin.TryAsync(Dsn.Dsn.Parse(result.Url.Reveal()), CancellationToken.None)).Outcome);
        await using var conn = new NpgsqlConnection(db.AdminConnectionString);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Empty((await RoleInspector.ReadAsync(conn, target.Layout, CancellationToken.None)).Roles);
    }

    [Fact]
    public async Task An_admin_without_CREATEROLE_really_fails_on_PostgreSQL_15_and_is_told_the_fix()
    {
        db.Require();
        var limited = db.RolePrefix + "limited";
        await PgDatabaseFixture.ExecAsync(db.AdminConnectionString, $"CREATE ROLE {limited} LOGIN PASSWORD 'limited-pw-0001'");
        var target = Target(RoleLayout.InPlace(db.RolePrefix + "wanted"), db.Url(limited, "limited-pw-0001"));

        var ex = await Assert.ThrowsAsync<PostgresException>(() => ProvisionAsync(target));
        var explained = RoleProvisioning.Explain(ex, target);

        Assert.Equal("42501", ex.SqlState);
        Assert.Contains("permission denied to create role", ex.MessageText, StringComparison.Ordinal);
        Assert.Contains($"{limited} must be superuser or have CREATEROLE to create {db.RolePrefix}wanted", explained, StringComparison.Ordinal);
        Assert.Contains($"ALTER ROLE \"{limited}\" CREATEROLE;", explained, StringComparison.Ordinal);
        Assert.DoesNotContain("limited-pw-0001", explained, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_superuser_app_role_is_refused()
    {
        db.Require();
        var role = db.RolePrefix + "super";
        await PgDatabaseFixture.ExecAsync(db.AdminConnectionString, $"CREATE ROLE {role} LOGIN SUPERUSER");

        var result = await ProvisionAsync(Target(RoleLayout.InPlace(role)), reset: true);

        Assert.Null(result.Url);
        Assert.Contains($"{role} exists and is a superuser: an app role must never be", result.Problem, StringComparison.Ordinal);
    }
}
