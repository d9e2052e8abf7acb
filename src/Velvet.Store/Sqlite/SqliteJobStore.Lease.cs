using Velvet.Core.Jobs;
using Velvet.Core.Secrets;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

public sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    public Task<bool> TryAcquireLeaseAsync(Guid jobId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        // One conditional UPDATE: free, expired or already ours. Times are fixed-width UTC text, so <= is time order.
        return WriteAsync((w, tx) =>
        {
            using var cmd = w.Create(tx,
                "UPDATE rotation_jobs SET lease_owner = $owner, lease_until = $until WHERE job_id = $id " +
                "AND (lease_owner IS NULL OR lease_owner = $owner OR lease_until IS NULL OR lease_until <= $now)");
            cmd.Parameters.AddWithValue("$owner", owner);
            cmd.Parameters.AddWithValue("$until", Time(until));
            cmd.Parameters.AddWithValue("$now", Time(now));
            cmd.Parameters.AddWithValue("$id", Id(jobId));
            return cmd.ExecuteNonQuery() == 1;
        }, ct);
    }

    /// <inheritdoc/>
    public Task ReleaseLeaseAsync(Guid jobId, string owner, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return WriteAsync((w, tx) =>
        {
            // Only the holder can release; a late release after someone else took over is a no-op.
            using var cmd = w.Create(tx,
                "UPDATE rotation_jobs SET lease_owner = NULL, lease_until = NULL WHERE job_id = $id AND lease_owner = $owner");
            cmd.Parameters.AddWithValue("$owner", owner);
            cmd.Parameters.AddWithValue("$id", Id(jobId));
            return cmd.ExecuteNonQuery();
        }, ct);
    }

    /// <inheritdoc/>
    public Task PutSecretAsync(Guid jobId, SealedSecret secret, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return WriteAsync((w, tx) =>
        {
            // Writers are serialised, so no terminal update can slip between this check and the insert.
            using (var check = w.Create(tx, "SELECT status FROM rotation_jobs WHERE job_id = $id"))
            {
                check.Parameters.AddWithValue("$id", Id(jobId));
                var status = check.ExecuteScalar() as string
                    ?? throw new InvalidOperationException($"cannot store a secret for job {jobId}: the job does not exist");
                if (JobStatusNames.Parse(status).IsTerminal())
                    throw new InvalidOperationException($"cannot store a secret for job {jobId}: it is {status} (terminal jobs keep no value)");
            }
            using var cmd = w.Create(tx,
                "INSERT INTO job_secrets (job_id, key_id, nonce, ciphertext, tag) VALUES ($id, $key_id, $nonce, $ciphertext, $tag) " +
                "ON CONFLICT (job_id) DO UPDATE SET key_id = excluded.key_id, nonce = excluded.nonce, " +
                "ciphertext = excluded.ciphertext, tag = excluded.tag");
            cmd.Parameters.AddWithValue("$id", Id(jobId));
            cmd.Parameters.AddWithValue("$key_id", secret.KeyId);
            cmd.Parameters.AddWithValue("$nonce", secret.Nonce);
            cmd.Parameters.AddWithValue("$ciphertext", secret.Ciphertext);
            cmd.Parameters.AddWithValue("$tag", secret.Tag);
            return cmd.ExecuteNonQuery();
        }, ct);
    }

    /// <inheritdoc/>
    public Task<SealedSecret?> GetSecretAsync(Guid jobId, CancellationToken ct) =>
        Task.FromResult(Query("SELECT key_id, nonce, ciphertext, tag FROM job_secrets WHERE job_id = $id",
            c => c.Parameters.AddWithValue("$id", Id(jobId)), SqliteMapper.Secret, ct).FirstOrDefault());
}
