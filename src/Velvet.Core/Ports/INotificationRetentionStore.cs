namespace Velvet.Core.Ports;

/// <summary>How old a finished notification must be before a purge removes it.</summary>
/// <param name="DeliveredBefore">Every delivery sent (or none was wanted) and the last one finished before this.</param>
/// <param name="FailedBefore">At least one delivery is dead (failed for good) and the last one finished before this.</param>
public sealed record RetentionCutoffs(DateTimeOffset DeliveredBefore, DateTimeOffset FailedBefore);

/// <summary>What a purge removed (or, for a dry run, would remove): outbox events by class, and their delivery rows.</summary>
public sealed record NotificationPurgeCount(int Delivered, int Failed, int Deliveries)
{
    public static readonly NotificationPurgeCount Zero = new(0, 0, 0);

    /// <summary>Events removed.</summary>
    public int Events => Delivered + Failed;

    public NotificationPurgeCount Plus(NotificationPurgeCount other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Delivered + other.Delivered, Failed + other.Failed, Deliveries + other.Deliveries);
    }
}

/// <summary>The database refused the purge (PostgreSQL: the runtime role has no DELETE on the outbox).</summary>
public sealed class NotificationPurgeRefusedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Retention of the notification outbox (docs/notifications.md). An event is removed with its deliveries once it is
/// finished — fanned out and no delivery pending — and older than its cutoff; an event not fanned out yet or with a
/// delivery still pending or retrying is never removed.
/// </summary>
public interface INotificationRetentionStore
{
    /// <summary>What <see cref="PurgeNotificationsAsync"/> would remove in total, without removing anything.</summary>
    Task<NotificationPurgeCount> CountPurgeableNotificationsAsync(RetentionCutoffs cutoffs, CancellationToken ct);

    /// <summary>Removes up to <paramref name="limit"/> finished events past their cutoff (oldest first) with their deliveries, in one transaction.</summary>
    /// <exception cref="NotificationPurgeRefusedException">The connection may not delete outbox rows.</exception>
    Task<NotificationPurgeCount> PurgeNotificationsAsync(RetentionCutoffs cutoffs, int limit, CancellationToken ct);
}
