namespace Velvet.Core.Jobs;

/// <summary>
/// Every status a job can be in (SPEC §2 and §3). Values are persisted: never renumber, only append.
/// The wire/database name of each member is its snake_case form (see <see cref="JobStatusNames"/>).
/// </summary>
public enum JobStatus
{
    /// <summary>Job created; nothing touched.</summary>
    Init = 0,
    /// <summary>Probing the vendor with the current credential (Stage 1).</summary>
    Verifying = 1,
    /// <summary>Stage 1 failed; the current credential is untouched. Retry (verify) or abort.</summary>
    VerifyFailed = 2,
    /// <summary>Stage 1 passed; operator gate before mint.</summary>
    Verified = 3,
    /// <summary>Calling the vendor (or reading the operator's value) for a new credential.</summary>
    Minting = 4,
    /// <summary>Mint failed; old credential still valid. Abort only.</summary>
    MintFailed = 5,
    /// <summary>New credential in hand, not distributed yet.</summary>
    Minted = 6,
    /// <summary>Fan-out to consumers in progress (canonical store first).</summary>
    Distributing = 7,
    /// <summary>Some consumers failed, others succeeded.</summary>
    DistributePartial = 8,
    /// <summary>No consumer received the new credential.</summary>
    DistributeFailed = 9,
    /// <summary>Every consumer received the new credential.</summary>
    Distributed = 10,
    /// <summary>Checking every consumer works with the new credential.</summary>
    Validating = 11,
    /// <summary>Some consumers validated, others failed or need a manual confirm.</summary>
    ValidatePartial = 12,
    /// <summary>No consumer validated.</summary>
    ValidateFailed = 13,
    /// <summary>Every consumer validated; operator gate before revoke.</summary>
    Validated = 14,
    /// <summary>Revoking the old credential at the vendor.</summary>
    Revoking = 15,
    /// <summary>The vendor refused or failed the revoke. Retry or mark manually revoked.</summary>
    RevokeFailed = 16,
    /// <summary>Rotation complete; old credential revoked. Terminal.</summary>
    Done = 17,
    /// <summary>Aborted by an operator; the residual-state report says what to clean up. Terminal.</summary>
    Aborted = 18,
    /// <summary>Revocation job created.</summary>
    RevInit = 19,
    /// <summary>Vendor revoke call in flight.</summary>
    RevRevoking = 20,
    /// <summary>The vendor rejected the revoke call.</summary>
    RevRevokeFailed = 21,
    /// <summary>The vendor confirmed the revocation.</summary>
    RevRevoked = 22,
    /// <summary>Probing every consumer, expecting each to be refused now.</summary>
    RevValidating = 23,
    /// <summary>At least one consumer still accepts the revoked credential (SEV1).</summary>
    RevLeaked = 24,
    /// <summary>Every consumer is refused. Terminal.</summary>
    RevDone = 25,
}

/// <summary>Snake_case names of statuses, as stored and served.</summary>
public static class JobStatusNames
{
    private static readonly Dictionary<JobStatus, string> ToName = Enum.GetValues<JobStatus>()
        .ToDictionary(s => s, s => Naming.ToSnake(s.ToString()));
    private static readonly Dictionary<string, JobStatus> FromName = ToName.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    /// <summary>The wire name, e.g. <c>distribute_partial</c>.</summary>
    public static string Name(this JobStatus status) => ToName[status];

    /// <summary>Parses a wire name; false for anything else.</summary>
    public static bool TryParse(string? name, out JobStatus status) => FromName.TryGetValue(name ?? "", out status);

    /// <summary>Parses a wire name or throws (for values read back from our own store).</summary>
    public static JobStatus Parse(string name) =>
        TryParse(name, out var s) ? s : throw new FormatException($"unknown job status '{name}'");

    /// <summary>Terminal statuses: no action applies, the secret has been erased.</summary>
    public static bool IsTerminal(this JobStatus s) => s is JobStatus.Done or JobStatus.Aborted or JobStatus.RevDone;

    /// <summary>Statuses the engine advances without a person.</summary>
    public static bool IsAutomatic(this JobStatus s) => s is JobStatus.Verifying or JobStatus.Minting or JobStatus.Minted
        or JobStatus.Distributing or JobStatus.Distributed or JobStatus.Validating or JobStatus.Revoking
        or JobStatus.RevInit or JobStatus.RevRevoking or JobStatus.RevRevoked or JobStatus.RevValidating;

    /// <summary>Statuses that wait on a person to repair something (always reported as stuck).</summary>
    public static bool NeedsPerson(this JobStatus s) => s is JobStatus.VerifyFailed or JobStatus.MintFailed
        or JobStatus.DistributePartial or JobStatus.DistributeFailed or JobStatus.ValidatePartial
        or JobStatus.ValidateFailed or JobStatus.RevokeFailed or JobStatus.RevRevokeFailed or JobStatus.RevLeaked;

    /// <summary>All statuses.</summary>
    public static IReadOnlyList<JobStatus> All { get; } = Enum.GetValues<JobStatus>();

    /// <summary>Wire names of all terminal statuses (for SQL predicates).</summary>
    public static IReadOnlyList<string> TerminalNames { get; } = All.Where(IsTerminal).Select(Name).ToArray();
}
