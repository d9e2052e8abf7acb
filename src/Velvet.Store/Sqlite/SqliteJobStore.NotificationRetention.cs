using System.Globalization;
using Velvet.Core.Ports;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

public sealed partial class SqliteJobStore : INotificationRetentionStore
{
    /// <inheritdoc/>
    public Task<NotificationPurgeCount> CountPurgeableNotificationsAsync(RetentionCutoffs cutoffs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        return Task.FromResult(Query(NotificationRetentionRows.Count("$delivered", "$failed"), c => BindCutoffs(c, cutoffs),
            r => new NotificationPurgeCount(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2)), ct)[0]);
    }

    /// <inheritdoc/>
    public Task<NotificationPurgeCount> PurgeNotificationsAsync(RetentionCutoffs cutoffs, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        // One IMMEDIATE transaction: no delivery can change state between the choice and the delete.
        return WriteAsync((w, tx) =>
        {
            var victims = new List<(long Id, bool Failed, int Deliveries)>();
            using (var select = w.Create(tx, NotificationRetentionRows.Batch("$delivered", "$failed", "$limit")))
            {
                BindCutoffs(select, cutoffs);
                select.Parameters.AddWithValue("$limit", limit);
                using var r = select.ExecuteReader();
                while (r.Read()) victims.Add((r.GetInt64(0), r.GetInt64(1) == 1, r.GetInt32(2)));
            }
            if (victims.Count == 0) return NotificationPurgeCount.Zero;
            // Store-assigned integers, so inlining them is safe; deliveries first (their foreign key points at the event).
            var ids = string.Join(",", victims.Select(v => v.Id.ToString(CultureInfo.InvariantCulture)));
            using (var deliveries = w.Create(tx, $"DELETE FROM notification_deliveries WHERE event_id IN ({ids})")) deliveries.ExecuteNonQuery();
            using (var events = w.Create(tx, $"DELETE FROM notification_events WHERE id IN ({ids})")) events.ExecuteNonQuery();
            return new NotificationPurgeCount(victims.Count(v => !v.Failed), victims.Count(v => v.Failed), victims.Sum(v => v.Deliveries));
        }, ct);
    }

    private static void BindCutoffs(Microsoft.Data.Sqlite.SqliteCommand cmd, RetentionCutoffs cutoffs)
    {
        cmd.Parameters.AddWithValue("$delivered", Time(cutoffs.DeliveredBefore));
        cmd.Parameters.AddWithValue("$failed", Time(cutoffs.FailedBefore));
    }
}
