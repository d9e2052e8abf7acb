using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Velvet.Core.Engine;
using Velvet.Core.Ports;

namespace Velvet.Server;

/// <summary>Advances staged rotation plans every minute (soak healthchecks, finished stages); a blocked plan is logged for the notifier.</summary>
internal sealed partial class PlanWorkerService(ServerServices services, ILogger<PlanWorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.Store is not IPlanStore plans) return;
        var planner = new PlanService(plans, services.Service, services.Runner.Secrets, services.Masker, services.Time);
        planner.PlanBlocked += p => Blocked(logger, p.PlanId, p.CredentialName, services.Masker.Scrub(p.BlockedReason ?? ""));
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await planner.TickAsync(stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex) when (ex is not OperationCanceledException) { TickFailed(logger, ex.GetType().Name); }
            try { await Task.Delay(planner.CheckEvery, services.Time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    [LoggerMessage(3101, LogLevel.Warning, "plan_id={PlanId} credential={Credential} blocked: {Reason}")]
    private static partial void Blocked(ILogger logger, Guid planId, string credential, string reason);

    [LoggerMessage(3102, LogLevel.Error, "plan worker round failed: {Error}")]
    private static partial void TickFailed(ILogger logger, string error);
}
