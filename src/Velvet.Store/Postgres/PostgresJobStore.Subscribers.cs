using Npgsql;
using Velvet.Core.Ports;
using Velvet.Core.Results;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore
{
    private const string SubscriberKey = "token_name = $1 AND consumer_id = $2 AND env = $3";

    /// <inheritdoc/>
    /// <remarks>An empty <paramref name="rows"/> seeds nothing: false, and no audit row.</remarks>
    public Task<bool> SeedSubscribersAsync(IReadOnlyList<SubscriberRecord> rows, SystemEvent audit, CancellationToken ct)
    {
        SubscriberRows.ValidSeed(rows, audit);
        if (rows.Count == 0) return Task.FromResult(false);
        return SubscriberWriteAsync(audit, async (conn, tx) =>
        {
            // The version row lock is held: a concurrent seeder waited for it and, at READ COMMITTED, this statement
            // sees what that seeder committed.
            await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM subscribers)", conn, tx))
            {
                if (await any.ExecuteScalarAsync(ct) is true) return (false, false);
            }
            await using var batch = new NpgsqlBatch(conn, tx);
            foreach (var row in rows)
            {
                var insert = new NpgsqlBatchCommand($"INSERT INTO subscribers ({SubscriberRows.Columns}) VALUES ($1, $2, $3, $4, $5, $6)");
                insert.Parameters.AddRange(SubscriberParameters(row));
                batch.BatchCommands.Add(insert);
            }
            await batch.ExecuteNonQueryAsync(ct);
            return (true, true);
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<SubscriberRecord>> ListSubscribersAsync(CancellationToken ct) =>
        PgRetry.RunAsync<IReadOnlyList<SubscriberRecord>>(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand($"SELECT {SubscriberRows.Columns} FROM subscribers {SubscriberRows.OrderBy}", conn);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var list = new List<SubscriberRecord>();
            while (await r.ReadAsync(ct)) list.Add(ReadSubscriber(r));
            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<Result<SubscriberRecord>> AddSubscriberAsync(SubscriberRecord row, SystemEvent audit, CancellationToken ct)
    {
        SubscriberRows.Valid(row);
        SubscriberRows.Valid(audit);
        return SubscriberWriteAsync(audit, async (conn, tx) =>
        {
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO subscribers ({SubscriberRows.Columns}) VALUES ($1, $2, $3, $4, $5, $6) " +
                $"ON CONFLICT (token_name, consumer_id, env) DO NOTHING RETURNING {SubscriberRows.Columns}", conn, tx);
            insert.Parameters.AddRange(SubscriberParameters(row));
            var stored = await ReadSubscriberAsync(insert, ct);
            return stored is null ? (false, Result<SubscriberRecord>.Fail(SubscriberRows.Exists(row))) : (true, Result<SubscriberRecord>.Ok(stored));
        }, ct);
    }

    /// <inheritdoc/>
    public Task<Result<SubscriberRecord>> UpdateSubscriberAsync(SubscriberRecord row, SystemEvent audit, CancellationToken ct)
    {
        SubscriberRows.Valid(row);
        SubscriberRows.Valid(audit);
        return SubscriberWriteAsync(audit, async (conn, tx) =>
        {
            await using var update = new NpgsqlCommand(
                $"UPDATE subscribers SET spec_json = $4, updated_at = $5, updated_by = $6 WHERE {SubscriberKey} RETURNING {SubscriberRows.Columns}", conn, tx);
            update.Parameters.AddRange(SubscriberParameters(row));
            var stored = await ReadSubscriberAsync(update, ct);
            return stored is null ? (false, Result<SubscriberRecord>.Fail(SubscriberRows.Missing(row))) : (true, Result<SubscriberRecord>.Ok(stored));
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteSubscriberAsync(string tokenName, string consumerId, string env, SystemEvent audit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokenName);
        ArgumentNullException.ThrowIfNull(consumerId);
        ArgumentNullException.ThrowIfNull(env);
        SubscriberRows.Valid(audit);
        return SubscriberWriteAsync(audit, async (conn, tx) =>
        {
            await using var delete = new NpgsqlCommand($"DELETE FROM subscribers WHERE {SubscriberKey}", conn, tx);
            delete.Parameters.AddRange(new[] { Text(tokenName), Text(consumerId), Text(env) });
            var deleted = await delete.ExecuteNonQueryAsync(ct) == 1;
            return (deleted, deleted);
        }, ct);
    }

    /// <inheritdoc/>
    public Task<long> SubscribersVersionAsync(CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT version FROM subscribers_version WHERE id = 1", conn);
            return await cmd.ExecuteScalarAsync(ct) is long v ? v
                : throw new InvalidOperationException("the subscribers_version row is missing; was migration 0004_subscribers.sql altered?");
        }, ct);

    /// <inheritdoc/>
    public Task AppendSystemEventAsync(SystemEvent audit, CancellationToken ct)
    {
        SubscriberRows.Valid(audit);
        return PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var insert = InsertSystemEvent(conn, null, audit);
            return await insert.ExecuteNonQueryAsync(ct);
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<SystemEvent>> ListSystemEventsAsync(int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return PgRetry.RunAsync<IReadOnlyList<SystemEvent>>(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand($"SELECT {SubscriberRows.EventColumns} FROM system_events ORDER BY seq DESC LIMIT $1", conn);
            cmd.Parameters.Add(P(limit));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var list = new List<SystemEvent>();
            while (await r.ReadAsync(ct))
            {
                list.Add(new SystemEvent
                {
                    Seq = r.GetInt64(0),
                    At = r.GetFieldValue<DateTimeOffset>(1),
                    Actor = r.GetString(2),
                    Kind = r.GetString(3),
                    Detail = r.GetString(4),
                });
            }
            return list;
        }, ct);
    }

    /// <summary>
    /// One transaction that first bumps the version row (its lock serialises every subscriber writer), then runs
    /// <paramref name="work"/>; when that changed something the audit row is added and all commits together, else
    /// everything rolls back and the version stays as it was.
    /// </summary>
    private Task<T> SubscriberWriteAsync<T>(SystemEvent audit, Func<NpgsqlConnection, NpgsqlTransaction, Task<(bool Changed, T Result)>> work, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var bump = new NpgsqlCommand("UPDATE subscribers_version SET version = version + 1 WHERE id = 1", conn, tx))
            {
                if (await bump.ExecuteNonQueryAsync(ct) != 1)
                    throw new InvalidOperationException("the subscribers_version row is missing; was migration 0004_subscribers.sql altered?");
            }
            var (changed, result) = await work(conn, tx);
            if (!changed)
            {
                await tx.RollbackAsync(ct);
                return result;
            }
            await using (var insert = InsertSystemEvent(conn, tx, audit)) await insert.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            return result;
        }, ct);

    private static NpgsqlCommand InsertSystemEvent(NpgsqlConnection conn, NpgsqlTransaction? tx, SystemEvent e)
    {
        var cmd = new NpgsqlCommand("INSERT INTO system_events (at, actor, kind, detail) VALUES ($1, $2, $3, $4)", conn, tx);
        cmd.Parameters.AddRange(new[] { Time(e.At), Text(e.Actor), Text(e.Kind), Text(e.Detail) });
        return cmd;
    }

    /// <summary>$1..$6 in <see cref="SubscriberRows.Columns"/> order; the key is $1..$3.</summary>
    private static NpgsqlParameter[] SubscriberParameters(SubscriberRecord row) =>
        [Text(row.TokenName), Text(row.ConsumerId), Text(row.Env), Text(row.SpecJson), Time(row.UpdatedAt), Text(row.UpdatedBy)];

    private static async Task<SubscriberRecord?> ReadSubscriberAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadSubscriber(r) : null;
    }

    private static SubscriberRecord ReadSubscriber(NpgsqlDataReader r) => new()
    {
        TokenName = r.GetString(0),
        ConsumerId = r.GetString(1),
        Env = r.GetString(2),
        SpecJson = r.GetString(3),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(4),
        UpdatedBy = r.GetString(5),
    };
}
