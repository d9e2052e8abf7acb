using Velvet.Core.Manifest;

namespace Velvet.Core.Schedules;

/// <summary>Where a credential's schedule stands.</summary>
public enum ScheduleState
{
    /// <summary>No schedule in the manifest.</summary>
    Unscheduled = 0,
    /// <summary>Next due time is in the future.</summary>
    Waiting = 1,
    /// <summary>Due now: the next scheduler pass claims it.</summary>
    Due = 2,
    /// <summary>Its slot is open: the scheduled job runs (or has just finished and the pair gap runs).</summary>
    Running = 3,
    /// <summary>Due, but a paired credential's slot is open: pushed until that job is terminal plus the gap.</summary>
    Deferred = 4,
    /// <summary>manual_only: the scheduler sends reminders instead of starting jobs.</summary>
    Reminder = 5,
    /// <summary>active: false, or another env: the scheduler leaves it alone.</summary>
    Inactive = 6,
}

/// <summary>One credential's schedule: what is due when, and why it waits. Never carries a value.</summary>
public sealed record SchedulePlan
{
    public required CredentialSpec Credential { get; init; }
    public Cadence? Cadence { get; init; }
    public required string GroupKey { get; init; }
    public IReadOnlyList<string> PairedWith { get; init; } = [];
    /// <summary>When the last operational rotation of this credential finished (done), if Velvet has one.</summary>
    public DateTimeOffset? LastRotatedAt { get; init; }
    public DateTimeOffset? NextDueAt { get; init; }
    /// <summary>The key of the slot the next due time claims.</summary>
    public string? SlotKey { get; init; }
    public required ScheduleState State { get; init; }
    /// <summary>Why it waits (deferred, running), or what happens when due.</summary>
    public string? Note { get; init; }
    public Guid? OpenJobId { get; init; }

    public string TokenName => Credential.TokenName;

    /// <summary>The last rotation is older than the cadence allows; never rotated counts as overdue once a schedule exists.</summary>
    public bool Overdue(DateTimeOffset now) =>
        Cadence is not null && State != ScheduleState.Inactive
        && (LastRotatedAt is not { } last || Cadence.NextAfter(last) is not { } due || due <= now);
}
