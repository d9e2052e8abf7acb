using Velvet.Core.Ports;

namespace Velvet.Store.Tests;

public abstract partial class JobStoreContract
{
    private static Followup NewFollowup(Guid job) => new()
    {
        JobId = job, CredentialName = "HK_BILLING", Env = "prod", CanonicalConsumerId = "vault", FallbackConsumerId = "ssm-standby",
        Reason = "HTTP 403 Forbidden (CF Access error 1010)", ValueFingerprint = "sha256:0123456789abcdef", CreatedAt = TestData.T0,
    };

    [Fact]
    public async Task A_followup_is_opened_once_per_job_and_canonical_store_listed_while_open_and_resolved_once()
    {
        var store = JobStoreFactory.Followups(await StoreAsync());
        var job = Guid.CreateVersion7();
        var first = await store.OpenFollowupAsync(NewFollowup(job), Ct);
        var again = await store.OpenFollowupAsync(NewFollowup(job) with { Reason = "a retry" }, Ct);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal("HTTP 403 Forbidden (CF Access error 1010)", again.Reason);
        Assert.True(first.IsOpen);
        Assert.Contains(await store.ListFollowupsAsync(openOnly: true, Ct), f => f.Id == first.Id);
        Assert.Equal([first.Id], (await store.FollowupsOfJobAsync(job, Ct)).Select(f => f.Id));

        Assert.True(await store.ResolveFollowupAsync(first.Id, "alice", "read back: vault holds sha256:0123456789abcdef", TestData.T0.AddHours(1), Ct));
        Assert.False(await store.ResolveFollowupAsync(first.Id, "bob", "twice", TestData.T0.AddHours(2), Ct));

        var resolved = await store.GetFollowupAsync(first.Id, Ct);
        Assert.Equal(("alice", TestData.T0.AddHours(1)), (resolved!.ResolvedBy, resolved.ResolvedAt));
        Assert.DoesNotContain(await store.ListFollowupsAsync(openOnly: true, Ct), f => f.Id == first.Id);
        Assert.Contains(await store.ListFollowupsAsync(openOnly: false, Ct), f => f.Id == first.Id);
        Assert.Null(await store.GetFollowupAsync(long.MaxValue, Ct));
    }

    [Fact]
    public async Task A_plan_round_trips_and_updates_only_from_the_version_it_read()
    {
        var store = JobStoreFactory.Plans(await StoreAsync());
        var job = Guid.CreateVersion7();
        var plan = new RotationPlan
        {
            PlanId = Guid.CreateVersion7(), CredentialName = "RAPTOR_APP_DATABASE_URL", Soak = TimeSpan.FromMinutes(30), Status = "running",
            Stages = [new PlanStage { Env = "staging", JobId = job, Status = "running" }, new PlanStage { Env = "prod" }],
            CreatedBy = "alice", CreatedAt = TestData.T0, UpdatedAt = TestData.T0,
        };
        await store.CreatePlanAsync(plan, Ct);

        var read = await store.GetPlanAsync(plan.PlanId, Ct);
        Assert.Equal((1L, "running", TimeSpan.FromMinutes(30), job, "prod"), (read!.Version, read.Status, read.Soak, read.Stages[0].JobId, read.Stages[1].Env));
        Assert.Contains(await store.ListPlansAsync(activeOnly: true, Ct), p => p.PlanId == plan.PlanId);

        var soaking = read with { Status = "soaking", SoakStartedAt = TestData.T0, SoakUntil = TestData.T0.AddMinutes(30), UpdatedAt = TestData.T0.AddMinutes(1) };
        Assert.True(await store.UpdatePlanAsync(soaking, Ct));
        Assert.False(await store.UpdatePlanAsync(soaking with { Status = "blocked" }, Ct)); // stale version
        var after = await store.GetPlanAsync(plan.PlanId, Ct);
        Assert.Equal((2L, "soaking", TestData.T0.AddMinutes(30)), (after!.Version, after.Status, after.SoakUntil));
        Assert.True(await store.UpdatePlanAsync(after with { Status = "done" }, Ct));
        Assert.DoesNotContain(await store.ListPlansAsync(activeOnly: true, Ct), p => p.PlanId == plan.PlanId);
    }
}
