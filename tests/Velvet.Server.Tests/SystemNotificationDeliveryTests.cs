using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Schedules;
using Velvet.Engine.Tests.Support;
using Velvet.Store;
using Velvet.Vendors.Notifications;
using Velvet.Vendors.Tests.Notifications;

namespace Velvet.Server.Tests;

/// <summary>
/// The scheduler's and the plan worker's notifications (schedule_due, plan_blocked) go through the same outbox and
/// dispatcher as job transitions: a real SQLite store, the dispatcher on fake time, local webhook receivers, each
/// channel's events: filter respected, one message per event, and no value in any payload.
/// </summary>
public sealed class SystemNotificationDeliveryTests(NotificationReceiver receiver) : IClassFixture<NotificationReceiver>
{
    private static readonly HttpClient Http = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Scheduled(string dir, string url) => Harness.DefaultManifest(dir, url)
        .Replace("    env: test\n    canonical_consumer: vault", "    env: test\n    schedule: { every: 30d }\n    canonical_consumer: vault", StringComparison.Ordinal);

    /// <summary>A webhook channel for <paramref name="kind"/> and one that only wants done: the second must get nothing.</summary>
    private (ChannelSpec[] Specs, string Wanted, string Other) Channels(string kind)
    {
        var (wanted, other) = (NotificationReceiver.NewKey(), NotificationReceiver.NewKey());
        ChannelSpec[] specs =
        [
            new() { Name = "pager", Kind = ChannelKinds.Webhook, Events = [kind], Settings = new Dictionary<string, string> { ["url"] = receiver.Hook(wanted).ToString() } },
            new() { Name = "done-only", Kind = ChannelKinds.Webhook, Events = [NotificationKinds.Done], Settings = new Dictionary<string, string> { ["url"] = receiver.Hook(other).ToString() } },
        ];
        return (specs, wanted, other);
    }

    private static async Task DispatchAsync(Harness h, ChannelSpec[] specs, FakeTimeProvider time, Func<bool> until)
    {
        var dispatcher = new NotificationDispatcher((INotificationStore)h.Store, h.Store, specs.Select(s => NotificationChannels.Create(s, h.Secrets, Http, time)),
            h.Masker, new DispatcherOptions { Owner = "replica-1" }, time, NullLogger.Instance, () => 1.0);
        for (var i = 0; i < 12 && !until(); i++)
        {
            time.Advance(dispatcher.Options.PollInterval);
            await dispatcher.RunOnceAsync(Ct);
        }
        // A few more passes: nothing is sent twice.
        for (var i = 0; i < 3; i++)
        {
            time.Advance(dispatcher.Options.PollInterval);
            await dispatcher.RunOnceAsync(Ct);
        }
    }

