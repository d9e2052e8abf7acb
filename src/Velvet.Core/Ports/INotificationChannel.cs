using Velvet.Core.Notifications;

namespace Velvet.Core.Ports;

/// <summary>
/// One configured place messages go (Slack, email, webhook). Send classifies its failure at the adapter
/// (CONVENTIONS): <see cref="OutcomeKind.Transient"/> is retried with backoff (honouring <see cref="Outcome.RetryAfter"/>),
/// <see cref="OutcomeKind.Permanent"/> makes the message dead at once. Outcome messages carry no secret.
/// </summary>
public interface INotificationChannel
{
    string Name { get; }

    ChannelSpec Spec { get; }

    Task<Outcome> SendAsync(NotificationMessage message, CancellationToken ct);
}
