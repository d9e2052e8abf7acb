using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;

namespace Velvet.Server;

/// <summary>
/// Runs the notification dispatcher beside the engine's worker; every replica runs one, the outbox leases decide who
/// sends. Beside it, the hourly retention purge of finished notifications (docs/notifications.md).
/// </summary>
internal sealed class NotificationService(ServerServices services, ILogger<NotificationRetention> retentionLogger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.Notifier is not { } dispatcher) return;
        var retention = services.Store is INotificationRetentionStore store
            ? new NotificationRetention(store, services.Manifest.Notifications, services.Masker, services.Time, retentionLogger).RunAsync(stoppingToken)
            : Task.CompletedTask;
        try { await Task.WhenAll(dispatcher.RunAsync(stoppingToken), retention).ConfigureAwait(false); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
