using Velvet.Core.Notifications;
using Velvet.Core.Ports;

namespace Velvet.Store.Common;

/// <summary>Column lists and checks shared by both stores' notification outbox.</summary>
internal static class NotificationRows
{
    public const string EventColumns = "id, event_key, kind, job_id, credential_name, env, status, reason, created_at";
    public const string DeliveryColumns = "id, event_id, channel, message_json, attempts, created_at";

    /// <summary>Order in which pending work is taken: SEV1 first, then oldest.</summary>
    public const string DueOrder = "priority, next_attempt_at, id";

    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Dead = "dead";

    /// <summary>0 for SEV1 (rev_leaked), 1 for the rest.</summary>
    public static int Priority(string kind) => NotificationKinds.IsSev1(kind) ? 0 : 1;

    public static void Valid(NotificationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentException.ThrowIfNullOrWhiteSpace(e.EventKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(e.Kind);
    }

    public static void Valid(DeliveryAttempt a)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentException.ThrowIfNullOrWhiteSpace(a.Owner);
        if (!a.Sent && !a.Dead && a.NextAttemptAt is null)
            throw new ArgumentException("a failed attempt that is not dead needs NextAttemptAt", nameof(a));
    }

    /// <summary>The new state of a delivery after <paramref name="a"/>.</summary>
    public static string StateAfter(DeliveryAttempt a) => a.Sent ? Sent : a.Dead ? Dead : Pending;

    /// <summary>Per channel counts and times; the last error is the newest failed row's.</summary>
    public const string StatsSql =
        "SELECT channel, " +
        "SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), " +
        "SUM(CASE WHEN state = 'sent' THEN 1 ELSE 0 END), MAX(sent_at), MAX(last_failed_at), " +
        "(SELECT d2.last_error FROM notification_deliveries d2 WHERE d2.channel = d.channel AND d2.last_failed_at IS NOT NULL " +
        "ORDER BY d2.last_failed_at DESC, d2.id DESC LIMIT 1) " +
        "FROM notification_deliveries d GROUP BY channel ORDER BY channel";
}
