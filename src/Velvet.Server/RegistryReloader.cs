using Microsoft.Extensions.Hosting;

namespace Velvet.Server;

/// <summary>Picks up subscriber changes another replica made (the table's version changed).</summary>
internal sealed class RegistryReloader(ServerServices services) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.Registry is null) return;
        using var timer = new PeriodicTimer(services.RegistryPollInterval, services.Time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try { await services.Registry.ReloadIfChangedAsync(stoppingToken).ConfigureAwait(false); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep serving with the last loaded subscribers; /readyz reports store trouble.
            }
        }
    }
}
