using Npgsql;
using Velvet.Core.Jobs;
using Velvet.Core.Results;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore
{
    /// <inheritdoc/>
    public Task<Result<RotationJob>> UpdateJobAsync(RotationJob updated, IReadOnlyList<ConsumerRow> rows, IReadOnlyList<JobEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(updated);
        StoreGuard.BelongTo(updated.JobId, rows, events);
        return PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            // The version check and the row lock in one statement: concurrent updaters queue on the row, and after
            // the winner commits, READ COMMITTED re-checks "version = expected" against the new row and finds 0 rows.
            RotationJob? stored;
            await using (var cmd = new NpgsqlCommand(PgStatements.UpdateJob, conn, tx))
            {
                cmd.Parameters.AddRange(JobParameters(updated));
                stored = await ReadOneAsync(cmd, Job, ct);
            }
            if (stored is null)
            {
                await tx.RollbackAsync(ct);
                return await SelectJobAsync(conn, "job_id = $1", ct, P(updated.JobId)) is null
                    ? Result<RotationJob>.Fail(new NotFound($"job {updated.JobId} does not exist"))
                    : Result<RotationJob>.Fail(new ConcurrencyConflict(updated.JobId));
            }
            await using (var batch = new NpgsqlBatch(conn, tx))
            {
                foreach (var row in rows) batch.BatchCommands.Add(PgStatements.UpsertRow(row));
                foreach (var e in events) batch.BatchCommands.Add(PgStatements.InsertEvent(e));
                EnqueueTransition(batch, stored);
                // A finished job must not keep the new value at rest (SPEC §4); same transaction as the status change.
                if (stored.Status.IsTerminal())
                    batch.BatchCommands.Add(PgStatements.Command("DELETE FROM job_secrets WHERE job_id = $1", P(updated.JobId)));
                if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            return Result<RotationJob>.Ok(stored);
        }, ct);
    }

    /// <inheritdoc/>
    public Task UpdateConsumerRowsAsync(IReadOnlyList<ConsumerRow> rows, IReadOnlyList<JobEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(events);
        if (rows.Count == 0 && events.Count == 0) return Task.CompletedTask;
        return PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            // One round trip: job locks first (see LockJobs), then every upsert and event.
            await using var batch = new NpgsqlBatch(conn, tx);
            batch.BatchCommands.Add(PgStatements.LockJobs(StoreGuard.JobIds(rows, events)));
            foreach (var row in rows) batch.BatchCommands.Add(PgStatements.UpsertRow(row));
            foreach (var e in events) batch.BatchCommands.Add(PgStatements.InsertEvent(e));
            await batch.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }, ct);
    }
}
