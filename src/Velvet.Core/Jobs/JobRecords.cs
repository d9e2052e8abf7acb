namespace Velvet.Core.Jobs;

/// <summary>One rotation or revocation of one credential, as persisted.</summary>
public sealed record RotationJob
{
    public required Guid JobId { get; init; }
    public required string CredentialName { get; init; }
    public required string Env { get; init; }
    public required FlowType Flow { get; init; }
    public required JobStatus Status { get; init; }
    /// <summary>Optimistic-concurrency version; the store bumps it on every update.</summary>
    public long Version { get; init; }
    public string? IdempotencyKey { get; init; }
    /// <summary>The kickoff acknowledged that revoke may happen before 100 % validation (I3).</summary>
    public bool ForceRevoke { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When the status last changed (stuck detection).</summary>
    public required DateTimeOffset StatusChangedAt { get; init; }
    /// <summary>Vendor id of the credential being replaced (e.g. Heroku old_auth_id). Never a value.</summary>
    public string? OldCredentialId { get; init; }
    /// <summary>Vendor id of the new credential once minted.</summary>
    public string? NewCredentialId { get; init; }
    /// <summary>SHA-256 fingerprint (prefix) of the new value: the only form of it that may be shown.</summary>
    public string? NewValueFingerprint { get; init; }
    /// <summary>Last job-level error, scrubbed.</summary>
    public string? LastError { get; init; }
    /// <summary>Everything else the audit summary needs (gate confirmations, residual report...).</summary>
    public JobDetails Details { get; init; } = new();
    public string? LeaseOwner { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }
}

/// <summary>Job facts that are recorded once and read by people; stored as JSON.</summary>
public sealed record JobDetails
{
    public string? TicketId { get; init; }
    public string? RevokeConfirmedBy { get; init; }
    public string? ForceRevokeBy { get; init; }
    public string? ForceRevokeReason { get; init; }
    public string? ManuallyRevokedBy { get; init; }
    public string? ManuallyRevokedCredentialId { get; init; }
    /// <summary>When the mint intent was recorded (before the vendor call).</summary>
    public DateTimeOffset? MintIntentAt { get; init; }
    public bool OldRevoked { get; init; }
    public ResidualReport? Residual { get; init; }
    public string? AbortedBy { get; init; }
    public string? AbortReason { get; init; }
    /// <summary>Gates this job passes without a person: verify, mint, revoke (policy or scheduled rotation).</summary>
    public IReadOnlyList<string> AutoAdvance { get; init; } = [];
    /// <summary>Ticket recorded in advance for a policy-advanced revoke gate.</summary>
    public string? AutoTicket { get; init; }
    /// <summary>Set when an automatic status cannot go on without a person (rows that need manual_confirm).</summary>
    public string? WaitingFor { get; init; }
    /// <summary>Consumers that still accepted the revoked credential (revocation flow).</summary>
    public IReadOnlyList<string> LeakedConsumers { get; init; } = [];
    /// <summary>Provision flow: consumers that already held a value and are overwritten because the kickoff said --adopt.</summary>
    public IReadOnlyList<string> Adopted { get; init; } = [];
}

/// <summary>What an aborted job leaves behind (SPEC §2 abort).</summary>
public sealed record ResidualReport
{
    public required string AbortedFrom { get; init; }
    public required IReadOnlyList<string> ConsumersWithNewValue { get; init; }
    public required IReadOnlyList<string> ConsumersWithOldValue { get; init; }
    public required IReadOnlyList<string> ConsumersUnknown { get; init; }
    /// <summary>Rows the engine skipped with a reason (e.g. a deleted app): they hold neither value Velvet wrote.</summary>
    public IReadOnlyList<string> ConsumersSkipped { get; init; } = [];
    public required bool NewCredentialExists { get; init; }
    public string? NewCredentialId { get; init; }
    public required bool OldCredentialStillValid { get; init; }
    public string? OldCredentialId { get; init; }
    public required IReadOnlyList<string> CleanupSteps { get; init; }
}

/// <summary>Status of one consumer row in one phase.</summary>
public enum RowStatus
{
    Pending = 0,
    InProgress = 1,
    Succeeded = 2,
    Failed = 3,
    /// <summary>Nothing to do here, with a reason (e.g. the Heroku app was deleted).</summary>
    Skipped = 4,
    /// <summary>No automatic check exists; a person must confirm.</summary>
    NeedsConfirm = 5,
    /// <summary>A person confirmed it (who + why recorded).</summary>
    Confirmed = 6,
    /// <summary>Revocation probe: the consumer still accepts the revoked credential.</summary>
    Leaked = 7,
}

/// <summary>Wire names of row statuses.</summary>
public static class RowStatusNames
{
    private static readonly Dictionary<RowStatus, string> ToName = Enum.GetValues<RowStatus>()
        .ToDictionary(s => s, s => Naming.ToSnake(s.ToString()));
    private static readonly Dictionary<string, RowStatus> FromName = ToName.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    /// <summary>The wire name.</summary>
    public static string Name(this RowStatus s) => ToName[s];

    /// <summary>Parses a wire name or throws.</summary>
    public static RowStatus Parse(string name) =>
        FromName.TryGetValue(name, out var s) ? s : throw new FormatException($"unknown row status '{name}'");

    /// <summary>Row is done for the phase (counts toward 100 %).</summary>
    public static bool IsOk(this RowStatus s) => s is RowStatus.Succeeded or RowStatus.Skipped or RowStatus.Confirmed;
}

/// <summary>One consumer's progress inside one job.</summary>
public sealed record ConsumerRow
{
    public required Guid JobId { get; init; }
    public required string ConsumerId { get; init; }
    public required string Kind { get; init; }
    public bool IsCanonical { get; init; }
    /// <summary>Manifest order, for stable display.</summary>
    public int Ordinal { get; init; }
    public RowStatus DistributeStatus { get; init; }
    public RowStatus ValidateStatus { get; init; }
    public int Attempts { get; init; }
    /// <summary>Last error, scrubbed by the masker.</summary>
    public string? LastError { get; init; }
    /// <summary>HMAC fingerprint of what was written, for write-only consumers (GitHub).</summary>
    public string? WrittenFingerprint { get; init; }
    /// <summary>When <see cref="WrittenFingerprint"/> was written (the last successful push); kept through validation and confirmation.</summary>
    public DateTimeOffset? WrittenAt { get; init; }
    public string? ConfirmedBy { get; init; }
    public string? ConfirmReason { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>One append-only audit/stream event. Never carries a value (I1, I4).</summary>
public sealed record JobEvent
{
    /// <summary>Store-assigned, strictly increasing; the SSE id.</summary>
    public long Seq { get; init; }
    public required Guid JobId { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string Actor { get; init; }
    /// <summary>created, status, action, consumer, note.</summary>
    public required string Kind { get; init; }
    public string? FromStatus { get; init; }
    public string? ToStatus { get; init; }
    public string? ConsumerId { get; init; }
    /// <summary>Scrubbed, human-readable detail.</summary>
    public string? Detail { get; init; }
}

/// <summary>What the store needs to create a job.</summary>
public sealed record NewJob
{
    public required RotationJob Job { get; init; }
    public required IReadOnlyList<ConsumerRow> Rows { get; init; }
}

/// <summary>Outcome of a create call: a new job, or the replay of an earlier call with the same idempotency key.</summary>
public sealed record JobCreated(RotationJob Job, bool Replayed);

/// <summary>Filter for listing jobs.</summary>
public sealed record JobQuery
{
    public string? CredentialName { get; init; }
    public bool NonTerminalOnly { get; init; }
    public int Limit { get; init; } = 50;
}
