using Velvet.Core.Jobs;
using Velvet.Core.Ports;

namespace Velvet.Core.Notifications;

/// <summary>
/// Outbox events raised by the scheduler and the plan worker rather than by a job transition. Each is tied to the job it
/// concerns (the outbox row references it) and keyed by what happened, not by when it was seen: the caller enqueues it
/// before it records the outcome, so a crash in between re-enqueues the same key and the event is sent exactly once.
/// </summary>
public static class SystemNotifications
{
    /// <summary>The scheduled rotation of slot <paramref name="slotKey"/> started (or adopted) <paramref name="job"/>.</summary>
    public static NotificationEvent ScheduleDue(RotationJob job, string slotKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrWhiteSpace(slotKey);
        return new NotificationEvent
        {
            EventKey = $"schedule:{job.CredentialName}:{job.Env}:{slotKey}:{NotificationKinds.ScheduleDue}",
            Kind = NotificationKinds.ScheduleDue,
            JobId = job.JobId,
            CredentialName = job.CredentialName,
            Env = job.Env,
            Status = job.Status.Name(),
            Reason = $"slot {slotKey}",
            CreatedAt = now,
        };
    }

    /// <summary>
    /// A manual_only credential's slot <paramref name="slotKey"/> is due: a reminder about no job. Keyed by the slot, so
    /// every replica that sees it due enqueues the same row and it is sent once.
    /// </summary>
    public static NotificationEvent ScheduleReminder(string credentialName, string env, string slotKey, string? runbookUrl, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(credentialName);
        ArgumentException.ThrowIfNullOrWhiteSpace(slotKey);
        return new NotificationEvent
        {
            EventKey = $"schedule:{credentialName}:{env}:{slotKey}:{NotificationKinds.ScheduleReminder}",
            Kind = NotificationKinds.ScheduleReminder,
            CredentialName = credentialName,
            Env = env,
            Status = "manual_only",
            Reason = runbookUrl is null ? $"slot {slotKey}" : $"slot {slotKey} (runbook {runbookUrl})",
            CreatedAt = now,
        };
    }

    /// <summary>
    /// A blocked plan, tied to the job of the stage that blocked it; null when that stage has no job (nothing to tie
    /// the row to). A plan blocks once (it is never unblocked), so the key is the plan's.
    /// </summary>
    public static NotificationEvent? PlanBlocked(RotationPlan plan, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var stage = plan.Stages[Math.Min(plan.Current, plan.Stages.Count - 1)];
        if (stage.JobId is not { } jobId) return null;
        return new NotificationEvent
        {
            EventKey = $"plan:{plan.PlanId:D}:{NotificationKinds.PlanBlocked}",
            Kind = NotificationKinds.PlanBlocked,
            JobId = jobId,
            CredentialName = plan.CredentialName,
            Env = stage.Env,
            Status = plan.Status,
            Reason = $"plan {plan.PlanId:D}: {plan.BlockedReason ?? "blocked"}",
            CreatedAt = now,
        };
    }
}
