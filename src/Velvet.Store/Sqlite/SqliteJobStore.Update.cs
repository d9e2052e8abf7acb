using Velvet.Core.Jobs;
using Velvet.Core.Results;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

public sealed partial class SqliteJobStore
{
    // Identity, creation facts and the lease are not rewritten: the lease belongs to the lease calls, so an update
    // built from a stale read cannot undo a lease taken in between.
    private static readonly string UpdateJobSql =
        "UPDATE rotation_jobs SET status = $status, version = version + 1, force_revoke = $force_revoke, " +
        "updated_at = $updated_at, status_changed_at = $status_changed_at, old_credential_id = $old_credential_id, " +
        "new_credential_id = $new_credential_id, new_value_fingerprint = $new_value_fingerprint, last_error = $last_error, " +
        "details_json = $details_json WHERE job_id = $job_id AND version = $version " +
        $"RETURNING {Sql.JobColumns}";

    /// <inheritdoc/>
    public Task<Result<RotationJob>> UpdateJobAsync(RotationJob updated, IReadOnlyList<ConsumerRow> rows, IReadOnlyList<JobEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(updated);
        StoreGuard.BelongTo(updated.JobId, rows, events);
        return WriteAsync((w, tx) =>
        {
            RotationJob stored;
            using (var cmd = w.Create(tx, UpdateJobSql))
            {
                SqliteMapper.BindJob(cmd, updated);
                using var r = cmd.ExecuteReader();
                if (!r.Read())
                {
                    r.Close();
                    return Exists(w, tx, updated.JobId)
                        ? Result<RotationJob>.Fail(new ConcurrencyConflict(updated.JobId))
                        : Result<RotationJob>.Fail(new NotFound($"job {updated.JobId} does not exist"));
                }
                stored = SqliteMapper.Job(r);
            }
            foreach (var row in rows) w.UpsertRow(tx, row);
            foreach (var e in events) w.InsertEvent(tx, e);
            EnqueueTransition(w, tx, stored);
            if (stored.Status.IsTerminal())
            {
                // A finished job must not keep the new value at rest (SPEC §4); same transaction as the status change.
                using var erase = w.Create(tx, "DELETE FROM job_secrets WHERE job_id = $id");
                erase.Parameters.AddWithValue("$id", Id(updated.JobId));
                erase.ExecuteNonQuery();
            }
            return Result<RotationJob>.Ok(stored);
        }, ct);
    }

    /// <inheritdoc/>
    public Task UpdateConsumerRowsAsync(IReadOnlyList<ConsumerRow> rows, IReadOnlyList<JobEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(events);
        if (rows.Count == 0 && events.Count == 0) return Task.CompletedTask;
        return WriteAsync((w, tx) =>
        {
            foreach (var row in rows) w.UpsertRow(tx, row);
            foreach (var e in events) w.InsertEvent(tx, e);
            return true;
        }, ct);
    }

    private static bool Exists(SqliteWriteCommands w, Microsoft.Data.Sqlite.SqliteTransaction tx, Guid jobId)
    {
        using var cmd = w.Create(tx, "SELECT 1 FROM rotation_jobs WHERE job_id = $id");
        cmd.Parameters.AddWithValue("$id", Id(jobId));
        return cmd.ExecuteScalar() is not null;
    }
}
