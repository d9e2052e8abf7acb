namespace Velvet.Core.Ports;

/// <summary>What a claimed schedule slot is for.</summary>
public enum SlotKind
{
    /// <summary>A scheduled rotation job.</summary>
    Job = 0,
    /// <summary>A reminder for a manual_only credential (no job).</summary>
    Reminder = 1,
    /// <summary>One interval of the credential health watch (no job; token name <c>velvet.health</c>).</summary>
    Health = 2,
}

/// <summary>
/// One due time of one credential's schedule, claimed by exactly one replica. Open (no <see cref="ClosedAt"/>) while its
/// job runs and for the pair gap after it; at most one slot per pairing group is open at a time.
/// </summary>
public sealed record ScheduleSlot
{
    public required string TokenName { get; init; }
    public required string Env { get; init; }
    /// <summary>Names the due time (e.g. <c>2026-06-01T03:00Z</c>, or <c>initial</c> for a credential never rotated).</summary>
    public required string SlotKey { get; init; }
    /// <summary>The pairing group (smallest token name of the group); the credential's own name when it pairs with nothing.</summary>
    public required string GroupKey { get; init; }
    public required SlotKind Kind { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    public required string ClaimedBy { get; init; }
    public required DateTimeOffset ClaimedAt { get; init; }
    public Guid? JobId { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    /// <summary>How the slot ended: the job's terminal status, skipped or refused with the reason, reminded.</summary>
    public string? Outcome { get; init; }
}

/// <summary>Result of a claim.</summary>
public enum SlotClaim
{
    /// <summary>This caller owns the slot and must act on it.</summary>
    Claimed = 0,
    /// <summary>Another replica (or an earlier pass) claimed this very slot.</summary>
    AlreadyClaimed = 1,
    /// <summary>Another credential of the pairing group has an open slot: this one waits.</summary>
    GroupBusy = 2,
}

/// <summary>
/// Scheduled-rotation slots (SPEC §8). The store enforces both rules in the database: a (token, env, slot key) is claimed
/// once, and a pairing group has at most one open slot, so two replicas never start the same due rotation and paired
/// credentials never rotate together.
/// </summary>
public interface IScheduleStore
{
    /// <summary>Inserts the slot (and <paramref name="audit"/>, in the same transaction) unless either rule refuses it.</summary>
    Task<SlotClaim> ClaimSlotAsync(ScheduleSlot slot, SystemEvent audit, CancellationToken ct);

    /// <summary>Records the job started for an open slot.</summary>
    Task SetSlotJobAsync(string tokenName, string env, string slotKey, Guid jobId, CancellationToken ct);

    /// <summary>Closes an open slot (no-op when already closed).</summary>
    Task CloseSlotAsync(string tokenName, string env, string slotKey, DateTimeOffset closedAt, string outcome, CancellationToken ct);

    /// <summary>Every slot of <paramref name="env"/>, oldest due first.</summary>
    Task<IReadOnlyList<ScheduleSlot>> ListSlotsAsync(string env, CancellationToken ct);
}
