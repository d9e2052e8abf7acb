using Microsoft.Extensions.Logging.Abstractions;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Engine.Tests.Support;
using Velvet.Vendors.Generated;

namespace Velvet.Engine.Tests;

public class CrashResumeTests
{
    private static int Minted(Harness h) => new GeneratedStateStore(h.StateDir).Read(Harness.Cred).Ids.Count - 1; // minus the seed

    [Theory]
    [InlineData(MintCrash.BeforeVendorCall)]
    [InlineData(MintCrash.AfterVendorCall)]
    public async Task A_crash_around_the_vendor_mint_resumes_without_minting_twice(MintCrash when)
    {
        using var kill = new CancellationTokenSource();
        CrashingCatalog? crashing = null;
        await using var h = await Harness.StartAsync(wrap: c => crashing ??= new CrashingCatalog(c, kill, when));
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);
        (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "alice" })).Unwrap();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Runner.RunAsync(job.JobId, kill.Token));
        var atCrash = (await h.Store.GetJobAsync(job.JobId, CancellationToken.None))!;
        Assert.Equal(JobStatus.Minting, atCrash.Status);
        Assert.NotNull(atCrash.Details.MintIntentAt);
        Assert.NotNull(await h.Store.GetSecretAsync(job.JobId, CancellationToken.None)); // sealed before the vendor heard of it

        await h.Restart();
        using var worker = new JobWorker(h.Service, h.Runner, NullLogger<JobWorker>.Instance, TimeProvider.System);
        await worker.ResumeAllAsync(CancellationToken.None);

        var resumed = (await h.Store.GetJobAsync(job.JobId, CancellationToken.None))!;
        Assert.Equal(JobStatus.Validated, resumed.Status);
        Assert.Equal(1, Minted(h));
        Assert.Equal(atCrash.NewValueFingerprint, resumed.NewValueFingerprint);
    }

    [Fact]
    public async Task A_crash_mid_fan_out_resumes_the_unfinished_rows_and_leaves_finished_ones_alone()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        var gate = new TaskCompletionSource();
        h.Apps.For("search").Gate = gate;
        var job = await h.StartJobAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);
        (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "alice" })).Unwrap();

        using var kill = new CancellationTokenSource();
        var run = h.Runner.RunAsync(job.JobId, kill.Token);
        while (Volatile.Read(ref h.Apps.For("search").Updates) == 0) await Task.Delay(10, TestContext.Current.CancellationToken);
        while (Volatile.Read(ref h.Apps.For("billing").Updates) == 0) await Task.Delay(10, TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        kill.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var rows = (await h.RowsAsync(job.JobId)).ToDictionary(r => r.ConsumerId);
        Assert.Equal(RowStatus.InProgress, rows["search"].DistributeStatus);
        Assert.Equal(RowStatus.Succeeded, rows["vault"].DistributeStatus);
        var vaultCalls = File.GetLastWriteTimeUtc(Path.Combine(h.Dir, "vault.env"));

        gate.SetResult();
        await h.Restart();
        using var worker = new JobWorker(h.Service, h.Runner, NullLogger<JobWorker>.Instance, TimeProvider.System);
        await worker.ResumeAllAsync(CancellationToken.None);

        Assert.Equal(JobStatus.Validated, (await h.Store.GetJobAsync(job.JobId, CancellationToken.None))!.Status);
        Assert.Equal(vaultCalls, File.GetLastWriteTimeUtc(Path.Combine(h.Dir, "vault.env")));
        Assert.Equal(1, h.Apps.For("billing").Updates);
        Assert.Equal(2, h.Apps.For("search").Updates);
        Assert.Equal(1, Minted(h));
    }

    [Fact]
    public async Task A_job_leased_by_a_live_replica_is_left_alone_until_the_lease_expires()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.Verify, Actor = "alice" })).Unwrap();
        var now = TimeProvider.System.GetUtcNow();
        Assert.True(await h.Store.TryAcquireLeaseAsync(job.JobId, "other-replica", now, now.AddMinutes(2), CancellationToken.None));

        Assert.Equal(JobStatus.Verifying, (await h.RunToGateAsync(job.JobId)).Status);

        Assert.True(await h.Store.TryAcquireLeaseAsync(job.JobId, "other-replica", now.AddMinutes(-10), now.AddMinutes(-5), CancellationToken.None));
        Assert.Equal(JobStatus.Verified, (await h.RunToGateAsync(job.JobId)).Status);
    }

    [Fact]
    public async Task The_worker_picks_up_a_job_as_soon_as_an_action_is_recorded()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        using var worker = new JobWorker(h.Service, h.Runner, NullLogger<JobWorker>.Instance, TimeProvider.System, TimeSpan.FromSeconds(30));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var loop = worker.RunAsync(stop.Token);
        var job = await h.StartJobAsync();
        (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.Verify, Actor = "alice" })).Unwrap();
        RotationJob? seen = null;
        while (!stop.IsCancellationRequested && (seen = await h.Store.GetJobAsync(job.JobId, CancellationToken.None))!.Status != JobStatus.Verified)
            await Task.Delay(20, CancellationToken.None);
        Assert.Equal(JobStatus.Verified, seen!.Status);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }
}
