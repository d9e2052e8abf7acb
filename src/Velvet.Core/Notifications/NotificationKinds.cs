using Velvet.Core.Jobs;

namespace Velvet.Core.Notifications;

/// <summary>
/// What Velvet notifies about (SPEC §8, runbook §9): terminal events, SEV1 leaks, jobs stuck in one status, failed
/// verification, and the operator's test message. The names are the manifest's <c>events:</c> values and the wire names.
/// </summary>
public static class NotificationKinds
{
    /// <summary>A rotation or revocation finished (<c>done</c> or <c>rev_done</c>).</summary>
    public const string Done = "done";
    /// <summary>A job was aborted (the message carries the residual state's summary).</summary>
    public const string Aborted = "aborted";
    /// <summary>SEV1: after a revocation a consumer still accepts the revoked credential (SPEC §3: within 30 s).</summary>
    public const string RevLeaked = "rev_leaked";
    /// <summary>Stage 1 failed: the current credential does not authenticate or may not mint.</summary>
    public const string VerifyFailed = "verify_failed";
    /// <summary>A job sits in a status that needs a person, or has not moved for the stuck limit (once per job per status).</summary>
    public const string Stuck = "stuck";
    /// <summary>A scheduled rotation came due and its job started (enqueued by the scheduler with the job, once per slot).</summary>
    public const string ScheduleDue = "schedule_due";
    /// <summary>A manual_only credential came due: a person rotates it by its runbook (no job; once per slot).</summary>
    public const string ScheduleReminder = "schedule_reminder";
    /// <summary>A staged plan is blocked (a red healthcheck during soak, or a stage job that did not end done): the next env waits.</summary>
    public const string PlanBlocked = "plan_blocked";
    /// <summary>The health watch found a credential STALE or PARTIAL that was VALID (or not yet seen): once per change.</summary>
    public const string HealthStale = "health_stale";
    /// <summary>The health watch found a STALE or PARTIAL credential VALID again.</summary>
    public const string HealthRecovered = "health_recovered";
    /// <summary>`velvet notifications test CHANNEL`: never enqueued from a job.</summary>
    public const string Test = "test";

    /// <summary>The kinds a channel's <c>events:</c> filter may name.</summary>
    public static readonly IReadOnlyList<string> Filterable = [Done, Aborted, RevLeaked, VerifyFailed, Stuck, ScheduleDue, ScheduleReminder, PlanBlocked, HealthStale, HealthRecovered];

    /// <summary>The event a job now in <paramref name="status"/> raises, or null when the status is not notified.</summary>
    public static string? ForStatus(JobStatus status) => status switch
    {
        JobStatus.Done or JobStatus.RevDone => Done,
        JobStatus.Aborted => Aborted,
        JobStatus.RevLeaked => RevLeaked,
        JobStatus.VerifyFailed => VerifyFailed,
        _ => null,
    };

    /// <summary>SEV1 events go first and are worded as alerts.</summary>
    public static bool IsSev1(string kind) => kind == RevLeaked;
}
