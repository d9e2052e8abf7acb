using Velvet.Core.Notifications;

namespace Velvet.Core.Ports;

/// <summary>One message for one channel, as the dispatcher claims it.</summary>
public sealed record NotificationDelivery
{
    public required long Id { get; init; }
    public required long EventId { get; init; }
    public required string Channel { get; init; }
    /// <summary>The <see cref="NotificationMessage"/> as JSON, rendered once at fan-out so every attempt sends the same thing.</summary>
    public required string MessageJson { get; init; }
    /// <summary>Attempts made before this one.</summary>
    public required int Attempts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A delivery to write at fan-out.</summary>
public sealed record NewDelivery(string Channel, string MessageJson);

/// <summary>How an attempt ended, written by the replica that holds the delivery's lease.</summary>
public sealed record DeliveryAttempt
{
    public required long Id { get; init; }
    public required string Owner { get; init; }
    public required DateTimeOffset At { get; init; }
    /// <summary>Sent: the row is done.</summary>
    public bool Sent { get; init; }
    /// <summary>Failed for good (permanent error or the last attempt): the row becomes dead.</summary>
    public bool Dead { get; init; }
    /// <summary>When a failed, not dead, delivery is tried again.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
    /// <summary>Masked, metadata-only error (status code, Slack error code, SMTP reply code).</summary>
    public string? Error { get; init; }
}

/// <summary>Per channel: what is queued, what gave up, and when it last worked or failed.</summary>
public sealed record ChannelDeliveryStats
{
    public required string Channel { get; init; }
    public int Pending { get; init; }
    public int Dead { get; init; }
    public int Sent { get; init; }
    public DateTimeOffset? LastSentAt { get; init; }
    public DateTimeOffset? LastFailedAt { get; init; }
    public string? LastError { get; init; }

    /// <summary>The latest attempt failed (and nothing was sent since).</summary>
    public bool Failing => LastFailedAt is { } failed && (LastSentAt is not { } sent || failed > sent);
}

/// <summary>
/// The notification outbox. Job transitions that notify are enqueued by the job store itself, in the transaction
/// that makes them (<see cref="NotificationEvent.ForTransition"/>); stuck jobs through <see cref="EnqueueNotificationAsync"/>.
/// A dispatcher fans each event out into one delivery per channel, then claims deliveries with a lease (like a job's),
/// so among several replicas exactly one sends each message.
/// </summary>
public interface INotificationStore
{
    /// <summary>Stores the event unless one with the same key exists; true when it was new.</summary>
    Task<bool> EnqueueNotificationAsync(NotificationEvent e, CancellationToken ct);

    /// <summary>Events not fanned out yet, oldest first (SEV1 first).</summary>
    Task<IReadOnlyList<NotificationEvent>> PendingFanOutAsync(int limit, CancellationToken ct);

    /// <summary>Writes the event's deliveries (a channel that has one already is left alone) and marks it fanned out, in one transaction.</summary>
    Task FanOutAsync(long eventId, IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now, CancellationToken ct);

    /// <summary>Leases up to <paramref name="limit"/> pending deliveries that are due and not leased by a live owner.</summary>
    Task<IReadOnlyList<NotificationDelivery>> ClaimDeliveriesAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct);

    /// <summary>Records an attempt and frees the lease; false (nothing written) when <see cref="DeliveryAttempt.Owner"/> no longer holds it.</summary>
    Task<bool> CompleteDeliveryAsync(DeliveryAttempt attempt, CancellationToken ct);

    /// <summary>One row per channel that has deliveries, by name.</summary>
    Task<IReadOnlyList<ChannelDeliveryStats>> NotificationStatsAsync(CancellationToken ct);
}
