using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Velvet.Core.Ports;
using Velvet.Core.Schedules;

namespace Velvet.Server;

/// <summary>Runs the scheduler beside the worker (SPEC §8): every replica runs it, the store's slot claim picks one per due time.</summary>
internal sealed class SchedulerService(ServerServices services, ILogger<Scheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.Store is not IScheduleStore slots) return;
        var scheduler = new Scheduler(services.Service, slots, services.Schedules, services.Time, logger);
        try { await scheduler.RunAsync(stoppingToken).ConfigureAwait(false); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
