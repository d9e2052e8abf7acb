using Velvet.Core.Jobs;
using Velvet.Core.Results;
using Velvet.Core.Secrets;

namespace Velvet.Core.Ports;

/// <summary>
/// Durable job store. Implementations enforce the invariants in the database, never by check-then-act:
/// at most one non-terminal job per (credential, env); an idempotency key replay returns the same job;
/// a job update succeeds only if the caller's expected version is still current.
/// </summary>
public interface IJobStore
{
    /// <summary>Applies pending schema migrations (idempotent).</summary>
    Task MigrateAsync(CancellationToken ct);

    /// <summary>
    /// Creates the job, its consumer rows and its <c>created</c> event in one transaction.
    /// Same (credential, idempotency key) as an earlier job → that job with <c>Replayed = true</c>.
    /// Another non-terminal job for the credential/env → <see cref="ActiveJobExists"/>.
    /// </summary>
    Task<Result<JobCreated>> CreateJobAsync(NewJob job, JobEvent created, CancellationToken ct);

    Task<RotationJob?> GetJobAsync(Guid jobId, CancellationToken ct);

    Task<IReadOnlyList<ConsumerRow>> GetConsumerRowsAsync(Guid jobId, CancellationToken ct);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<RotationJob>> ListJobsAsync(JobQuery query, CancellationToken ct);

    /// <summary>
    /// Writes <paramref name="updated"/> (whose <see cref="RotationJob.Version"/> is the version the caller read),
    /// the changed rows and the events in one transaction, bumping the version. If the job reaches a terminal
    /// status its sealed secret is deleted in the same transaction. Stale version → <see cref="ConcurrencyConflict"/>.
    /// </summary>
    Task<Result<RotationJob>> UpdateJobAsync(RotationJob updated, IReadOnlyList<ConsumerRow> rows, IReadOnlyList<JobEvent> events, CancellationToken ct);

    /// <summary>Row progress written by the worker that holds the job's lease (no job version check).</summary>
    Task UpdateConsumerRowsAsync(IReadOnlyList<ConsumerRow> rows, IReadOnlyList<JobEvent> events, CancellationToken ct);

    /// <summary>Events with <c>Seq &gt; afterSeq</c>, oldest first.</summary>
    Task<IReadOnlyList<JobEvent>> GetEventsAsync(Guid jobId, long afterSeq, CancellationToken ct);

    /// <summary>Takes or renews the job's lease if it is free, expired, or already ours.</summary>
    Task<bool> TryAcquireLeaseAsync(Guid jobId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct);

    Task ReleaseLeaseAsync(Guid jobId, string owner, CancellationToken ct);

    /// <summary>Stores (or replaces) the job's sealed new value.</summary>
    Task PutSecretAsync(Guid jobId, SealedSecret secret, CancellationToken ct);

    Task<SealedSecret?> GetSecretAsync(Guid jobId, CancellationToken ct);
}
