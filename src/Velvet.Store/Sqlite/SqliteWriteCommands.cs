using Microsoft.Data.Sqlite;
using Velvet.Core.Jobs;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

/// <summary>
/// The writer connection and its reusable commands. The row upsert and event insert run once per consumer on the
/// fan-out hot path, so they are built and prepared once and only their parameter values change per call.
/// </summary>
internal sealed class SqliteWriteCommands(SqliteConnection connection) : IDisposable
{
    private SqliteCommand? _upsertRow;
    private SqliteCommand? _insertEvent;

    public SqliteConnection Connection { get; } = connection;

    /// <summary>A one-off command in the current transaction.</summary>
    public SqliteCommand Create(SqliteTransaction tx, string sql)
    {
        var cmd = Connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    public void UpsertRow(SqliteTransaction tx, ConsumerRow r)
    {
        var cmd = _upsertRow ??= Prepare(
            "INSERT INTO rotation_job_consumers (job_id, consumer_id, kind, is_canonical, ordinal, distribute_status, " +
            "validate_status, attempts, last_error, written_fingerprint, confirmed_by, confirm_reason, updated_at, written_at) " +
            "VALUES ($job_id, $consumer_id, $kind, $is_canonical, $ordinal, $distribute_status, $validate_status, " +
            "$attempts, $last_error, $written_fingerprint, $confirmed_by, $confirm_reason, $updated_at, $written_at) " +
            "ON CONFLICT (job_id, consumer_id) DO UPDATE SET kind = excluded.kind, is_canonical = excluded.is_canonical, " +
            "ordinal = excluded.ordinal, distribute_status = excluded.distribute_status, validate_status = excluded.validate_status, " +
            "attempts = excluded.attempts, last_error = excluded.last_error, written_fingerprint = excluded.written_fingerprint, " +
            "confirmed_by = excluded.confirmed_by, confirm_reason = excluded.confirm_reason, updated_at = excluded.updated_at, " +
            "written_at = excluded.written_at",
            "$job_id", "$consumer_id", "$kind", "$is_canonical", "$ordinal", "$distribute_status", "$validate_status",
            "$attempts", "$last_error", "$written_fingerprint", "$confirmed_by", "$confirm_reason", "$updated_at", "$written_at");
        cmd.Transaction = tx;
        var p = cmd.Parameters;
        p[0].Value = Id(r.JobId);
        p[1].Value = r.ConsumerId;
        p[2].Value = r.Kind;
        p[3].Value = r.IsCanonical ? 1 : 0;
        p[4].Value = r.Ordinal;
        p[5].Value = r.DistributeStatus.Name();
        p[6].Value = r.ValidateStatus.Name();
        p[7].Value = r.Attempts;
        p[8].Value = OrNull(r.LastError);
        p[9].Value = OrNull(r.WrittenFingerprint);
        p[10].Value = OrNull(r.ConfirmedBy);
        p[11].Value = OrNull(r.ConfirmReason);
        p[12].Value = Time(r.UpdatedAt);
        p[13].Value = TimeOrNull(r.WrittenAt);
        cmd.ExecuteNonQuery();
    }

    public void InsertEvent(SqliteTransaction tx, JobEvent e)
    {
        var cmd = _insertEvent ??= Prepare(
            "INSERT INTO job_events (job_id, at, actor, kind, from_status, to_status, consumer_id, detail) " +
            "VALUES ($job_id, $at, $actor, $kind, $from_status, $to_status, $consumer_id, $detail)",
            "$job_id", "$at", "$actor", "$kind", "$from_status", "$to_status", "$consumer_id", "$detail");
        cmd.Transaction = tx;
        var p = cmd.Parameters;
        p[0].Value = Id(e.JobId);
        p[1].Value = Time(e.At);
        p[2].Value = e.Actor;
        p[3].Value = e.Kind;
        p[4].Value = OrNull(e.FromStatus);
        p[5].Value = OrNull(e.ToStatus);
        p[6].Value = OrNull(e.ConsumerId);
        p[7].Value = OrNull(e.Detail);
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] parameterNames)
    {
        var cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var name in parameterNames) cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        return cmd;
    }

    public void Dispose()
    {
        _upsertRow?.Dispose();
        _insertEvent?.Dispose();
    }
}
