using Microsoft.Extensions.Hosting;

namespace Velvet.Server;

/// <summary>Runs the notification dispatcher beside the engine's worker; every replica runs one, the outbox leases decide who sends.</summary>
internal sealed class NotificationService(ServerServices services) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.Notifier is not { } dispatcher) return;
        try { await dispatcher.RunAsync(stoppingToken).ConfigureAwait(false); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
