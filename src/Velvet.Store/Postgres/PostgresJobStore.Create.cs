using Npgsql;
using Velvet.Core.Jobs;
using Velvet.Core.Results;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore
{
    // A conflicting row can vanish between our DO NOTHING and the lookup only if its own transaction rolled back;
    // a handful of rounds is plenty.
    private const int CreateRounds = 5;

    /// <inheritdoc/>
    public Task<Result<JobCreated>> CreateJobAsync(NewJob job, JobEvent created, CancellationToken ct)
    {
        StoreGuard.ValidNew(job, created);
        return PgRetry.RunAsync(async () =>
        {
            for (var round = 0; round < CreateRounds; round++)
            {
                await using var conn = await _data.OpenConnectionAsync(ct);
                await using (var tx = await conn.BeginTransactionAsync(ct))
                {
                    // ON CONFLICT DO NOTHING waits for a concurrent inserter of the same key, then skips: the
                    // database decides, and a race shows up as "no row returned", never as a 23505 exception.
                    RotationJob? stored;
                    await using (var insert = new NpgsqlCommand(PgStatements.InsertJob, conn, tx))
                    {
                        insert.Parameters.AddRange(JobParameters(job.Job));
                        stored = await ReadOneAsync(insert, Job, ct);
                    }
                    if (stored is not null)
                    {
                        await using var batch = new NpgsqlBatch(conn, tx);
                        foreach (var row in job.Rows) batch.BatchCommands.Add(PgStatements.UpsertRow(row));
                        batch.BatchCommands.Add(PgStatements.InsertEvent(created));
                        await batch.ExecuteNonQueryAsync(ct);
                        await tx.CommitAsync(ct);
                        return Result<JobCreated>.Ok(new JobCreated(stored, Replayed: false));
                    }
                    await tx.RollbackAsync(ct);
                }
                // Autocommit lookups: each statement sees everything committed, including the row we collided with.
                var outcome = await CreateConflict.ResolveAsync(
                    job.Job,
                    () => SelectJobAsync(conn, "credential_name = $1 AND idempotency_key = $2", ct, Text(job.Job.CredentialName), Text(job.Job.IdempotencyKey)),
                    () => SelectJobAsync(conn, "job_id = $1", ct, P(job.Job.JobId)),
                    async () => await SelectJobAsync(conn, $"credential_name = $1 AND env = $2 AND {Sql.NonTerminal}", ct,
                        Text(job.Job.CredentialName), Text(job.Job.Env)) is { } a ? (a.JobId, a.Status.Name()) : null);
                if (outcome is { } decided) return decided;
            }
            throw new InvalidOperationException($"creating job {job.Job.JobId} kept colliding with jobs that then disappeared; giving up after {CreateRounds} rounds");
        }, ct);
    }

    private static async Task<RotationJob?> SelectJobAsync(NpgsqlConnection conn, string where, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Sql.JobColumns} FROM rotation_jobs WHERE {where}", conn);
        cmd.Parameters.AddRange(parameters);
        return await ReadOneAsync(cmd, Job, ct);
    }

    private static async Task<T?> ReadOneAsync<T>(NpgsqlCommand cmd, Func<NpgsqlDataReader, T> map, CancellationToken ct) where T : class
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? map(r) : null;
    }
}
