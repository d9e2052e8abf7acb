using Microsoft.Extensions.Logging.Abstractions;
using Velvet.Core.Jobs;
using Velvet.Core.Ports;
using Velvet.Core.Schedules;

namespace Velvet.Server.WebConsole;

/// <summary>Reads the console's pages share.</summary>
internal static class ConsoleData
{
    /// <summary>Jobs of one credential in this env, newest first.</summary>
    public static async Task<IReadOnlyList<RotationJob>> JobsOfAsync(ServerServices s, string credential, int limit, CancellationToken ct) =>
        (await s.Store.ListJobsAsync(new JobQuery { CredentialName = credential, Limit = limit }, ct).ConfigureAwait(false))
            .Where(j => j.Env == s.Env).ToList();

    /// <summary>The scheduler's own plan of this env (next due for `every` and cron alike), by credential; empty without a schedule store.</summary>
    public static async Task<IReadOnlyDictionary<string, SchedulePlan>> SchedulesAsync(ServerServices s, CancellationToken ct)
    {
        if (s.Store is not IScheduleStore slots) return new Dictionary<string, SchedulePlan>();
        var plans = await new Scheduler(s.Service, slots, s.Schedules, s.Time, NullLogger<Scheduler>.Instance).PlanAsync(ct).ConfigureAwait(false);
        return plans.ToDictionary(p => p.TokenName, StringComparer.Ordinal);
    }
}
