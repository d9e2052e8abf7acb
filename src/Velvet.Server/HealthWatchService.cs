using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Velvet.Core.Health;
using Velvet.Core.Ports;

namespace Velvet.Server;

/// <summary>
/// Runs the credential health watch when the manifest turns it on (<c>notifications: health: { interval: 6h }</c>):
/// every replica runs it, the interval's slot claim picks the one that probes (docs/operations.md).
/// </summary>
internal sealed class HealthWatchService(ServerServices services, ILogger<HealthWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.Manifest.Notifications.HealthWatchInterval is not { } interval) return;
        if (services.Store is not IScheduleStore slots || services.Store is not INotificationStore outbox) return;
        var prober = new HealthProber(services.Service.Bindings, services.Runner.Secrets, services.Masker, services.Targets, new HealthOptions(), services.Time);
        var watch = new HealthWatch(prober, services.Env, slots, outbox,
            new HealthWatchOptions { Interval = interval, Owner = services.Service.Options.InstanceId }, services.Time, logger);
        try { await watch.RunAsync(stoppingToken).ConfigureAwait(false); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
