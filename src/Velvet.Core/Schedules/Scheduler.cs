using System.Text.Json;
using Microsoft.Extensions.Logging;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Results;

namespace Velvet.Core.Schedules;

/// <summary>What one scheduler pass did.</summary>
public sealed record SchedulerPass(IReadOnlyList<string> Started, IReadOnlyList<string> Reminded, IReadOnlyList<string> Deferred, IReadOnlyList<string> Closed);

/// <summary>
/// Starts scheduled rotations at their due time on exactly one replica (SPEC §8). Every replica runs it; the store's
/// slot claim decides which one acts. Raises <see cref="DueEvent"/> / <see cref="ReminderEvent"/> system events (the
/// notification hook) in the claim's transaction.
/// </summary>
public sealed class Scheduler(RotationService service, IScheduleStore slots, SchedulerOptions options, TimeProvider time, ILogger<Scheduler> logger)
{
    /// <summary>System event kind: a scheduled rotation was claimed and its job is starting.</summary>
    public const string DueEvent = "velvet.schedule.due";
    /// <summary>System event kind: a manual_only credential is due; a person should rotate it by its runbook.</summary>
    public const string ReminderEvent = "velvet.schedule.reminder";

    private string Env => service.Options.Env;

    /// <summary>Every credential's schedule as of now.</summary>
    public async Task<IReadOnlyList<SchedulePlan>> PlanAsync(CancellationToken ct)
    {
        var all = await slots.ListSlotsAsync(Env, ct).ConfigureAwait(false);
        var history = await RotationHistory.ReadAsync(service.Store, service.Manifest, Env, ct).ConfigureAwait(false);
        return SchedulePlanner.Plan(service.Manifest, Env, all, history, time.GetUtcNow(), options.PairGap);
    }

    /// <summary>Runs passes every <see cref="SchedulerOptions.Interval"/> until cancelled; a failing pass is logged and retried.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await TickAsync(ct).ConfigureAwait(false); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex) { Log.SchedulerFailed(logger, ex.GetType().Name); }
            try { await Task.Delay(options.Interval, time, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One pass: settle open slots, then claim and act on every due credential, in manifest order.</summary>
    public async Task<SchedulerPass> TickAsync(CancellationToken ct)
    {
        var closed = await SettleAsync(ct).ConfigureAwait(false);
        var started = new List<string>();
        var reminded = new List<string>();
        var deferred = new List<string>();
        foreach (var plan in await PlanAsync(ct).ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            if (plan.NextDueAt is not { } due || due > now || plan.SlotKey is not { } key) continue;
            if (plan.State == ScheduleState.Reminder)
            {
                // Enqueued before the claim under the slot's key: every replica that sees the slot due writes the same
                // row (a no-op after the first), so a claimer dying after its claim cannot lose the reminder.
                if (service.Store is INotificationStore outbox)
                    await outbox.EnqueueNotificationAsync(SystemNotifications.ScheduleReminder(plan.TokenName, Env, key, plan.Credential.RunbookUrl, now), ct).ConfigureAwait(false);
                if (await ClaimAsync(plan, key, due, SlotKind.Reminder, ReminderEvent, ct).ConfigureAwait(false) == SlotClaim.Claimed) reminded.Add(plan.TokenName);
                continue;
            }
            if (plan.State != ScheduleState.Due) continue;
            var claim = await ClaimAsync(plan, key, due, SlotKind.Job, DueEvent, ct).ConfigureAwait(false);
            if (claim == SlotClaim.Claimed)
            {
                await StartAsync(plan.Credential, key, due, ct).ConfigureAwait(false);
                started.Add(plan.TokenName);
            }
            else if (claim == SlotClaim.GroupBusy)
            {
                deferred.Add(plan.TokenName);
            }
        }
        return new SchedulerPass(started, reminded, deferred, closed);
    }

    private async Task<SlotClaim> ClaimAsync(SchedulePlan plan, string key, DateTimeOffset due, SlotKind kind, string eventKind, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var slot = new ScheduleSlot
        {
            TokenName = plan.TokenName, Env = Env, SlotKey = key, GroupKey = plan.GroupKey, Kind = kind, DueAt = due,
            ClaimedBy = service.Options.InstanceId, ClaimedAt = now,
            ClosedAt = kind == SlotKind.Reminder ? now : null, Outcome = kind == SlotKind.Reminder ? "reminded" : null,
        };
        var detail = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["token_name"] = plan.TokenName, ["env"] = Env, ["slot"] = key, ["due_at"] = due,
            ["cadence"] = plan.Cadence?.Text, ["auto_advance"] = Policy(plan.Credential),
            ["runbook_url"] = plan.Credential.RunbookUrl, ["paired_with"] = plan.PairedWith,
        });
        var audit = new SystemEvent { At = now, Actor = options.Actor, Kind = eventKind, Detail = detail };
        var claim = await slots.ClaimSlotAsync(slot, audit, ct).ConfigureAwait(false);
        Log.SlotClaim(logger, plan.TokenName, key, claim.ToString());
        return claim;
    }

