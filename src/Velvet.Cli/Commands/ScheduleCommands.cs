using System.CommandLine;
using Microsoft.Extensions.Logging;
using Velvet.Cli.Output;
using Velvet.Core.Ports;
using Velvet.Core.Schedules;
using Velvet.Server.Http;

namespace Velvet.Cli.Commands;

internal static class ScheduleCommands
{
    public static Command Build(CliIO io)
    {
        var list = new Command("list", "Each credential's cadence, auto-advance policy, last rotation and next due time (the server's scheduler starts them)");
        list.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            if (rt.Store is not IScheduleStore slots) { io.Error(rt.Masker, "this store keeps no schedules"); return ExitCodes.Config; }
            var scheduler = new Scheduler(rt.Service, slots, new SchedulerOptions(), TimeProvider.System, rt.LoggerFactory.CreateLogger<Scheduler>());
            var plans = await scheduler.PlanAsync(ct).ConfigureAwait(false);
            var now = TimeProvider.System.GetUtcNow();
            if (parse.GetValue(GlobalOptions.JsonOutput)) io.Out.WriteLine(rt.Masker.Scrub(Json.Serialize(OpsViews.Schedule(plans, now))));
            else OpsRender.Schedule(console, plans, now);
            return ExitCodes.Ok;
        }));
        return new Command("schedule", "Scheduled rotations (manifest schedule + auto_advance)") { list };
    }
}
