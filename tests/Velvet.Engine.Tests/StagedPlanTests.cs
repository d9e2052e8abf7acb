using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Engine.Tests.Support;
using Velvet.Store;
using Velvet.Vendors;

namespace Velvet.Engine.Tests;

/// <summary>
/// The runbook's staging → soak ≥ 30 min → prod, driven by a fake clock: the harness is the staging instance (env
/// test), a second service over the same store is the prod instance. The prod job is startable only once the staging
/// job is done and its healthchecks stayed green for the whole soak; a red check blocks the plan and says why.
/// </summary>
public sealed class StagedPlanTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    private static (PlanService Staging, PlanService Prod) Planners(Harness h, FakeTimeProvider time)
    {
        var plans = JobStoreFactory.Plans(h.Store);
        var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = h.StateDir, Masker = h.Masker });
        var prodManifest = ManifestLoader.LoadFromText(Harness.DefaultManifest(h.Dir, h.Apps.BaseUrl).Replace("env: test", "env: prod", StringComparison.Ordinal), "prod.yaml", catalog.Kinds);
        Assert.True(prodManifest.IsValid, string.Join("\n", prodManifest.Errors));
        var prod = new RotationService(h.Store, new CredentialBindings(prodManifest.Manifest!, catalog), h.Box, h.Masker, h.Options with { Env = "prod" }, time);
        return (new PlanService(plans, h.Service, h.Secrets, h.Masker, time), new PlanService(plans, prod, h.Secrets, h.Masker, time));
    }

    private static async Task<(RotationPlan Plan, FakeTimeProvider Time)> StagingDoneAsync(Harness h, PlanService staging, FakeTimeProvider time)
    {
        await h.SeedAsync();
        var created = await staging.CreateAsync(Harness.Cred, ["test", "prod"], TimeSpan.FromMinutes(30), "alice", CancellationToken.None);
        Assert.True(created.IsOk, created.Error?.Message);
        var jobId = created.Value.Stages[0].JobId!.Value;
        await h.VerifyAndMintAsync(jobId);
        Assert.Equal(JobStatus.Done, (await h.ActAsync(jobId, JobAction.ProceedRevoke)).Status);
        Assert.Equal(1, await staging.TickAsync(CancellationToken.None));
        var soaking = (await JobStoreFactory.Plans(h.Store).GetPlanAsync(created.Value.PlanId, CancellationToken.None))!;
        Assert.Equal(("soaking", T0.AddMinutes(30)), (soaking.Status, soaking.SoakUntil));
        return (soaking, time);
    }

    [Fact]
    public async Task Prod_becomes_startable_only_after_staging_is_done_and_soaked_green_for_30_minutes_across_a_restart()
    {
        await using var h = await Harness.StartAsync();
        var time = new FakeTimeProvider(T0);
        var (staging, prod) = Planners(h, time);
        var (plan, _) = await StagingDoneAsync(h, staging, time);
        var plans = JobStoreFactory.Plans(h.Store);

        var early = await prod.StartNextAsync(plan.PlanId, "bob", CancellationToken.None);
        Assert.Contains("is soaking test until 2026-11-23 03:30Z (30 min left; 0 healthcheck round(s) green so far): prod waits for the soak", early.Error!.Message, StringComparison.Ordinal);

        for (var minute = 1; minute <= 30; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            if (minute == 12) staging = Planners(h, time).Staging; // a restarted worker carries on from the store
            await staging.TickAsync(CancellationToken.None);
            await prod.TickAsync(CancellationToken.None); // the prod instance does not run staging's checks
            if (minute < 30) Assert.Equal("soaking", (await plans.GetPlanAsync(plan.PlanId, CancellationToken.None))!.Status);
        }

        var ready = (await plans.GetPlanAsync(plan.PlanId, CancellationToken.None))!;
        Assert.Equal(("ready", 1, 30), (ready.Status, ready.Current, ready.ChecksPassed));
        Assert.Equal("soaked", ready.Stages[0].Status);
        var wrongInstance = await staging.StartNextAsync(plan.PlanId, "bob", CancellationToken.None);
        Assert.Contains("the next stage is prod, but this Velvet runs with APP_ENV=test", wrongInstance.Error!.Message, StringComparison.Ordinal);

        var prodJob = await prod.StartNextAsync(plan.PlanId, "bob", CancellationToken.None);
        Assert.True(prodJob.IsOk, prodJob.Error?.Message);
        Assert.Equal(("prod", JobStatus.Init), (prodJob.Value.Env, prodJob.Value.Status));
        var running = (await plans.GetPlanAsync(plan.PlanId, CancellationToken.None))!;
        Assert.Equal(("running", prodJob.Value.JobId), (running.Status, running.Stages[1].JobId));
        Assert.Contains(await JobStoreFactory.Subscribers(h.Store).ListSystemEventsAsync(20, CancellationToken.None), e => e.Kind == "velvet.plan.ready");
    }

    [Fact]
    public async Task A_red_healthcheck_during_the_soak_blocks_prod_records_why_and_raises_the_hook()
    {
        await using var h = await Harness.StartAsync();
        var time = new FakeTimeProvider(T0);
        var (staging, prod) = Planners(h, time);
        var (plan, _) = await StagingDoneAsync(h, staging, time);
        RotationPlan? notified = null;
        staging.PlanBlocked += p => notified = p;

        for (var minute = 1; minute <= 10; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await staging.TickAsync(CancellationToken.None);
        }
        h.Apps.For("billing").HealthStatus = 503;
        time.Advance(TimeSpan.FromMinutes(1));
        await staging.TickAsync(CancellationToken.None);

        var blocked = (await JobStoreFactory.Plans(h.Store).GetPlanAsync(plan.PlanId, CancellationToken.None))!;
        Assert.Equal(("blocked", 10), (blocked.Status, blocked.ChecksPassed));
        Assert.StartsWith("healthcheck failed during the test soak at 2026-11-23 03:11Z: billing: HTTP 503", blocked.BlockedReason, StringComparison.Ordinal);
        Assert.Equal(plan.PlanId, notified?.PlanId);
        Assert.Contains(await JobStoreFactory.Subscribers(h.Store).ListSystemEventsAsync(20, CancellationToken.None),
            e => e.Kind == "velvet.plan.blocked" && e.Detail.Contains("billing: HTTP 503", StringComparison.Ordinal));

        // Healthy again later does not unblock it: the soak was not green the whole time.
        h.Apps.For("billing").HealthStatus = null;
        time.Advance(TimeSpan.FromMinutes(30));
        await staging.TickAsync(CancellationToken.None);
        var refused = await prod.StartNextAsync(plan.PlanId, "bob", CancellationToken.None);
        Assert.Contains($"plan {plan.PlanId} is blocked: healthcheck failed during the test soak", refused.Error!.Message, StringComparison.Ordinal);

        // The block notifies once (plan_blocked in the outbox, tied to the staging job), however often the worker looks again.
        var outbox = (await ((INotificationStore)h.Store).PendingFanOutAsync(100, CancellationToken.None)).Where(e => e.Kind == NotificationKinds.PlanBlocked).ToList();
        var e = Assert.Single(outbox);
        Assert.Equal((plan.Stages[0].JobId!.Value, "test", $"plan:{plan.PlanId:D}:plan_blocked"), (e.JobId, e.Env, e.EventKey));
        Assert.Contains("billing: HTTP 503", e.Reason, StringComparison.Ordinal);
    }
}
