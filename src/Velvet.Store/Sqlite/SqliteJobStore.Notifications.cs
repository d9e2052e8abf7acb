using Microsoft.Data.Sqlite;
using Velvet.Core.Jobs;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

public sealed partial class SqliteJobStore : INotificationStore
{
    /// <inheritdoc/>
    public Task<bool> EnqueueNotificationAsync(NotificationEvent e, CancellationToken ct)
    {
        NotificationRows.Valid(e);
        return WriteAsync((w, tx) => InsertNotification(w, tx, e), ct);
    }

    /// <summary>Called by UpdateJobAsync inside its transaction: the outbox row commits with the transition or not at all.</summary>
    private static void EnqueueTransition(SqliteWriteCommands w, SqliteTransaction tx, RotationJob stored)
    {
        if (NotificationEvent.ForTransition(stored, stored.UpdatedAt) is { } e) InsertNotification(w, tx, e);
    }

    private static bool InsertNotification(SqliteWriteCommands w, SqliteTransaction tx, NotificationEvent e)
    {
        using var cmd = w.Create(tx,
            "INSERT INTO notification_events (event_key, kind, job_id, credential_name, env, status, reason, created_at) " +
            "VALUES ($key, $kind, $job, $cred, $env, $status, $reason, $at) ON CONFLICT (event_key) DO NOTHING");
        cmd.Parameters.AddWithValue("$key", e.EventKey);
        cmd.Parameters.AddWithValue("$kind", e.Kind);
        cmd.Parameters.AddWithValue("$job", e.JobId is { } job ? Id(job) : DBNull.Value);
        cmd.Parameters.AddWithValue("$cred", e.CredentialName);
        cmd.Parameters.AddWithValue("$env", e.Env);
        cmd.Parameters.AddWithValue("$status", e.Status);
        cmd.Parameters.AddWithValue("$reason", OrNull(e.Reason));
        cmd.Parameters.AddWithValue("$at", Time(e.CreatedAt));
        return cmd.ExecuteNonQuery() == 1;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<NotificationEvent>> PendingFanOutAsync(int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return Task.FromResult<IReadOnlyList<NotificationEvent>>(Query(
            $"SELECT {NotificationRows.EventColumns} FROM notification_events WHERE fanned_out_at IS NULL " +
            $"ORDER BY CASE kind WHEN '{NotificationKinds.RevLeaked}' THEN 0 ELSE 1 END, id LIMIT $limit",
            c => c.Parameters.AddWithValue("$limit", limit), ReadNotificationEvent, ct));
    }

    /// <inheritdoc/>
    public Task FanOutAsync(long eventId, IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        return WriteAsync((w, tx) =>
        {
            string kind;
            using (var mark = w.Create(tx, "UPDATE notification_events SET fanned_out_at = $at WHERE id = $id AND fanned_out_at IS NULL RETURNING kind"))
            {
                mark.Parameters.AddWithValue("$at", Time(now));
                mark.Parameters.AddWithValue("$id", eventId);
                // Another dispatcher fanned it out first (or it is gone): nothing to add.
                if (mark.ExecuteScalar() is not string k) return false;
                kind = k;
            }
            foreach (var d in deliveries)
            {
                using var insert = w.Create(tx,
                    "INSERT INTO notification_deliveries (event_id, channel, message_json, state, priority, next_attempt_at, created_at) " +
                    "VALUES ($event, $channel, $message, 'pending', $priority, $at, $at) ON CONFLICT (event_id, channel) DO NOTHING");
                insert.Parameters.AddWithValue("$event", eventId);
                insert.Parameters.AddWithValue("$channel", d.Channel);
                insert.Parameters.AddWithValue("$message", d.MessageJson);
                insert.Parameters.AddWithValue("$priority", NotificationRows.Priority(kind));
                insert.Parameters.AddWithValue("$at", Time(now));
                insert.ExecuteNonQuery();
            }
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<NotificationDelivery>> ClaimDeliveriesAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        // The single writer (and, across processes, the IMMEDIATE transaction's file lock) makes select-and-lease atomic.
        return WriteAsync<IReadOnlyList<NotificationDelivery>>((w, tx) =>
        {
            using var cmd = w.Create(tx,
                "UPDATE notification_deliveries SET lease_owner = $owner, lease_until = $until WHERE id IN (" +
                "SELECT id FROM notification_deliveries WHERE state = 'pending' AND next_attempt_at <= $now " +
                $"AND (lease_until IS NULL OR lease_until <= $now) ORDER BY {NotificationRows.DueOrder} LIMIT $limit) " +
                $"RETURNING {NotificationRows.DeliveryColumns}");
            cmd.Parameters.AddWithValue("$owner", owner);
            cmd.Parameters.AddWithValue("$until", Time(leaseUntil));
            cmd.Parameters.AddWithValue("$now", Time(now));
            cmd.Parameters.AddWithValue("$limit", limit);
            using var r = cmd.ExecuteReader();
            var list = new List<NotificationDelivery>();
            while (r.Read()) list.Add(ReadDelivery(r));
            return list;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> CompleteDeliveryAsync(DeliveryAttempt attempt, CancellationToken ct)
    {
        NotificationRows.Valid(attempt);
        return WriteAsync((w, tx) =>
        {
            using var cmd = w.Create(tx,
                "UPDATE notification_deliveries SET state = $state, attempts = attempts + 1, last_attempt_at = $at, " +
                "sent_at = CASE WHEN $sent = 1 THEN $at ELSE sent_at END, " +
                "last_failed_at = CASE WHEN $sent = 1 THEN last_failed_at ELSE $at END, " +
                "last_error = CASE WHEN $sent = 1 THEN last_error ELSE $error END, " +
                "next_attempt_at = COALESCE($next, next_attempt_at), lease_owner = NULL, lease_until = NULL " +
                "WHERE id = $id AND lease_owner = $owner AND state = 'pending'");
            cmd.Parameters.AddWithValue("$state", NotificationRows.StateAfter(attempt));
            cmd.Parameters.AddWithValue("$at", Time(attempt.At));
            cmd.Parameters.AddWithValue("$sent", attempt.Sent ? 1 : 0);
            cmd.Parameters.AddWithValue("$error", OrNull(attempt.Error));
            cmd.Parameters.AddWithValue("$next", TimeOrNull(attempt.NextAttemptAt));
            cmd.Parameters.AddWithValue("$id", attempt.Id);
            cmd.Parameters.AddWithValue("$owner", attempt.Owner);
            return cmd.ExecuteNonQuery() == 1;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ChannelDeliveryStats>> NotificationStatsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ChannelDeliveryStats>>(Query(NotificationRows.StatsSql, _ => { }, r => new ChannelDeliveryStats
        {
            Channel = r.GetString(0),
            Pending = r.GetInt32(1),
            Dead = r.GetInt32(2),
            Sent = r.GetInt32(3),
            LastSentAt = r.IsDBNull(4) ? null : ParseTime(r.GetString(4)),
            LastFailedAt = r.IsDBNull(5) ? null : ParseTime(r.GetString(5)),
            LastError = r.IsDBNull(6) ? null : r.GetString(6),
        }, ct));

    private static NotificationEvent ReadNotificationEvent(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        EventKey = r.GetString(1),
        Kind = r.GetString(2),
        JobId = r.IsDBNull(3) ? null : Guid.Parse(r.GetString(3)),
        CredentialName = r.GetString(4),
        Env = r.GetString(5),
        Status = r.GetString(6),
        Reason = r.IsDBNull(7) ? null : r.GetString(7),
        CreatedAt = ParseTime(r.GetString(8)),
    };

    private static NotificationDelivery ReadDelivery(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        EventId = r.GetInt64(1),
        Channel = r.GetString(2),
        MessageJson = r.GetString(3),
        Attempts = r.GetInt32(4),
        CreatedAt = ParseTime(r.GetString(5)),
    };
}
