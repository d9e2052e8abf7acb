using System.Globalization;

namespace Velvet.Store.Common;

/// <summary>
/// The outbox events a purge may remove, shared by both stores. Placeholders: {0} the delivered cutoff, {1} the failed
/// cutoff. An event qualifies once it is fanned out, has no pending (or retrying) delivery, and its last delivery
/// attempt (or, with no delivery, its fan-out) is older than the cutoff of its class: failed when a delivery is dead.
/// Columns: id, failed (0/1), delivery rows.
/// </summary>
internal static class NotificationRetentionRows
{
    private const string Dead = "EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.event_id = e.id AND d.state = 'dead')";

    private const string Candidates =
        "SELECT e.id, CASE WHEN " + Dead + " THEN 1 ELSE 0 END AS failed, " +
        "(SELECT COUNT(*) FROM notification_deliveries d WHERE d.event_id = e.id) AS deliveries " +
        "FROM notification_events e WHERE e.fanned_out_at IS NOT NULL " +
        "AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.event_id = e.id AND d.state = 'pending') " +
        "AND COALESCE((SELECT MAX(d.last_attempt_at) FROM notification_deliveries d WHERE d.event_id = e.id), e.fanned_out_at) " +
        "< CASE WHEN " + Dead + " THEN {1} ELSE {0} END";

    /// <summary>The oldest <c>{2}</c> candidates.</summary>
    public static string Batch(string delivered, string failed, string limit) =>
        string.Format(CultureInfo.InvariantCulture, Candidates + " ORDER BY e.id LIMIT {2}", delivered, failed, limit);

    /// <summary>Totals of every candidate: delivered events, failed events, delivery rows.</summary>
    public static string Count(string delivered, string failed) =>
        "SELECT COALESCE(SUM(1 - failed), 0), COALESCE(SUM(failed), 0), COALESCE(SUM(deliveries), 0) FROM (" +
        string.Format(CultureInfo.InvariantCulture, Candidates, delivered, failed) + ") c";
}
