using Velvet.Core.Jobs;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Schedules;
using Velvet.Store;

namespace Velvet.Engine.Tests.Schedules;

/// <summary>Scheduled rotation (SPEC §8) on one store shared by two replicas, with time driven by a FakeTimeProvider.</summary>
public abstract class SchedulerContract
{
    protected abstract Task<ScheduleKit> StartAsync(string? manifest = null);

    private static readonly string SoloOnly = """
        version: 1
        credentials:
          - token_name: SOLO
            vendor: { kind: generated }
            env: test
            schedule: { cron: "0 3 * * *" }
            auto_advance: [verify, mint]
        consumers:
          - { consumer_id: app, token_name: SOLO, kind: dotenv-file, settings: { path: DIR/s.env, key: SOLO } }
        """;

    [Fact]
    public async Task A_due_rotation_runs_exactly_once_with_two_replicas()
    {
        await using var kit = await StartAsync(SoloOnly);
        // Never rotated: due at once under the "initial" slot; both replicas race for it.
        var first = await kit.TickBothAsync();
        Assert.Equal(1, first.Sum(p => p.Started.Count));
        var initial = Assert.Single(await kit.JobsOf("SOLO"));
        Assert.Equal(["verify", "mint"], initial.Details.AutoAdvance);
        Assert.Equal("velvet-scheduler", initial.CreatedBy);
        var notified = Assert.Single(await kit.DueNotificationsAsync()); // one schedule_due notification, tied to the job
        Assert.Equal((initial.JobId, "SOLO", "slot initial"), (notified.JobId, notified.CredentialName, notified.Reason));
        Assert.Equal(0, (await kit.TickBothAsync()).Sum(p => p.Started.Count));
        Assert.Single(await kit.DueNotificationsAsync());
        await kit.AbortAsync(initial.JobId);

        // The slot closes once the job is terminal plus the pair gap; the next due time is 03:00 (cron, UTC).
        kit.Time.Advance(TimeSpan.FromMinutes(59));
        var plan = await kit.PlanOf("SOLO");
        Assert.Equal(ScheduleState.Running, plan.State); // aborted 59 min ago: inside the gap, the slot is still open
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 3, 0, 0, TimeSpan.Zero), plan.NextDueAt);
        Assert.Equal(0, (await kit.TickBothAsync()).Sum(p => p.Started.Count));

        kit.Time.Advance(TimeSpan.FromMinutes(1)); // 03:00 exactly
        for (var round = 0; round < 3; round++)
            Assert.Equal(round == 0 ? 1 : 0, (await kit.TickBothAsync()).Sum(p => p.Started.Count));

        var jobs = await kit.JobsOf("SOLO");
        Assert.Equal(2, jobs.Count);
        Assert.Equal("schedule:2026-06-01T03:00Z", jobs[0].IdempotencyKey);
        var slots = await JobStoreFactory.Schedules(kit.Store).ListSlotsAsync("test", CancellationToken.None);
        Assert.Equal(["initial", "2026-06-01T03:00Z"], slots.Select(s => s.SlotKey));
        Assert.Equal(jobs[0].JobId, slots[1].JobId);
        var due = (await JobStoreFactory.Subscribers(kit.Store).ListSystemEventsAsync(50, CancellationToken.None)).Where(e => e.Kind == Scheduler.DueEvent).ToList();
        Assert.Equal(2, due.Count);
        Assert.Contains("\"slot\":\"2026-06-01T03:00Z\"", due[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paired_credentials_never_rotate_together_the_later_waits_for_terminal_plus_the_gap()
    {
        await using var kit = await StartAsync();
        var pass = await kit.TickBothAsync();
        Assert.Contains("ROLE_A", pass.SelectMany(p => p.Started));
        Assert.DoesNotContain("ROLE_B", pass.SelectMany(p => p.Started));
        Assert.Empty(await kit.JobsOf("ROLE_B"));
        var b = await kit.PlanOf("ROLE_B");
        Assert.Equal(ScheduleState.Deferred, b.State);
        Assert.Contains("paired with ROLE_A", b.Note, StringComparison.Ordinal);
        Assert.Equal(["ROLE_A"], b.PairedWith);
        // Scheduled jobs pass only the verify gate by default: nothing past mint without an operator.
        var a = Assert.Single(await kit.JobsOf("ROLE_A"));
        Assert.Equal(["verify"], a.Details.AutoAdvance);

        await kit.AbortAsync(a.JobId);
        kit.Time.Advance(TimeSpan.FromMinutes(30));
        await kit.TickBothAsync();
        Assert.Empty(await kit.JobsOf("ROLE_B")); // terminal, but the gap has not passed

        kit.Time.Advance(TimeSpan.FromMinutes(30));
        var later = await kit.TickBothAsync();
        Assert.Equal(1, later.Sum(p => p.Started.Count(s => s == "ROLE_B")));
        var bJob = Assert.Single(await kit.JobsOf("ROLE_B"));
        var aDone = (await kit.Store.GetJobAsync(a.JobId, CancellationToken.None))!;
        Assert.True(bJob.CreatedAt >= aDone.StatusChangedAt + kit.Options.PairGap);
    }

    [Fact]
    public async Task A_rotation_started_by_hand_defers_its_pair_and_is_adopted_by_its_own_due_slot()
    {
        await using var kit = await StartAsync();
        var manual = (await kit.Replicas[0].Service.StartAsync(new Velvet.Core.Engine.StartRequest { CredentialName = "ROLE_A", Actor = "alice" }, CancellationToken.None)).Unwrap().Job;
        await kit.TickBothAsync();

        Assert.Empty(await kit.JobsOf("ROLE_B"));
        Assert.Equal(manual.JobId, Assert.Single(await kit.JobsOf("ROLE_A")).JobId); // adopted, not a second job
        var slot = Assert.Single(await JobStoreFactory.Schedules(kit.Store).ListSlotsAsync("test", CancellationToken.None), s => s.TokenName == "ROLE_A");
        Assert.Equal(manual.JobId, slot.JobId);
        Assert.Null(slot.ClosedAt);
        var b = await kit.PlanOf("ROLE_B");
        Assert.Equal(ScheduleState.Deferred, b.State);
        Assert.Equal(manual.JobId, b.OpenJobId);

        await kit.AbortAsync(manual.JobId);
        kit.Time.Advance(kit.Options.PairGap);
        await kit.TickBothAsync();
        Assert.Single(await kit.JobsOf("ROLE_B"));
        Assert.Equal("aborted", (await JobStoreFactory.Schedules(kit.Store).ListSlotsAsync("test", CancellationToken.None)).Single(s => s.TokenName == "ROLE_A").Outcome);
    }

    [Fact]
    public async Task A_manual_only_credential_gets_one_reminder_per_due_time_and_no_job()
    {
        await using var kit = await StartAsync();
        var pass = await kit.TickBothAsync();
        Assert.Equal(["BY_HAND"], pass.SelectMany(p => p.Reminded));
        Assert.Empty(await kit.JobsOf("BY_HAND"));
        Assert.Equal(0, (await kit.TickBothAsync()).Sum(p => p.Reminded.Count));

        kit.Time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(1, (await kit.TickBothAsync()).Sum(p => p.Reminded.Count));
        var reminders = (await JobStoreFactory.Subscribers(kit.Store).ListSystemEventsAsync(100, CancellationToken.None))
            .Where(e => e.Kind == Scheduler.ReminderEvent).ToList();
        Assert.Equal(2, reminders.Count);
        Assert.All(reminders, r => Assert.Contains("https://runbooks.example/by-hand", r.Detail, StringComparison.Ordinal));
        Assert.Equal(ScheduleState.Reminder, (await kit.PlanOf("BY_HAND")).State);
        Assert.Equal(ScheduleState.Unscheduled, (await kit.PlanOf("UNSCHEDULED")).State);
    }

    [Fact]
    public async Task A_claim_whose_replica_died_before_starting_the_job_is_started_once_by_another()
    {
        await using var kit = await StartAsync(SoloOnly);
        var slots = JobStoreFactory.Schedules(kit.Store);
        var audit = new SystemEvent { At = kit.Time.GetUtcNow(), Actor = "velvet-scheduler", Kind = Scheduler.DueEvent, Detail = "{}" };
        var claim = await slots.ClaimSlotAsync(new ScheduleSlot
        {
            TokenName = "SOLO", Env = "test", SlotKey = SchedulePlanner.InitialSlot, GroupKey = "SOLO", Kind = SlotKind.Job,
            DueAt = kit.Time.GetUtcNow(), ClaimedBy = "crashed", ClaimedAt = kit.Time.GetUtcNow(),
        }, audit, CancellationToken.None);
        Assert.Equal(SlotClaim.Claimed, claim);
        await kit.TickBothAsync();
        Assert.Empty(await kit.JobsOf("SOLO")); // within the start grace the claimer may still be starting it

        kit.Time.Advance(kit.Options.StartGrace);
        await kit.TickBothAsync();
        var job = Assert.Single(await kit.JobsOf("SOLO"));
        Assert.Equal("schedule:initial", job.IdempotencyKey);
        Assert.Equal(job.JobId, Assert.Single(await slots.ListSlotsAsync("test", CancellationToken.None)).JobId);
        Assert.Equal(job.JobId, Assert.Single(await kit.DueNotificationsAsync()).JobId);
        // A replica that died after enqueueing but before recording the job: the restart enqueues the same key, a no-op.
        Assert.False(await ((INotificationStore)kit.Store).EnqueueNotificationAsync(SystemNotifications.ScheduleDue(job, SchedulePlanner.InitialSlot, kit.Time.GetUtcNow()), CancellationToken.None));
    }
}

public sealed class SqliteSchedulerTests : SchedulerContract
{
    protected override Task<ScheduleKit> StartAsync(string? manifest = null) =>
        ScheduleKit.StartAsync(dir => JobStoreFactory.Open("sqlite:" + Path.Combine(dir, "velvet.db")), manifest);
}

public sealed class PostgresSchedulerTests : SchedulerContract, IAsyncLifetime
{
    private readonly Velvet.Store.Tests.PostgresFixture _pg = new();

    public ValueTask InitializeAsync() => _pg.InitializeAsync();

    public ValueTask DisposeAsync() => _pg.DisposeAsync();

    protected override Task<ScheduleKit> StartAsync(string? manifest = null)
    {
        _pg.Require();
        return ScheduleKit.StartAsync(_ => JobStoreFactory.Open(_pg.AppConnectionString, _pg.OwnerConnectionString, _pg.AppRole), manifest);
    }
}
