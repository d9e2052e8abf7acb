using Microsoft.Extensions.Logging.Abstractions;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Database.Roles;
using Velvet.Database.Tests.Roles.Support;

namespace Velvet.Database.Tests.Roles;

/// <summary>A crashed rotation resumes without re-keying twice; no password ever reaches Velvet's records or logs.</summary>
public sealed class RoleCrashAndCanaryTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    [Theory]
    [InlineData(Crash.AfterVendorMint)]
    [InlineData(Crash.AtFirstPush)]
    public async Task A_crash_between_mint_and_distribute_resumes_without_rekeying_twice_or_locking_out_the_active_login(Crash at)
    {
        db.Require();
        var ct = TestContext.Current.CancellationToken;
        using var kill = new CancellationTokenSource();
        CrashingRoleCatalog? crashing = null;
        await using var h = await RoleHarness.StartAsync(db, RoleMode.Alternating, at == Crash.AfterVendorMint ? "crashmint" : "crashpush",
            c => crashing ??= new CrashingRoleCatalog(c, kill, at));
        var (a, b) = (h.Layout.Logins[0], h.Layout.Logins[1]);
        await h.ProvisionAsync();
        var active = h.VaultUrl();
        var job = await h.StartAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);
        (await h.Service.ApplyAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "alice" }, ct)).Unwrap();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Runner.RunAsync(job.JobId, kill.Token));
        var keyAtCrash = await h.VerifierAsync(b);
        Assert.NotNull(keyAtCrash);
        Assert.True((await PgLogin.TryAsync(active, ct)).IsOk, "the active login must keep working after the crash");

        await h.Restart();
        using var worker = new JobWorker(h.Service, h.Runner, NullLogger<JobWorker>.Instance, TimeProvider.System);
        await worker.ResumeAllAsync(ct);

        var resumed = (await h.Store.GetJobAsync(job.JobId, ct))!;
        Assert.True(resumed.Status == JobStatus.Validated, resumed.LastError);
        Assert.Equal(keyAtCrash, await h.VerifierAsync(b)); // b was not re-keyed a second time
        Assert.Equal(at == Crash.AfterVendorMint ? 2 : 1, crashing!.MintCalls);
        Assert.Equal(b, h.VaultUrl().User);
        Assert.True((await PgLogin.TryAsync(h.VaultUrl(), ct)).IsOk);
        Assert.True((await PgLogin.TryAsync(active, ct)).IsOk, "the old login works until revoke");

        var done = await h.ActAsync(job.JobId, JobAction.ProceedRevoke);
        Assert.Equal(JobStatus.Done, done.Status);
        Assert.Equal(a, done.OldCredentialId);
        Assert.False(await h.CanLoginAsync(a));
    }

    [Fact]
    public async Task In_place_mint_retried_after_a_crash_finds_its_own_key_instead_of_setting_another()
    {
        db.Require();
        var ct = TestContext.Current.CancellationToken;
        using var kill = new CancellationTokenSource();
        CrashingRoleCatalog? crashing = null;
        await using var h = await RoleHarness.StartAsync(db, RoleMode.InPlace, "craship", c => crashing ??= new CrashingRoleCatalog(c, kill, Crash.AfterVendorMint));
        await h.ProvisionAsync();
        var job = await h.StartAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);
        (await h.Service.ApplyAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "alice" }, ct)).Unwrap();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Runner.RunAsync(job.JobId, kill.Token));
        var keyAtCrash = await h.VerifierAsync(h.Layout.Role);

        await h.Restart();
        var resumed = (await h.Runner.RunAsync(job.JobId, ct))!;

        Assert.True(resumed.Status == JobStatus.Validated, resumed.LastError);
        Assert.Equal(keyAtCrash, await h.VerifierAsync(h.Layout.Role));
        Assert.True((await PgLogin.TryAsync(h.VaultUrl(), ct)).IsOk);
    }

    [Theory]
    [InlineData(RoleMode.InPlace)]
    [InlineData(RoleMode.Alternating)]
    public async Task No_password_appears_in_events_job_records_rows_or_logs(RoleMode mode)
    {
        db.Require();
        await using var h = await RoleHarness.StartAsync(db, mode, mode == RoleMode.InPlace ? "canip" : "canalt");
        await h.ProvisionAsync();
        const string canary = "CANARY-pw-9f3b2c71d04e";
        await h.SetPasswordAsync(h.Layout.Logins[0], canary);

        var first = await h.RotateAsync();
        var afterFirst = h.VaultUrl().Password!;
        var second = await h.RotateAsync();
        var afterSecond = h.VaultUrl().Password!;
        var emergency = await h.StartAsync(FlowType.Revocation);
        var revoked = await h.RunAsync(emergency.JobId);
        Assert.True(revoked.Status == JobStatus.RevDone, revoked.LastError);

        var recorded = string.Join("\n", await h.RecordedTextAsync(first.JobId), await h.RecordedTextAsync(second.JobId), await h.RecordedTextAsync(emergency.JobId));
        Assert.Contains("verified current credential " + h.Layout.Logins[0], recorded, StringComparison.Ordinal); // the records are there
        var adminPassword = new Npgsql.NpgsqlConnectionStringBuilder(db.AdminConnectionString).Password!;
        foreach (var secret in new[] { canary, afterFirst, afterSecond, adminPassword })
        {
            Assert.DoesNotContain(secret, recorded, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), recorded, StringComparison.Ordinal);
        }
    }
}
