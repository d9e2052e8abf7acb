using Npgsql;
using Velvet.Core.Jobs;
using Velvet.Database.Roles;
using Velvet.Database.Tests.Roles.Support;

namespace Velvet.Database.Tests.Roles;

/// <summary>R7 role rotation through the real engine against PostgreSQL 15: in place and alternating.</summary>
public sealed class RoleRotationEngineTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    [Fact]
    public async Task In_place_rotation_refuses_the_old_password_with_28P01_and_the_new_URL_logs_in()
    {
        db.Require();
        await using var h = await RoleHarness.StartAsync(db, RoleMode.InPlace, "inplace");
        var old = await h.ProvisionAsync();

        var done = await h.RotateAsync();

        var now = h.VaultUrl();
        Assert.Equal(h.Layout.Role, now.User);
        Assert.NotEqual(Dsn.Dsn.Parse(old.Reveal()).Password, now.Password);
        var refused = await PgLogin.TryAsync(Dsn.Dsn.Parse(old.Reveal()), TestContext.Current.CancellationToken);
        Assert.Equal(LoginOutcome.Refused, refused.Outcome);
        Assert.Equal("28P01", refused.SqlState);
        var works = await PgLogin.TryAsync(now, TestContext.Current.CancellationToken);
        Assert.Equal(h.Layout.Role, works.CurrentUser);
        Assert.Equal(h.Layout.Role, done.OldCredentialId);
        Assert.Equal(h.Layout.Role, done.NewCredentialId);
        // Both consumers hold the new URL (the app's file too).
        Assert.Contains(now.Password!, File.ReadAllText(h.AppPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_place_revoke_ends_the_sessions_opened_with_the_old_password_and_keeps_the_new_ones()
    {
        db.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var h = await RoleHarness.StartAsync(db, RoleMode.InPlace, "ipsessions");
        await h.ProvisionAsync();
        await using var before = new NpgsqlConnection(PgLogin.ConnectionString(h.VaultUrl()));
        await before.OpenAsync(ct);
        var job = await h.StartAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);
        Assert.Equal(JobStatus.Validated, (await h.ActAsync(job.JobId, JobAction.ProceedMint)).Status);
        await using var after = new NpgsqlConnection(PgLogin.ConnectionString(h.VaultUrl()));
        await after.OpenAsync(ct);

        Assert.Equal(JobStatus.Done, (await h.ActAsync(job.JobId, JobAction.ProceedRevoke)).Status);

        await using (var probe = new NpgsqlCommand("SELECT 1", before))
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => probe.ExecuteScalarAsync(ct));
        await using (var alive = new NpgsqlCommand("SELECT 1", after))
            Assert.Equal(1, await alive.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task Alternating_rotations_flip_a_b_a_refuse_the_old_login_and_terminate_its_sessions()
    {
        db.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var h = await RoleHarness.StartAsync(db, RoleMode.Alternating, "alt");
        var (a, b) = (h.Layout.Logins[0], h.Layout.Logins[1]);
        await h.ProvisionAsync();
        Assert.Equal(a, h.VaultUrl().User);
        Assert.False(await h.CanLoginAsync(b));

        // A session the app opened with a's URL before the rotation.
        var urlA = h.VaultUrl();
        await using var session = new NpgsqlConnection(PgLogin.ConnectionString(urlA));
        await session.OpenAsync(ct);

        var first = await h.RotateAsync();
        Assert.Equal((a, b), (first.OldCredentialId, first.NewCredentialId));
        Assert.Equal(b, h.VaultUrl().User);
        Assert.False(await h.CanLoginAsync(a));
        Assert.True(await h.CanLoginAsync(b));
        var refusedA = await PgLogin.TryAsync(urlA, ct);
        Assert.Equal(LoginOutcome.Refused, refusedA.Outcome);
        Assert.Contains(refusedA.SqlState, new[] { "28000", "28P01" });
        // The old login's open session is gone: revocation is a real lock-out.
        await using (var probe = new NpgsqlCommand("SELECT 1", session))
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => probe.ExecuteScalarAsync(ct));

        var urlB = h.VaultUrl();
        var second = await h.RotateAsync();
        Assert.Equal((b, a), (second.OldCredentialId, second.NewCredentialId));
        Assert.Equal(a, h.VaultUrl().User);
        Assert.Equal(a, (await PgLogin.TryAsync(h.VaultUrl(), ct)).CurrentUser);
        Assert.Equal(LoginOutcome.Refused, (await PgLogin.TryAsync(urlB, ct)).Outcome);
        Assert.False(await h.CanLoginAsync(b));
        // a got a fresh key: the URL from before the first rotation does not work any more.
        Assert.Equal(LoginOutcome.Refused, (await PgLogin.TryAsync(urlA, ct)).Outcome);
    }

    [Fact]
    public async Task Between_mint_and_revoke_both_logins_work_so_clients_on_the_old_URL_keep_going()
    {
        db.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var h = await RoleHarness.StartAsync(db, RoleMode.Alternating, "window");
        await h.ProvisionAsync();
        var old = h.VaultUrl();
        var job = await h.StartAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);

        var validated = await h.ActAsync(job.JobId, JobAction.ProceedMint);

        Assert.Equal(JobStatus.Validated, validated.Status);
        Assert.True((await PgLogin.TryAsync(old, ct)).IsOk);
        Assert.True((await PgLogin.TryAsync(h.VaultUrl(), ct)).IsOk);
        // The consumers' own copies were validated by logging in with them.
        var rows = await h.Store.GetConsumerRowsAsync(job.JobId, ct);
        Assert.All(rows, r => Assert.Equal(RowStatus.Succeeded, r.ValidateStatus));
    }

    [Fact]
    public async Task Verify_fails_with_the_fix_when_the_current_URL_is_refused()
    {
        db.Require();
        await using var h = await RoleHarness.StartAsync(db, RoleMode.InPlace, "stale");
        await h.ProvisionAsync();
        // Someone changed the password behind Velvet's back: the vault's URL is stale.
        await PgDatabaseFixture.ExecAsync(db.AdminConnectionString, $"ALTER ROLE {PgText.Ident(h.Layout.Role)} PASSWORD 'changed-by-hand-0001'");
        var job = await h.StartAsync();

        var after = await h.ActAsync(job.JobId, JobAction.Verify);

        Assert.Equal(JobStatus.VerifyFailed, after.Status);
        Assert.Contains("is refused: 28P01", after.LastError, StringComparison.Ordinal);
        Assert.Contains("velvet db provision --role " + h.Layout.Role, after.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RoleMode.Alternating)]
    [InlineData(RoleMode.InPlace)]
    public async Task Emergency_revocation_locks_the_login_out_and_the_probe_counts_a_refused_login_as_refused(RoleMode mode)
    {
        db.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var h = await RoleHarness.StartAsync(db, mode, mode == RoleMode.InPlace ? "revip" : "revalt");
        await h.ProvisionAsync();
        var leaked = h.VaultUrl();
        await using var session = new NpgsqlConnection(PgLogin.ConnectionString(leaked));
        await session.OpenAsync(ct);
        var job = await h.StartAsync(FlowType.Revocation);

        var after = await h.RunAsync(job.JobId);

        Assert.True(after.Status == JobStatus.RevDone, after.LastError);
        Assert.Equal(LoginOutcome.Refused, (await PgLogin.TryAsync(leaked, ct)).Outcome);
        await using (var probe = new NpgsqlCommand("SELECT 1", session))
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => probe.ExecuteScalarAsync(ct));
        var rows = await h.Store.GetConsumerRowsAsync(job.JobId, ct);
        Assert.All(rows, r => Assert.Equal(RowStatus.Succeeded, r.ValidateStatus));
        // In place: a discarded random password; alternating: NOLOGIN and no password. Both answer 28P01.
        Assert.Equal("28P01", (await PgLogin.TryAsync(leaked, ct)).SqlState);
    }

    [Fact]
    public async Task Revocation_probe_reports_a_leak_when_a_consumer_still_logs_in()
    {
        db.Require();
        await using var h = await RoleHarness.StartAsync(db, RoleMode.Alternating, "leak");
        await h.ProvisionAsync();
        // The app's file holds a URL of a login Velvet does not revoke (the standby, enabled by hand with a password).
        var stray = await StrayUrlAsync(h);
        File.WriteAllText(h.AppPath, $"DATABASE_URL={stray.Reveal()}\n");
        var job = await h.StartAsync(FlowType.Revocation);

        var after = await h.RunAsync(job.JobId);

        Assert.Equal(JobStatus.RevLeaked, after.Status);
        Assert.Equal(["app"], after.Details.LeakedConsumers);
        var rows = (await h.Store.GetConsumerRowsAsync(job.JobId, TestContext.Current.CancellationToken)).ToDictionary(r => r.ConsumerId);
        Assert.Equal(RowStatus.Leaked, rows["app"].ValidateStatus);
        Assert.Equal(RowStatus.Succeeded, rows["vault"].ValidateStatus);
    }

    private static async Task<Core.Secrets.SecretValue> StrayUrlAsync(RoleHarness h)
    {
        var b = h.Layout.Logins[1];
        await PgDatabaseFixture.ExecAsync(h.Db.AdminConnectionString, $"ALTER ROLE {PgText.Ident(b)} LOGIN PASSWORD 'stray-password-0001'");
        // Both logins can log in now; the vault's URL tells Velvet that a is the one in use, so a is revoked and b leaks.
        return h.Target.UrlFor(b, "stray-password-0001");
    }
}
