using Velvet.Database.Roles;

namespace Velvet.Database.Tests.Roles;

/// <summary>A login's outcome comes from the server's SQLSTATE: 28P01 and 28000 are the database's 401.</summary>
public sealed class PgLoginTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    [Fact]
    public async Task A_NOLOGIN_role_with_a_valid_password_is_refused_with_28000()
    {
        db.Require();
        var role = db.RolePrefix + "nologin";
        await PgDatabaseFixture.ExecAsync(db.AdminConnectionString, $"CREATE ROLE {role} NOLOGIN PASSWORD 'right-password-01'");

        var result = await PgLogin.TryAsync(Dsn.Dsn.Parse(db.Url(role, "right-password-01")), TestContext.Current.CancellationToken);

        Assert.Equal(LoginOutcome.Refused, result.Outcome);
        Assert.Equal("28000", result.SqlState);
        Assert.Contains("is not permitted to log in", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_and_a_missing_role_are_refused_with_28P01_and_the_password_is_not_in_the_message()
    {
        db.Require();
        var role = db.RolePrefix + "login";
        await PgDatabaseFixture.ExecAsync(db.AdminConnectionString, $"CREATE ROLE {role} LOGIN PASSWORD 'right-password-02'");

        var wrong = await PgLogin.TryAsync(Dsn.Dsn.Parse(db.Url(role, "wrong-password-02")), TestContext.Current.CancellationToken);
        var missing = await PgLogin.TryAsync(Dsn.Dsn.Parse(db.Url(db.RolePrefix + "nobody", "wrong-password-03")), TestContext.Current.CancellationToken);
        var right = await PgLogin.TryAsync(Dsn.Dsn.Parse(db.Url(role, "right-password-02")), TestContext.Current.CancellationToken);

        Assert.Equal((LoginOutcome.Refused, "28P01"), (wrong.Outcome, wrong.SqlState));
        Assert.Equal((LoginOutcome.Refused, "28P01"), (missing.Outcome, missing.SqlState));
        Assert.DoesNotContain("wrong-password", wrong.Message + missing.Message, StringComparison.Ordinal);
        Assert.Equal((LoginOutcome.Ok, role), (right.Outcome, right.CurrentUser));
    }

    [Fact]
    public async Task Nothing_listening_is_unreachable_not_refused()
    {
        var result = await PgLogin.TryAsync(Dsn.Dsn.Parse("postgres://u:secret-pw-04@127.0.0.1:1/db"), TestContext.Current.CancellationToken, TimeSpan.FromSeconds(2));

        Assert.Equal(LoginOutcome.Unreachable, result.Outcome);
        Assert.DoesNotContain("secret-pw-04", result.Message, StringComparison.Ordinal);
    }
}
