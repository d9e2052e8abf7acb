using Velvet.Core.Jobs;
using Velvet.Core.Results;

namespace Velvet.Store.Common;

/// <summary>
/// After an INSERT ... ON CONFLICT DO NOTHING inserted nothing, works out which constraint fired. The order matters:
/// an idempotency replay wins over the active-job rule (the replayed job may be that very active job, or finished).
/// </summary>
internal static class CreateConflict
{
    /// <summary>The typed outcome, or null when the conflicting row has gone (its transaction rolled back): try again.</summary>
    public static async Task<Result<JobCreated>?> ResolveAsync(
        RotationJob wanted,
        Func<Task<RotationJob?>> byIdempotencyKey,
        Func<Task<RotationJob?>> byJobId,
        Func<Task<(Guid Id, string Status)?>> activeJob)
    {
        if (wanted.IdempotencyKey is not null && await byIdempotencyKey() is { } replay)
            return Result<JobCreated>.Ok(new JobCreated(replay, Replayed: true));

        // Same job id: the caller is retrying a create whose commit it did not see.
        if (await byJobId() is { } same)
        {
            if (same.CredentialName != wanted.CredentialName || same.Env != wanted.Env)
                throw new InvalidOperationException($"job id {wanted.JobId} is already used by another credential's job");
            return Result<JobCreated>.Ok(new JobCreated(same, Replayed: true));
        }

        if (await activeJob() is { } active)
            return Result<JobCreated>.Fail(new ActiveJobExists(active.Id, active.Status));

        return null;
    }
}
