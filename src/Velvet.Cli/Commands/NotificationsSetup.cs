using Microsoft.Extensions.Logging;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Vendors.Local;
using Velvet.Vendors.Notifications;

namespace Velvet.Cli.Commands;

/// <summary>Builds the notification channels and dispatcher from the manifest's notifications: section.</summary>
internal static class NotificationsSetup
{
    /// <summary>One client for every HTTP channel of the process; each send is bounded by the dispatcher's timeout.</summary>
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public static IReadOnlyList<INotificationChannel> Channels(VelvetRuntime rt) =>
        NotificationChannels.CreateAll(rt.Manifest.Notifications, Secrets(rt), Http, TimeProvider.System);

    public static ISecretSource Secrets(VelvetRuntime rt) => rt.Secrets ?? new EnvSecretSource(masker: rt.Masker);

    /// <summary>Null when the store keeps no outbox; a dispatcher with no channels still drains events (so none pile up).</summary>
    public static NotificationDispatcher? Dispatcher(VelvetRuntime rt)
    {
        if (rt.Store is not INotificationStore outbox) return null;
        var options = new DispatcherOptions
        {
            Owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}",
            MaxAttempts = rt.Manifest.Notifications.MaxAttempts,
        };
        return new NotificationDispatcher(outbox, rt.Store, Channels(rt), rt.Masker, options, TimeProvider.System,
            rt.LoggerFactory.CreateLogger<NotificationDispatcher>());
    }
}
