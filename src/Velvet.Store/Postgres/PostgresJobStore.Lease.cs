using Npgsql;
using Velvet.Core.Jobs;
using Velvet.Core.Secrets;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore
{
    /// <inheritdoc/>
    public Task<bool> TryAcquireLeaseAsync(Guid jobId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        // One conditional UPDATE: two contenders queue on the row lock and the loser re-checks the condition
        // against the winner's lease, so at most one of them gets it.
        return ExecuteAsync(
            "UPDATE rotation_jobs SET lease_owner = $2, lease_until = $3 WHERE job_id = $1 " +
            "AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until IS NULL OR lease_until <= $4)",
            ct, n => n == 1, () => [P(jobId), Text(owner), Time(until), Time(now)]);
    }

    /// <inheritdoc/>
    public Task ReleaseLeaseAsync(Guid jobId, string owner, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        // Only the holder can release; a late release after someone else took over is a no-op.
        return ExecuteAsync("UPDATE rotation_jobs SET lease_owner = NULL, lease_until = NULL WHERE job_id = $1 AND lease_owner = $2",
            ct, n => n, () => [P(jobId), Text(owner)]);
    }

    /// <inheritdoc/>
    public Task PutSecretAsync(Guid jobId, SealedSecret secret, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            // FOR SHARE conflicts with the terminal UPDATE, so a job cannot finish (and erase its secret) between this
            // check and the insert, which would leave a value at rest for a terminal job.
            string status;
            await using (var check = new NpgsqlCommand("SELECT status FROM rotation_jobs WHERE job_id = $1 FOR SHARE", conn, tx))
            {
                check.Parameters.Add(P(jobId));
                status = await check.ExecuteScalarAsync(ct) as string
                    ?? throw new InvalidOperationException($"cannot store a secret for job {jobId}: the job does not exist");
            }
            if (JobStatusNames.Parse(status).IsTerminal())
                throw new InvalidOperationException($"cannot store a secret for job {jobId}: it is {status} (terminal jobs keep no value)");
            await using (var put = new NpgsqlCommand(
                "INSERT INTO job_secrets (job_id, key_id, nonce, ciphertext, tag) VALUES ($1, $2, $3, $4, $5) " +
                "ON CONFLICT (job_id) DO UPDATE SET key_id = excluded.key_id, nonce = excluded.nonce, " +
                "ciphertext = excluded.ciphertext, tag = excluded.tag", conn, tx))
            {
                put.Parameters.Add(P(jobId));
                put.Parameters.Add(Text(secret.KeyId));
                put.Parameters.Add(P(secret.Nonce));
                put.Parameters.Add(P(secret.Ciphertext));
                put.Parameters.Add(P(secret.Tag));
                await put.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<SealedSecret?> GetSecretAsync(Guid jobId, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var cmd = _data.CreateCommand("SELECT key_id, nonce, ciphertext, tag FROM job_secrets WHERE job_id = $1");
            cmd.Parameters.Add(P(jobId));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct)
                ? new SealedSecret(r.GetString(0), r.GetFieldValue<byte[]>(1), r.GetFieldValue<byte[]>(2), r.GetFieldValue<byte[]>(3))
                : null;
        }, ct);

    private Task<T> ExecuteAsync<T>(string sql, CancellationToken ct, Func<int, T> map, Func<NpgsqlParameter[]> parameters) =>
        PgRetry.RunAsync(async () =>
        {
            await using var cmd = _data.CreateCommand(sql);
            cmd.Parameters.AddRange(parameters());
            return map(await cmd.ExecuteNonQueryAsync(ct));
        }, ct);
}
