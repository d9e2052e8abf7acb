using Microsoft.Data.Sqlite;
using Velvet.Core.Jobs;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

public sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    public Task<RotationJob?> GetJobAsync(Guid jobId, CancellationToken ct) =>
        Task.FromResult(Query($"SELECT {Sql.JobColumns} FROM rotation_jobs WHERE job_id = $id",
            c => c.Parameters.AddWithValue("$id", Id(jobId)), SqliteMapper.Job, ct).FirstOrDefault());

    /// <inheritdoc/>
    public Task<IReadOnlyList<ConsumerRow>> GetConsumerRowsAsync(Guid jobId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ConsumerRow>>(Query(
            $"SELECT {Sql.RowColumns} FROM rotation_job_consumers WHERE job_id = $id ORDER BY ordinal, consumer_id",
            c => c.Parameters.AddWithValue("$id", Id(jobId)), SqliteMapper.Row, ct));

    /// <inheritdoc/>
    public Task<IReadOnlyList<RotationJob>> ListJobsAsync(JobQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var where = new List<string>();
        if (query.CredentialName is not null) where.Add("credential_name = $c");
        if (query.NonTerminalOnly) where.Add(Sql.NonTerminal);
        var sql = $"SELECT {Sql.JobColumns} FROM rotation_jobs" +
            (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
            // rowid breaks ties between jobs created in the same tick: later insert = newer.
            " ORDER BY created_at DESC, rowid DESC LIMIT $limit";
        return Task.FromResult<IReadOnlyList<RotationJob>>(Query(sql, c =>
        {
            if (query.CredentialName is not null) c.Parameters.AddWithValue("$c", query.CredentialName);
            c.Parameters.AddWithValue("$limit", query.Limit);
        }, SqliteMapper.Job, ct));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<JobEvent>> GetEventsAsync(Guid jobId, long afterSeq, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<JobEvent>>(Query(
            $"SELECT {Sql.EventColumns} FROM job_events WHERE job_id = $id AND seq > $after ORDER BY seq",
            c =>
            {
                c.Parameters.AddWithValue("$id", Id(jobId));
                c.Parameters.AddWithValue("$after", afterSeq);
            }, SqliteMapper.Event, ct));

    // Microsoft.Data.Sqlite's async methods run synchronously anyway; plain calls avoid the Task overhead.
    private List<T> Query<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> map, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        using var conn = OpenReader();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        bind(cmd);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(map(r));
        return list;
    }
}
