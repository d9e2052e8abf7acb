using System.CommandLine;
using System.Text.Json;
using Velvet.Cli.Output;
using Velvet.Core.Health;
using Velvet.Core.Ports;
using Velvet.Server.Http;
using Velvet.Vendors;

namespace Velvet.Cli.Commands;

internal static class HealthCommand
{
    /// <summary>System event kind recorded when a check finds a STALE credential (the notification hook).</summary>
    public const string StaleEvent = "velvet.health.stale";

    public static Command Build(CliIO io)
    {
        var interval = new Option<int>("--min-interval-ms") { Description = "Pause between two calls to the same vendor or consumer kind (one call at a time per kind)", DefaultValueFactory = _ => 1000 };
        var command = new Command("health", "Probe every credential (vendor verify) and consumer (healthcheck or read-back): VALID / STALE / PARTIAL with the reason; exit 3 when any is STALE") { interval };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var ms = parse.GetValue(interval);
            if (ms is < 0 or > 60_000) { io.Error(rt.Masker, "--min-interval-ms must be between 0 and 60000"); return ExitCodes.Usage; }
            var prober = new HealthProber(rt.Service.Bindings, rt.Secrets, rt.Masker, new ConsumerTargets(),
                new HealthOptions { MinInterval = TimeSpan.FromMilliseconds(ms) }, TimeProvider.System);
            var report = await prober.CheckAsync(rt.Env, ct).ConfigureAwait(false);
            if (parse.GetValue(GlobalOptions.JsonOutput)) io.Out.WriteLine(rt.Masker.Scrub(Json.Serialize(OpsViews.Health(report))));
            else OpsRender.Health(console, report);
            if (!report.AnyStale) return ExitCodes.Ok;
            if (rt.Store is ISubscriberStore audit)
            {
                var stale = report.Credentials.Where(c => c.Status == HealthStatus.Stale).Select(c => new { token_name = c.TokenName, notes = c.Notes });
                await audit.AppendSystemEventAsync(new SystemEvent
                {
                    At = report.CheckedAt, Actor = rt.Actor, Kind = StaleEvent,
                    Detail = rt.Masker.Scrub(JsonSerializer.Serialize(new { env = rt.Env, stale })),
                }, ct).ConfigureAwait(false);
            }
            return ExitCodes.CheckFailed;
        }));
        return command;
    }
}
