using Microsoft.Data.Sqlite;
using Velvet.Core.Ports;
using Velvet.Core.Results;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

public sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    /// <remarks>An empty <paramref name="rows"/> seeds nothing: false, and no audit row.</remarks>
    public Task<bool> SeedSubscribersAsync(IReadOnlyList<SubscriberRecord> rows, SystemEvent audit, CancellationToken ct)
    {
        SubscriberRows.ValidSeed(rows, audit);
        if (rows.Count == 0) return Task.FromResult(false);
        // The IMMEDIATE transaction holds the file's write lock from the emptiness check to the commit, so of two
        // seeders (in this process or another) the second finds the rows of the first.
        return WriteAsync((w, tx) =>
        {
            using (var any = w.Create(tx, "SELECT EXISTS (SELECT 1 FROM subscribers)"))
            {
                if (any.ExecuteScalar() is 1L) return false;
            }
            foreach (var row in rows) InsertSubscriber(w, tx, row, ifAbsent: false);
            BumpVersion(w, tx);
            InsertSystemEvent(w, tx, audit);
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<SubscriberRecord>> ListSubscribersAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SubscriberRecord>>(Query(
            $"SELECT {SubscriberRows.Columns} FROM subscribers {SubscriberRows.OrderBy}", _ => { }, ReadSubscriber, ct));

    /// <inheritdoc/>
    public Task<Result<SubscriberRecord>> AddSubscriberAsync(SubscriberRecord row, SystemEvent audit, CancellationToken ct)
    {
        SubscriberRows.Valid(row);
        SubscriberRows.Valid(audit);
        return WriteAsync((w, tx) =>
        {
            if (!InsertSubscriber(w, tx, row, ifAbsent: true)) return Result<SubscriberRecord>.Fail(SubscriberRows.Exists(row));
            BumpVersion(w, tx);
            InsertSystemEvent(w, tx, audit);
            return Result<SubscriberRecord>.Ok(SelectSubscriber(w, tx, row));
        }, ct);
    }

    /// <inheritdoc/>
    public Task<Result<SubscriberRecord>> UpdateSubscriberAsync(SubscriberRecord row, SystemEvent audit, CancellationToken ct)
    {
        SubscriberRows.Valid(row);
        SubscriberRows.Valid(audit);
        return WriteAsync((w, tx) =>
        {
            using (var update = w.Create(tx,
                "UPDATE subscribers SET spec_json = $spec, updated_at = $at, updated_by = $by " +
                "WHERE token_name = $token AND consumer_id = $consumer AND env = $env"))
            {
                BindSubscriber(update, row);
                if (update.ExecuteNonQuery() == 0) return Result<SubscriberRecord>.Fail(SubscriberRows.Missing(row));
            }
            BumpVersion(w, tx);
            InsertSystemEvent(w, tx, audit);
            return Result<SubscriberRecord>.Ok(SelectSubscriber(w, tx, row));
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteSubscriberAsync(string tokenName, string consumerId, string env, SystemEvent audit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokenName);
        ArgumentNullException.ThrowIfNull(consumerId);
        ArgumentNullException.ThrowIfNull(env);
        SubscriberRows.Valid(audit);
        return WriteAsync((w, tx) =>
        {
            using (var delete = w.Create(tx, "DELETE FROM subscribers WHERE token_name = $token AND consumer_id = $consumer AND env = $env"))
            {
                delete.Parameters.AddWithValue("$token", tokenName);
                delete.Parameters.AddWithValue("$consumer", consumerId);
                delete.Parameters.AddWithValue("$env", env);
                if (delete.ExecuteNonQuery() == 0) return false;
            }
            BumpVersion(w, tx);
            InsertSystemEvent(w, tx, audit);
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<long> SubscribersVersionAsync(CancellationToken ct) =>
        Task.FromResult(Query("SELECT version FROM subscribers_version WHERE id = 1", _ => { }, r => r.GetInt64(0), ct).Single());

    /// <inheritdoc/>
    public Task AppendSystemEventAsync(SystemEvent audit, CancellationToken ct)
    {
        SubscriberRows.Valid(audit);
        return WriteAsync((w, tx) =>
        {
            InsertSystemEvent(w, tx, audit);
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<SystemEvent>> ListSystemEventsAsync(int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return Task.FromResult<IReadOnlyList<SystemEvent>>(Query(
            $"SELECT {SubscriberRows.EventColumns} FROM system_events ORDER BY seq DESC LIMIT $limit",
            c => c.Parameters.AddWithValue("$limit", limit), ReadSystemEvent, ct));
    }

    /// <summary>False when <paramref name="ifAbsent"/> and the key is taken (nothing written).</summary>
    private static bool InsertSubscriber(SqliteWriteCommands w, SqliteTransaction tx, SubscriberRecord row, bool ifAbsent)
    {
        using var insert = w.Create(tx,
            $"INSERT INTO subscribers ({SubscriberRows.Columns}) VALUES ($token, $consumer, $env, $spec, $at, $by)" +
            (ifAbsent ? " ON CONFLICT (token_name, consumer_id, env) DO NOTHING" : ""));
        BindSubscriber(insert, row);
        return insert.ExecuteNonQuery() == 1;
    }

    private static SubscriberRecord SelectSubscriber(SqliteWriteCommands w, SqliteTransaction tx, SubscriberRecord row)
    {
        using var select = w.Create(tx,
            $"SELECT {SubscriberRows.Columns} FROM subscribers WHERE token_name = $token AND consumer_id = $consumer AND env = $env");
        select.Parameters.AddWithValue("$token", row.TokenName);
        select.Parameters.AddWithValue("$consumer", row.ConsumerId);
        select.Parameters.AddWithValue("$env", row.Env);
        using var r = select.ExecuteReader();
        return r.Read() ? ReadSubscriber(r)
            : throw new InvalidOperationException($"subscriber '{row.ConsumerId}' of '{row.TokenName}' vanished inside its own transaction");
    }

    private static void BindSubscriber(SqliteCommand cmd, SubscriberRecord row)
    {
        cmd.Parameters.AddWithValue("$token", row.TokenName);
        cmd.Parameters.AddWithValue("$consumer", row.ConsumerId);
        cmd.Parameters.AddWithValue("$env", row.Env);
        cmd.Parameters.AddWithValue("$spec", row.SpecJson);
        cmd.Parameters.AddWithValue("$at", Time(row.UpdatedAt));
        cmd.Parameters.AddWithValue("$by", row.UpdatedBy);
    }

    private static void BumpVersion(SqliteWriteCommands w, SqliteTransaction tx)
    {
        using var bump = w.Create(tx, "UPDATE subscribers_version SET version = version + 1 WHERE id = 1");
        if (bump.ExecuteNonQuery() != 1) throw new InvalidOperationException("the subscribers_version row is missing; was migration 0003_subscribers.sql altered?");
    }

    private static void InsertSystemEvent(SqliteWriteCommands w, SqliteTransaction tx, SystemEvent e)
    {
        using var insert = w.Create(tx, "INSERT INTO system_events (at, actor, kind, detail) VALUES ($at, $actor, $kind, $detail)");
        insert.Parameters.AddWithValue("$at", Time(e.At));
        insert.Parameters.AddWithValue("$actor", e.Actor);
        insert.Parameters.AddWithValue("$kind", e.Kind);
        insert.Parameters.AddWithValue("$detail", e.Detail);
        insert.ExecuteNonQuery();
    }

    private static SubscriberRecord ReadSubscriber(SqliteDataReader r) => new()
    {
        TokenName = r.GetString(0),
        ConsumerId = r.GetString(1),
        Env = r.GetString(2),
        SpecJson = r.GetString(3),
        UpdatedAt = ParseTime(r.GetString(4)),
        UpdatedBy = r.GetString(5),
    };

    private static SystemEvent ReadSystemEvent(SqliteDataReader r) => new()
    {
        Seq = r.GetInt64(0),
        At = ParseTime(r.GetString(1)),
        Actor = r.GetString(2),
        Kind = r.GetString(3),
        Detail = r.GetString(4),
    };
}
