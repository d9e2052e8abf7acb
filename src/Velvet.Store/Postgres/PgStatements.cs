using Npgsql;
using Velvet.Core.Jobs;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

/// <summary>Batch commands for rows and events: a whole fan-out step travels in one round trip.</summary>
internal static class PgStatements
{
    public static readonly string InsertJob =
        $"INSERT INTO rotation_jobs ({Sql.JobColumns}) VALUES (" +
        string.Join(", ", Enumerable.Range(1, 19).Select(i => "$" + i)) + $") ON CONFLICT DO NOTHING RETURNING {Sql.JobColumns}";

    // Identity, creation facts and the lease are not rewritten: the lease belongs to the lease calls, so an update
    // built from a stale read cannot undo a lease taken in between. $1 job id, $6 expected version.
    public static readonly string UpdateJob =
        "UPDATE rotation_jobs SET status = $5, version = version + 1, force_revoke = $8, updated_at = $11, " +
        "status_changed_at = $12, old_credential_id = $13, new_credential_id = $14, new_value_fingerprint = $15, " +
        $"last_error = $16, details_json = $17 WHERE job_id = $1 AND version = $6 RETURNING {Sql.JobColumns}";

    private const string UpsertRowSql =
        $"INSERT INTO rotation_job_consumers ({Sql.RowColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) " +
        "ON CONFLICT (job_id, consumer_id) DO UPDATE SET kind = excluded.kind, is_canonical = excluded.is_canonical, " +
        "ordinal = excluded.ordinal, distribute_status = excluded.distribute_status, validate_status = excluded.validate_status, " +
        "attempts = excluded.attempts, last_error = excluded.last_error, written_fingerprint = excluded.written_fingerprint, " +
        "confirmed_by = excluded.confirmed_by, confirm_reason = excluded.confirm_reason, updated_at = excluded.updated_at, " +
        "written_at = excluded.written_at";

    private const string InsertEventSql =
        "INSERT INTO job_events (job_id, at, actor, kind, from_status, to_status, consumer_id, detail) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

    public static NpgsqlBatchCommand UpsertRow(ConsumerRow r)
    {
        var c = new NpgsqlBatchCommand(UpsertRowSql);
        c.Parameters.Add(P(r.JobId));
        c.Parameters.Add(Text(r.ConsumerId));
        c.Parameters.Add(Text(r.Kind));
        c.Parameters.Add(P(r.IsCanonical));
        c.Parameters.Add(P(r.Ordinal));
        c.Parameters.Add(Text(r.DistributeStatus.Name()));
        c.Parameters.Add(Text(r.ValidateStatus.Name()));
        c.Parameters.Add(P(r.Attempts));
        c.Parameters.Add(Text(r.LastError));
        c.Parameters.Add(Text(r.WrittenFingerprint));
        c.Parameters.Add(Text(r.ConfirmedBy));
        c.Parameters.Add(Text(r.ConfirmReason));
        c.Parameters.Add(Time(r.UpdatedAt));
        c.Parameters.Add(Time(r.WrittenAt));
        return c;
    }

    public static NpgsqlBatchCommand InsertEvent(JobEvent e)
    {
        var c = new NpgsqlBatchCommand(InsertEventSql);
        c.Parameters.Add(P(e.JobId));
        c.Parameters.Add(Time(e.At));
        c.Parameters.Add(Text(e.Actor));
        c.Parameters.Add(Text(e.Kind));
        c.Parameters.Add(Text(e.FromStatus));
        c.Parameters.Add(Text(e.ToStatus));
        c.Parameters.Add(Text(e.ConsumerId));
        c.Parameters.Add(Text(e.Detail));
        return c;
    }

    /// <summary>
    /// Locks the jobs' rows (in uuid order, so two writers never deadlock) for the rest of the transaction. Event seqs
    /// come from a sequence, which hands out numbers before commit; holding the job lock until commit makes each
    /// job's events commit in seq order, so a reader resuming after seq N cannot miss a late-committing N-1.
    /// </summary>
    public static NpgsqlBatchCommand LockJobs(Guid[] jobIds)
    {
        var c = new NpgsqlBatchCommand("SELECT 1 FROM rotation_jobs WHERE job_id = ANY($1) ORDER BY job_id FOR NO KEY UPDATE");
        c.Parameters.Add(P(jobIds));
        return c;
    }

    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var c = new NpgsqlBatchCommand(sql);
        foreach (var p in parameters) c.Parameters.Add(p);
        return c;
    }
}