    [Fact]
    public async Task A_due_schedule_reaches_the_webhook_once_with_the_started_job_and_no_value()
    {
        await using var h = await Harness.StartAsync(Scheduled);
        var seeded = await h.SeedAsync();
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var scheduler = new Scheduler(h.Service, JobStoreFactory.Schedules(h.Store), new SchedulerOptions(), time, NullLogger<Scheduler>.Instance);
        Assert.Equal([Harness.Cred], (await scheduler.TickAsync(Ct)).Started); // never rotated by Velvet: due at once
        Assert.Empty((await scheduler.TickAsync(Ct)).Started);
        var job = Assert.Single(await h.Store.ListJobsAsync(new JobQuery { CredentialName = Harness.Cred, Limit = 10 }, Ct));

        var (specs, wanted, other) = Channels(NotificationKinds.ScheduleDue);
        await DispatchAsync(h, specs, time, () => receiver.Received(wanted).Count > 0);

        var post = Assert.Single(receiver.Received(wanted));
        Assert.Empty(receiver.Received(other));
        Assert.Equal("schedule_due", post.Headers["X-Velvet-Event"]);
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal(("schedule_due", "info", Harness.Cred, job.JobId.ToString()),
            (body.RootElement.GetProperty("event").GetString(), body.RootElement.GetProperty("severity").GetString(),
             body.RootElement.GetProperty("credential").GetString(), body.RootElement.GetProperty("job_id").GetString()));
        Assert.Contains("slot initial is due", body.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(seeded.Reveal(), post.Body, StringComparison.Ordinal); // canary
        Assert.DoesNotContain(Harness.DeployToken, post.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manual_only_credential_due_sends_one_reminder_with_its_runbook_and_starts_no_job()
    {
        // DEPLOY_TOKEN is manual_only with a runbook; give it a cadence.
        await using var h = await Harness.StartAsync((dir, url) => Harness.DefaultManifest(dir, url).Replace(
            "    runbook_url: https://runbooks.example/deploy-token", "    runbook_url: https://runbooks.example/deploy-token\n    schedule: { every: 30d }", StringComparison.Ordinal));
        var seeded = await h.SeedAsync();
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        // Two replicas see the slot due: one reminder row, one message.
        var a = new Scheduler(h.Service, JobStoreFactory.Schedules(h.Store), new SchedulerOptions(), time, NullLogger<Scheduler>.Instance);
        var b = new Scheduler(h.Service, JobStoreFactory.Schedules(h.Store), new SchedulerOptions(), time, NullLogger<Scheduler>.Instance);
        var reminded = (await a.TickAsync(Ct)).Reminded.Concat((await b.TickAsync(Ct)).Reminded).ToList();
        Assert.Equal(["DEPLOY_TOKEN"], reminded);
        Assert.Empty(await h.Store.ListJobsAsync(new JobQuery { CredentialName = "DEPLOY_TOKEN", Limit = 10 }, Ct));

        var (specs, wanted, other) = Channels(NotificationKinds.ScheduleReminder);
        await DispatchAsync(h, specs, time, () => receiver.Received(wanted).Count > 0);

        var post = Assert.Single(receiver.Received(wanted));
        Assert.Empty(receiver.Received(other));
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal(("schedule_reminder", "info", "DEPLOY_TOKEN"), (body.RootElement.GetProperty("event").GetString(),
            body.RootElement.GetProperty("severity").GetString(), body.RootElement.GetProperty("credential").GetString()));
        Assert.True(!body.RootElement.TryGetProperty("job_id", out var jobId) || jobId.ValueKind == JsonValueKind.Null);
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.Contains("is manual_only", text, StringComparison.Ordinal);
        Assert.Contains("https://runbooks.example/deploy-token", text, StringComparison.Ordinal);
        Assert.DoesNotContain(seeded.Reveal(), post.Body, StringComparison.Ordinal); // canary
        Assert.DoesNotContain(Harness.DeployToken, post.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blocked_plan_reaches_the_webhook_once_with_why_and_no_value()
    {
        await using var h = await Harness.StartAsync();
        var seeded = await h.SeedAsync();
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var planner = new PlanService(JobStoreFactory.Plans(h.Store), h.Service, h.Secrets, h.Masker, time);
        var created = await planner.CreateAsync(Harness.Cred, ["test", "prod"], TimeSpan.FromMinutes(30), "alice", Ct);
        Assert.True(created.IsOk, created.Error?.Message);
        var stagingJob = created.Value.Stages[0].JobId!.Value;
        await h.VerifyAndMintAsync(stagingJob);
        Assert.Equal(JobStatus.Done, (await h.ActAsync(stagingJob, JobAction.ProceedRevoke)).Status);
        await planner.TickAsync(Ct); // soaking
        h.Apps.For("billing").HealthStatus = 503;
        for (var minute = 0; minute < 5; minute++) // blocked at the first red round; later rounds change nothing
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await planner.TickAsync(Ct);
        }
        Assert.Equal("blocked", (await JobStoreFactory.Plans(h.Store).GetPlanAsync(created.Value.PlanId, Ct))!.Status);

        var (specs, wanted, other) = Channels(NotificationKinds.PlanBlocked);
        await DispatchAsync(h, specs, time, () => receiver.Received(wanted).Count > 0);

        var post = Assert.Single(receiver.Received(wanted));
        // done-only gets the staging job's done and not the block: each channel's events: filter applies.
        Assert.Equal("done", Assert.Single(receiver.Received(other)).Headers["X-Velvet-Event"]);

        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal(("plan_blocked", "warning", stagingJob.ToString()),
            (body.RootElement.GetProperty("event").GetString(), body.RootElement.GetProperty("severity").GetString(), body.RootElement.GetProperty("job_id").GetString()));
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.Contains($"plan {created.Value.PlanId:D}: healthcheck failed during the test soak", text, StringComparison.Ordinal);
        Assert.Contains("billing: HTTP 503", text, StringComparison.Ordinal);
        Assert.Contains("The next env waits", text, StringComparison.Ordinal);
        Assert.DoesNotContain(seeded.Reveal(), post.Body, StringComparison.Ordinal); // canary: neither the old value nor the new one
        var current = File.ReadAllLines(Path.Combine(h.Dir, "vault.env")).Single(l => l.StartsWith(Harness.Cred + "=", StringComparison.Ordinal))[(Harness.Cred.Length + 1)..].Trim('"');
        Assert.NotEqual(seeded.Reveal(), current);
        Assert.DoesNotContain(current, post.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Harness.DeployToken, post.Body, StringComparison.Ordinal);
    }
}
