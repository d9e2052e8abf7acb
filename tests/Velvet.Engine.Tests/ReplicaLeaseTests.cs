using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Ports;
using Velvet.Engine.Tests.Support;
using Velvet.Vendors;

namespace Velvet.Engine.Tests;

/// <summary>Two workers (replicas) over one store: a step runs once, whoever wins the lease.</summary>
public class ReplicaLeaseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A second replica's runner over the same store and vendor state, with its own lease identity.</summary>
    private static JobRunner Replica(Harness h, IJobStore store, string instance, TimeSpan? lease = null, TimeProvider? time = null)
    {
        var bindings = new CredentialBindings(h.Manifest, new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = h.StateDir, Masker = h.Masker }));
        var options = h.Options with { InstanceId = instance, LeaseDuration = lease ?? h.Options.LeaseDuration };
        var service = new RotationService(store, bindings, h.Box, h.Masker, options, time ?? TimeProvider.System);
        return new JobRunner(service, bindings, h.Secrets, h.Box, h.Masker, time ?? TimeProvider.System, h.LoggerFactory.CreateLogger<JobRunner>());
    }

    private static int Steps(Harness h, Guid jobId, string status) =>
        h.Logs.Lines.Count(l => l.Contains($"job_id={jobId}", StringComparison.Ordinal) && l.EndsWith($"step from {status}", StringComparison.Ordinal));

    [Fact]
    public async Task A_replica_that_read_the_job_before_another_finished_the_step_does_not_run_it_again()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);
        (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "alice" })).Unwrap();

        // Replica B reads the job (minting), then, just before B asks for the lease, replica A runs the whole way
        // to the gate and releases its lease: B's read is stale by the time B holds the lease.
        var interleaved = 0;
        var store = LeaseHook.Wrap(h.Store, async owner =>
        {
            if (owner == "replica-b" && Interlocked.Exchange(ref interleaved, 1) == 0)
                Assert.Equal(JobStatus.Validated, (await h.Runner.RunAsync(job.JobId, CancellationToken.None))!.Status);
        });
        var b = Replica(h, store, "replica-b");
        var after = await b.RunAsync(job.JobId, Ct);

        Assert.Equal(1, interleaved);
        Assert.Equal(JobStatus.Validated, after!.Status);
        Assert.Equal(1, Steps(h, job.JobId, "minting"));
        Assert.Equal(1, Steps(h, job.JobId, "distributing"));
        Assert.Equal(1, h.Apps.For("billing").Updates);
        Assert.DoesNotContain(h.Logs.Lines, l => l.Contains("lost a race", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_step_longer_than_the_lease_keeps_it_and_no_other_replica_runs_it_meanwhile()
    {
        var lease = TimeSpan.FromMilliseconds(600);
        var (h, job, gate, a) = await BlockedInDistributeAsync(lease);
        await using var _ = h;

        // A is stuck in distribute for several lease lengths; B keeps trying and must always find the lease held.
        var b = Replica(h, h.Store, "replica-b", lease);
        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(lease / 2, Ct);
            Assert.Equal(JobStatus.Distributing, (await b.RunAsync(job.JobId, Ct))!.Status);
        }
        gate.SetResult();
        Assert.Equal(JobStatus.Validated, (await a)!.Status);
        Assert.Equal(1, Steps(h, job.JobId, "distributing"));
        Assert.Equal(1, h.Apps.For("search").Updates);
    }

    [Fact]
    public async Task A_replica_whose_lease_was_taken_over_stops_its_step()
    {
        // A's clock is fake: its renewals run only when the test advances it, so none can slip in between the
        // release and B's acquisition below (a renewal there would re-take the free lease), however loaded the machine.
        var lease = TimeSpan.FromSeconds(30);
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var (h, job, gate, a) = await BlockedInDistributeAsync(lease, time);
        await using var _ = h;

        // Someone else takes the lease as if A had stalled past it: A's next renewal fails and A stops the step.
        var now = time.GetUtcNow();
        await h.Store.ReleaseLeaseAsync(job.JobId, "replica-a", Ct);
        Assert.True(await h.Store.TryAcquireLeaseAsync(job.JobId, "replica-b", now, now.AddMinutes(5), Ct));
        Assert.False(a.IsCompleted); // A has not renewed yet: it cannot have noticed
        time.Advance(lease / 3); // A's renewal is due
        var stopped = await a.WaitAsync(TimeSpan.FromMinutes(2), Ct); // a condition with a generous deadline, not a timing bound
        Assert.Equal(JobStatus.Distributing, stopped!.Status);
        Assert.Contains(h.Logs.Lines, l => l.Contains("lost the lease during a step", StringComparison.Ordinal));
        gate.SetResult();
    }

    /// <summary>Replica A (the harness) past proceed_mint, its distribute step held open by the "search" app's gate.</summary>
    /// <param name="time">A's clock (its lease renewals); null = the harness's runner on the system clock.</param>
    private static async Task<(Harness H, RotationJob Job, TaskCompletionSource Gate, Task<RotationJob?> A)> BlockedInDistributeAsync(TimeSpan lease, TimeProvider? time = null)
    {
        var h = await Harness.StartAsync(options: o => o with { InstanceId = "replica-a", LeaseDuration = lease });
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);
        (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "alice" })).Unwrap();
        var gate = new TaskCompletionSource();
        h.Apps.For("search").Gate = gate;
        var a = (time is null ? h.Runner : Replica(h, h.Store, "replica-a", lease, time)).RunAsync(job.JobId, Ct);
        while (Volatile.Read(ref h.Apps.For("search").Updates) == 0) await Task.Delay(10, Ct);
        return (h, job, gate, a);
    }
}

/// <summary>Forwards every call to a store, running a hook before each lease acquisition (to interleave replicas).</summary>
public class LeaseHook : DispatchProxy
{
    private IJobStore _inner = null!;
    private Func<string, Task> _beforeAcquire = null!;

    public static IJobStore Wrap(IJobStore inner, Func<string, Task> beforeAcquire)
    {
        var proxy = Create<IJobStore, LeaseHook>();
        var hook = (LeaseHook)(object)proxy;
        hook._inner = inner;
        hook._beforeAcquire = beforeAcquire;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IJobStore.TryAcquireLeaseAsync))
            return AcquireAsync(targetMethod, args!);
        try { return targetMethod.Invoke(_inner, args); }
        catch (TargetInvocationException ex) when (ex.InnerException is not null) { throw ex.InnerException; }
    }

    private async Task<bool> AcquireAsync(MethodInfo method, object?[] args)
    {
        await _beforeAcquire((string)args[1]!);
        return await (Task<bool>)method.Invoke(_inner, args)!;
    }
}
