using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;

namespace Velvet.Server;

/// <summary>
/// velvet_jobs{status}: unfinished jobs by status, refreshed from the store every 15 s (a gauge callback must not
/// query a database on every scrape).
/// </summary>
internal sealed class JobStatusGauge : BackgroundService
{
    private static readonly Meter Meter = new(VelvetMetrics.MeterName);
    private readonly ServerServices _services;
    private volatile IReadOnlyDictionary<string, int> _counts = new Dictionary<string, int>();

    public JobStatusGauge(ServerServices services)
    {
        _services = services;
        Meter.CreateObservableGauge("velvet_jobs", () => _counts.Select(kv => new Measurement<int>(kv.Value, new KeyValuePair<string, object?>("status", kv.Key))),
            description: "Unfinished jobs by status");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), _services.Time);
        do
        {
            try
            {
                var jobs = await _services.Store.ListJobsAsync(new JobQuery { NonTerminalOnly = true, Limit = 10_000 }, stoppingToken).ConfigureAwait(false);
                _counts = jobs.GroupBy(j => j.Status.Name()).ToDictionary(g => g.Key, g => g.Count());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The readiness endpoint reports store trouble; the gauge keeps its last counts.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
