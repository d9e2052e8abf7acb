using Velvet.Core.Schedules;

namespace Velvet.Core.Inventory;

/// <summary>One place a copy of a credential lives (SPEC §8). Never a value: at most the keyed fingerprint of what was written.</summary>
public sealed record InventoryCopy
{
    public required string ConsumerId { get; init; }
    public required string Kind { get; init; }
    public required string Label { get; init; }
    public required string Target { get; init; }
    public bool Active { get; init; } = true;
    public bool Canonical { get; init; }
    /// <summary>When Velvet last wrote this copy (the last successful push of any job), if it ever did.</summary>
    public DateTimeOffset? LastWrittenAt { get; init; }
    /// <summary>Keyed fingerprint of what was written (how a write-only consumer is told apart without reading it back).</summary>
    public string? WrittenFingerprint { get; init; }
    /// <summary>The job that wrote it.</summary>
    public Guid? WrittenBy { get; init; }
    /// <summary>An open follow-up involving this copy, e.g. <c>fallback: value in us-east-1:/x until follow-up 3 resolved</c>.</summary>
    public string? FollowupNote { get; init; }
}

/// <summary>An open follow-up of a credential (docs/lifecycle.md): the canonical store lacks the value, its fallback holds it.</summary>
public sealed record InventoryFollowup
{
    public required long Id { get; init; }
    public required Guid JobId { get; init; }
    public required string CanonicalConsumerId { get; init; }
    public required string FallbackConsumerId { get; init; }
    /// <summary>Where the value is instead (the fallback consumer's target).</summary>
    public required string FallbackTarget { get; init; }
    /// <summary>Why the canonical write failed, scrubbed when it was recorded.</summary>
    public required string Reason { get; init; }
    public required DateTimeOffset Since { get; init; }

    /// <summary><c>fallback: value in TARGET until follow-up N resolved</c>.</summary>
    public string Note => $"fallback: value in {FallbackTarget} until follow-up {Id} resolved";
}

/// <summary>One credential: where its copies live, when it was last rotated, its age against its cadence.</summary>
public sealed record InventoryEntry
{
    public required string TokenName { get; init; }
    public required string Env { get; init; }
    public required string Vendor { get; init; }
    public required string Mode { get; init; }
    public bool Active { get; init; } = true;
    public string? Cadence { get; init; }
    public DateTimeOffset? LastRotatedAt { get; init; }
    public Guid? LastRotationJob { get; init; }
    public TimeSpan? Age { get; init; }
    /// <summary>The cadence as a length (a cron's gap between two due times).</summary>
    public TimeSpan? CadenceInterval { get; init; }
    public bool Overdue { get; init; }
    public DateTimeOffset? NextDueAt { get; init; }
    public ScheduleState ScheduleState { get; init; }
    public required IReadOnlyList<InventoryCopy> Copies { get; init; }
    /// <summary>Open follow-ups of this credential in this env, oldest first.</summary>
    public IReadOnlyList<InventoryFollowup> Followups { get; init; } = [];
}

/// <summary>The whole inventory of one env at one moment.</summary>
public sealed record InventoryReport(string Env, DateTimeOffset GeneratedAt, IReadOnlyList<InventoryEntry> Credentials);
