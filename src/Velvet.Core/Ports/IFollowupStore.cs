namespace Velvet.Core.Ports;

/// <summary>
/// Work a job left for later that must stay visible until done: the canonical store could not be written, the value
/// went to its fallback, and the vault still has to be updated (docs/lifecycle.md). Never holds a value.
/// </summary>
public sealed record Followup
{
    /// <summary>Store-assigned.</summary>
    public long Id { get; init; }
    public required Guid JobId { get; init; }
    public required string CredentialName { get; init; }
    public required string Env { get; init; }
    /// <summary>The canonical store that still lacks the value (e.g. the vault).</summary>
    public required string CanonicalConsumerId { get; init; }
    /// <summary>Where the value went instead (e.g. an SSM parameter).</summary>
    public required string FallbackConsumerId { get; init; }
    /// <summary>Why the canonical write failed, scrubbed.</summary>
    public required string Reason { get; init; }
    /// <summary>SHA-256 fingerprint of the value the canonical store must end up holding.</summary>
    public string? ValueFingerprint { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    /// <summary>How it was resolved: the read-back, or a person's reason.</summary>
    public string? Resolution { get; init; }

    public bool IsOpen => ResolvedAt is null;
}

/// <summary>Follow-ups, in the job store's database (same connection and writer): <c>JobStoreFactory.Followups(store)</c>.</summary>
public interface IFollowupStore
{
    /// <summary>Records a follow-up; one per (job, canonical consumer): a second call returns the first.</summary>
    Task<Followup> OpenFollowupAsync(Followup followup, CancellationToken ct);

    Task<Followup?> GetFollowupAsync(long id, CancellationToken ct);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<Followup>> ListFollowupsAsync(bool openOnly, CancellationToken ct);

    Task<IReadOnlyList<Followup>> FollowupsOfJobAsync(Guid jobId, CancellationToken ct);

    /// <summary>Closes an open follow-up; false when it is missing or already resolved.</summary>
    Task<bool> ResolveFollowupAsync(long id, string resolvedBy, string resolution, DateTimeOffset at, CancellationToken ct);
}
