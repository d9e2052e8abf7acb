using Velvet.Core.Notifications;
using Velvet.Core.Ports;

namespace Velvet.Vendors.Notifications;

/// <summary>Builds the channels the manifest's <c>notifications:</c> section configures.</summary>
public static class NotificationChannels
{
    /// <param name="secrets">Where <c>*_secret</c> settings are read at send time (VELVET_SECRET_NAME, or the vault).</param>
    /// <param name="http">Shared by the HTTP channels; the dispatcher's token bounds each send.</param>
    public static INotificationChannel Create(ChannelSpec spec, ISecretSource secrets, HttpClient http, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind switch
        {
            ChannelKinds.SlackWebhook => new SlackWebhookChannel(spec, secrets, http, time),
            ChannelKinds.SlackChat => new SlackChatChannel(spec, secrets, http, time),
            ChannelKinds.Webhook => new WebhookChannel(spec, secrets, http, time),
            ChannelKinds.Email => new EmailChannel(spec, secrets),
            _ => throw new ArgumentException($"channel {spec.Name}: unknown kind '{spec.Kind}' (expected {string.Join(", ", ChannelKinds.All)})", nameof(spec)),
        };
    }

    public static IReadOnlyList<INotificationChannel> CreateAll(NotificationSettings settings, ISecretSource secrets, HttpClient http, TimeProvider time) =>
        settings.Channels.Select(c => Create(c, secrets, http, time)).ToList();
}
