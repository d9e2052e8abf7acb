using Microsoft.Data.Sqlite;
using Velvet.Core.Jobs;
using Velvet.Core.Results;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

public sealed partial class SqliteJobStore
{
    private static readonly string InsertJobSql =
        $"INSERT INTO rotation_jobs ({Sql.JobColumns}) VALUES (" +
        string.Join(", ", Sql.JobColumns.Split(", ").Select(c => "$" + c)) +
        ") ON CONFLICT DO NOTHING";

    /// <inheritdoc/>
    public Task<Result<JobCreated>> CreateJobAsync(NewJob job, JobEvent created, CancellationToken ct)
    {
        StoreGuard.ValidNew(job, created);
        return WriteAsync((w, tx) =>
        {
            // The unique indexes decide; ON CONFLICT DO NOTHING turns any of them firing into "0 rows" to explain.
            using (var insert = w.Create(tx, InsertJobSql))
            {
                SqliteMapper.BindJob(insert, job.Job);
                if (insert.ExecuteNonQuery() == 0) return Conflict(w, tx, job.Job);
            }
            foreach (var row in job.Rows) w.UpsertRow(tx, row);
            w.InsertEvent(tx, created);
            var stored = SelectJob(w, tx, "job_id = $id", c => c.Parameters.AddWithValue("$id", Id(job.Job.JobId)))
                ?? throw new InvalidOperationException($"job {job.Job.JobId} vanished inside its own create transaction");
            return Result<JobCreated>.Ok(new JobCreated(stored, Replayed: false));
        }, ct);
    }

    private static Result<JobCreated> Conflict(SqliteWriteCommands w, SqliteTransaction tx, RotationJob wanted)
    {
        // Writers are serialised, so the conflicting row is committed and visible; the lookups complete synchronously.
        var outcome = CreateConflict.ResolveAsync(
            wanted,
            () => Task.FromResult(SelectJob(w, tx, "credential_name = $c AND idempotency_key = $k", c =>
            {
                c.Parameters.AddWithValue("$c", wanted.CredentialName);
                c.Parameters.AddWithValue("$k", wanted.IdempotencyKey);
            })),
            () => Task.FromResult(SelectJob(w, tx, "job_id = $id", c => c.Parameters.AddWithValue("$id", Id(wanted.JobId)))),
            () => Task.FromResult(SelectJob(w, tx, $"credential_name = $c AND env = $e AND {Sql.NonTerminal}", c =>
            {
                c.Parameters.AddWithValue("$c", wanted.CredentialName);
                c.Parameters.AddWithValue("$e", wanted.Env);
            }) is { } a ? (a.JobId, a.Status.Name()) : ((Guid, string)?)null)).GetAwaiter().GetResult();
        return outcome ?? throw new InvalidOperationException(
            $"creating job {wanted.JobId} hit a unique constraint, but no conflicting job exists");
    }

    private static RotationJob? SelectJob(SqliteWriteCommands w, SqliteTransaction tx, string where, Action<SqliteCommand> bind)
    {
        using var cmd = w.Create(tx, $"SELECT {Sql.JobColumns} FROM rotation_jobs WHERE {where}");
        bind(cmd);
        using var r = cmd.ExecuteReader();
        return r.Read() ? SqliteMapper.Job(r) : null;
    }
}
