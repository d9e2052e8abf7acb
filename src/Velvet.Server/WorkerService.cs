using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Velvet.Core.Engine;

namespace Velvet.Server;

/// <summary>Runs the engine's worker inside the server: resumes unfinished jobs at start, then follows every change.</summary>
internal sealed class WorkerService(ServerServices services, ILogger<JobWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var worker = new JobWorker(services.Service, services.Runner, logger, services.Time, services.WorkerPollInterval);
        try { await worker.RunAsync(stoppingToken).ConfigureAwait(false); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
