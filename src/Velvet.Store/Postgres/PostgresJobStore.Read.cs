using Npgsql;
using Velvet.Core.Jobs;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore
{
    /// <inheritdoc/>
    public async Task<RotationJob?> GetJobAsync(Guid jobId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {Sql.JobColumns} FROM rotation_jobs WHERE job_id = $1", Job, ct, P(jobId))).FirstOrDefault();

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ConsumerRow>> GetConsumerRowsAsync(Guid jobId, CancellationToken ct) =>
        await QueryAsync($"SELECT {Sql.RowColumns} FROM rotation_job_consumers WHERE job_id = $1 ORDER BY ordinal, consumer_id", Row, ct, P(jobId));

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RotationJob>> ListJobsAsync(JobQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var where = new List<string>();
        var parameters = new List<NpgsqlParameter> { P(query.Limit) };
        if (query.CredentialName is not null)
        {
            parameters.Add(Text(query.CredentialName));
            where.Add("credential_name = $2");
        }
        if (query.NonTerminalOnly) where.Add(Sql.NonTerminal);
        var sql = $"SELECT {Sql.JobColumns} FROM rotation_jobs" +
            (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
            // job_id only makes ties (same microsecond) deterministic; there is no insertion order to fall back on.
            " ORDER BY created_at DESC, job_id DESC LIMIT $1";
        return await QueryAsync(sql, Job, ct, [.. parameters]);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JobEvent>> GetEventsAsync(Guid jobId, long afterSeq, CancellationToken ct) =>
        await QueryAsync($"SELECT {Sql.EventColumns} FROM job_events WHERE job_id = $1 AND seq > $2 ORDER BY seq", Event, ct, P(jobId), P(afterSeq));

    private Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params NpgsqlParameter[] parameters) =>
        PgRetry.RunAsync(async () =>
        {
            await using var cmd = _data.CreateCommand(sql);
            // A retry needs fresh parameter objects: one parameter cannot belong to two commands.
            foreach (var p in parameters) cmd.Parameters.Add(p.Clone());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var list = new List<T>();
            while (await r.ReadAsync(ct)) list.Add(map(r));
            return list;
        }, ct);
}
