using System.Globalization;
using Velvet.Core.Jobs;

namespace Velvet.Core.Notifications;

/// <summary>
/// One thing to notify about, as the outbox stores it: metadata only (ids, names, statuses), never a value.
/// <see cref="EventKey"/> makes enqueueing idempotent: the same transition or stuck status is enqueued once however
/// many replicas or retries see it.
/// </summary>
public sealed record NotificationEvent
{
    /// <summary>Store-assigned; 0 before it is stored.</summary>
    public long Id { get; init; }
    /// <summary>job id + event + status + when the job entered that status (a job that leaves a status and comes back is a new visit).</summary>
    public required string EventKey { get; init; }
    /// <summary>One of <see cref="NotificationKinds"/>.</summary>
    public required string Kind { get; init; }
    /// <summary>The job it concerns; null for an event about no job (a manual_only schedule reminder).</summary>
    public Guid? JobId { get; init; }
    public required string CredentialName { get; init; }
    public required string Env { get; init; }
    /// <summary>The job's status when the event was raised.</summary>
    public required string Status { get; init; }
    /// <summary>Why (stuck jobs): built by Velvet from statuses, never from vendor text.</summary>
    public string? Reason { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The event a job's new status raises (written by the store in the transaction that made the transition), or null.</summary>
    public static NotificationEvent? ForTransition(RotationJob job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        return NotificationKinds.ForStatus(job.Status) is { } kind ? For(job, kind, null, now) : null;
    }

    /// <summary>A stuck job's event: once per job per status visit.</summary>
    public static NotificationEvent Stuck(RotationJob job, string reason, DateTimeOffset now) =>
        For(job, NotificationKinds.Stuck, reason, now);

    private static NotificationEvent For(RotationJob job, string kind, string? reason, DateTimeOffset now) => new()
    {
        EventKey = Key(job.JobId, kind, job.Status.Name(), job.StatusChangedAt),
        Kind = kind,
        JobId = job.JobId,
        CredentialName = job.CredentialName,
        Env = job.Env,
        Status = job.Status.Name(),
        Reason = reason,
        CreatedAt = now,
    };

    /// <summary>The idempotency key: <c>JOB_ID:EVENT:STATUS:ENTERED_AT</c> (UTC, 100 ns ticks).</summary>
    public static string Key(Guid jobId, string kind, string status, DateTimeOffset enteredStatusAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId:D}:{kind}:{status}:{enteredStatusAt.UtcTicks}");
}