    /// <summary>Scheduled jobs always pass the read-only verify gate; mint and revoke only when auto_advance lists them.</summary>
    public static IReadOnlyList<string> Policy(CredentialSpec credential) =>
        ["verify", .. credential.AutoAdvance.Where(g => g != "verify")];

    private async Task StartAsync(CredentialSpec credential, string key, DateTimeOffset due, CancellationToken ct)
    {
        var started = await service.StartAsync(new StartRequest
        {
            CredentialName = credential.TokenName,
            Actor = options.Actor,
            IdempotencyKey = "schedule:" + key,
            AutoAdvance = Policy(credential),
            // A policy that lets revoke advance needs a ticket on record: the schedule names it.
            AutoTicket = credential.AutoAdvance.Contains("revoke") ? $"ROT-{due:yyyy}-SCHED-{credential.TokenName}-{due:MMddHHmm}" : null,
        }, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (started.IsOk)
        {
            // Enqueued before the slot records its job: a replica dying in between leaves the slot jobless, the settle
            // pass starts it again (same job) and enqueues the same key, a no-op: the notification is sent exactly once.
            await NotifyDueAsync(started.Value.Job, key, now, ct).ConfigureAwait(false);
            await slots.SetSlotJobAsync(credential.TokenName, Env, key, started.Value.Job.JobId, ct).ConfigureAwait(false);
            return;
        }
        if (started.Error is ActiveJobExists active)
        {
            if (await service.Store.GetJobAsync(active.ExistingJobId, ct).ConfigureAwait(false) is { } running)
                await NotifyDueAsync(running, key, now, ct).ConfigureAwait(false);
            // A rotation started by hand is already running: the slot adopts it, so the pairing group stays blocked
            // (in the database) until that job is terminal plus the gap, and the slot closes with its outcome.
            await slots.SetSlotJobAsync(credential.TokenName, Env, key, active.ExistingJobId, ct).ConfigureAwait(false);
            return;
        }
        await slots.CloseSlotAsync(credential.TokenName, Env, key, now, $"refused: {started.Error.Message}", ct).ConfigureAwait(false);
    }

    private async Task NotifyDueAsync(RotationJob job, string key, DateTimeOffset now, CancellationToken ct)
    {
        if (service.Store is INotificationStore outbox)
            await outbox.EnqueueNotificationAsync(SystemNotifications.ScheduleDue(job, key, now), ct).ConfigureAwait(false);
    }

    /// <summary>Closes slots whose job is terminal (after the pair gap) and starts jobs for slots whose claimer died.</summary>
    private async Task<IReadOnlyList<string>> SettleAsync(CancellationToken ct)
    {
        var closed = new List<string>();
        foreach (var slot in (await slots.ListSlotsAsync(Env, ct).ConfigureAwait(false)).Where(s => s.ClosedAt is null))
        {
            var now = time.GetUtcNow();
            if (slot.JobId is not { } jobId)
            {
                if (now - slot.ClaimedAt >= options.StartGrace && service.Manifest.FindCredential(slot.TokenName) is { } credential)
                    await StartAsync(credential, slot.SlotKey, slot.DueAt, ct).ConfigureAwait(false); // same idempotency key: never a second job
                continue;
            }
            var job = await service.Store.GetJobAsync(jobId, ct).ConfigureAwait(false);
            if (job is null || (job.Status.IsTerminal() && now >= job.StatusChangedAt + options.PairGap))
            {
                await slots.CloseSlotAsync(slot.TokenName, Env, slot.SlotKey, now, job?.Status.Name() ?? "job missing", ct).ConfigureAwait(false);
                closed.Add(slot.TokenName);
            }
        }
        return closed;
    }
}
