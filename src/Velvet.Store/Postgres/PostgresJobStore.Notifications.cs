using Npgsql;
using Velvet.Core.Jobs;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore : INotificationStore
{
    private const string InsertNotificationSql =
        "INSERT INTO notification_events (event_key, kind, job_id, credential_name, env, status, reason, created_at) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_key) DO NOTHING";

    /// <inheritdoc/>
    public Task<bool> EnqueueNotificationAsync(NotificationEvent e, CancellationToken ct)
    {
        NotificationRows.Valid(e);
        return ExecuteAsync(InsertNotificationSql, ct, n => n == 1, () => NotificationParameters(e));
    }

    /// <summary>Added to UpdateJobAsync's batch: the outbox row commits with the transition or not at all.</summary>
    private static void EnqueueTransition(NpgsqlBatch batch, RotationJob stored)
    {
        if (NotificationEvent.ForTransition(stored, stored.UpdatedAt) is not { } e) return;
        var insert = new NpgsqlBatchCommand(InsertNotificationSql);
        insert.Parameters.AddRange(NotificationParameters(e));
        batch.BatchCommands.Add(insert);
    }

    private static NpgsqlParameter[] NotificationParameters(NotificationEvent e) =>
        [Text(e.EventKey), Text(e.Kind), P(e.JobId), Text(e.CredentialName), Text(e.Env), Text(e.Status), Text(e.Reason), Time(e.CreatedAt)];

    /// <inheritdoc/>
    public Task<IReadOnlyList<NotificationEvent>> PendingFanOutAsync(int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ReadListAsync(
            $"SELECT {NotificationRows.EventColumns} FROM notification_events WHERE fanned_out_at IS NULL " +
            $"ORDER BY CASE kind WHEN '{NotificationKinds.RevLeaked}' THEN 0 ELSE 1 END, id LIMIT $1",
            r => new NotificationEvent
            {
                Id = r.GetInt64(0),
                EventKey = r.GetString(1),
                Kind = r.GetString(2),
                JobId = r.IsDBNull(3) ? null : r.GetGuid(3),
                CredentialName = r.GetString(4),
                Env = r.GetString(5),
                Status = r.GetString(6),
                Reason = r.IsDBNull(7) ? null : r.GetString(7),
                CreatedAt = r.GetFieldValue<DateTimeOffset>(8),
            }, ct, P(limit));
    }

    /// <inheritdoc/>
    public Task FanOutAsync(long eventId, IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        return PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            // The row lock queues a second dispatcher fanning out the same event; it then finds it done and adds nothing.
            string? kind;
            await using (var mark = new NpgsqlCommand(
                "UPDATE notification_events SET fanned_out_at = $1 WHERE id = $2 AND fanned_out_at IS NULL RETURNING kind", conn, tx))
            {
                mark.Parameters.Add(Time(now));
                mark.Parameters.Add(P(eventId));
                kind = await mark.ExecuteScalarAsync(ct) as string;
            }
            if (kind is not null && deliveries.Count > 0)
            {
                await using var batch = new NpgsqlBatch(conn, tx);
                foreach (var d in deliveries)
                {
                    var insert = new NpgsqlBatchCommand(
                        "INSERT INTO notification_deliveries (event_id, channel, message_json, state, priority, next_attempt_at, created_at) " +
                        "VALUES ($1, $2, $3, 'pending', $4, $5, $5) ON CONFLICT (event_id, channel) DO NOTHING");
                    insert.Parameters.AddRange(new[] { P(eventId), Text(d.Channel), Text(d.MessageJson), P(NotificationRows.Priority(kind)), Time(now) });
                    batch.BatchCommands.Add(insert);
                }
                await batch.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<NotificationDelivery>> ClaimDeliveriesAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        // SKIP LOCKED: replicas claiming at once take disjoint rows instead of queueing on each other's; once the
        // claim commits, the lease keeps the rows out of every other replica's selection until it expires.
        return ReadListAsync(
            "UPDATE notification_deliveries SET lease_owner = $1, lease_until = $2 WHERE id IN (" +
            "SELECT id FROM notification_deliveries WHERE state = 'pending' AND next_attempt_at <= $3 " +
            $"AND (lease_until IS NULL OR lease_until <= $3) ORDER BY {NotificationRows.DueOrder} LIMIT $4 FOR UPDATE SKIP LOCKED) " +
            $"RETURNING {NotificationRows.DeliveryColumns}",
            r => new NotificationDelivery
            {
                Id = r.GetInt64(0),
                EventId = r.GetInt64(1),
                Channel = r.GetString(2),
                MessageJson = r.GetString(3),
                Attempts = r.GetInt32(4),
                CreatedAt = r.GetFieldValue<DateTimeOffset>(5),
            }, ct, Text(owner), Time(leaseUntil), Time(now), P(limit));
    }

    /// <inheritdoc/>
    public Task<bool> CompleteDeliveryAsync(DeliveryAttempt attempt, CancellationToken ct)
    {
        NotificationRows.Valid(attempt);
        return ExecuteAsync(
            "UPDATE notification_deliveries SET state = $1, attempts = attempts + 1, last_attempt_at = $2, " +
            "sent_at = CASE WHEN $3 THEN $2 ELSE sent_at END, " +
            "last_failed_at = CASE WHEN $3 THEN last_failed_at ELSE $2 END, " +
            "last_error = CASE WHEN $3 THEN last_error ELSE $4 END, " +
            "next_attempt_at = COALESCE($5, next_attempt_at), lease_owner = NULL, lease_until = NULL " +
            "WHERE id = $6 AND lease_owner = $7 AND state = 'pending'",
            ct, n => n == 1, () =>
            [
                Text(NotificationRows.StateAfter(attempt)), Time(attempt.At), P(attempt.Sent), Text(attempt.Error),
                Time(attempt.NextAttemptAt), P(attempt.Id), Text(attempt.Owner),
            ]);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ChannelDeliveryStats>> NotificationStatsAsync(CancellationToken ct) =>
        ReadListAsync(NotificationRows.StatsSql, r => new ChannelDeliveryStats
        {
            Channel = r.GetString(0),
            Pending = (int)r.GetInt64(1),
            Dead = (int)r.GetInt64(2),
            Sent = (int)r.GetInt64(3),
            LastSentAt = r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4),
            LastFailedAt = r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
            LastError = r.IsDBNull(6) ? null : r.GetString(6),
        }, ct);

    private Task<IReadOnlyList<T>> ReadListAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params NpgsqlParameter[] parameters) =>
        PgRetry.RunAsync<IReadOnlyList<T>>(async () =>
        {
            await using var cmd = _data.CreateCommand(sql);
            // Parameters cannot join a second command: a retry gets fresh copies.
            cmd.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var list = new List<T>();
            while (await r.ReadAsync(ct)) list.Add(map(r));
            return list;
        }, ct);
}
