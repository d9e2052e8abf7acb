using System.CommandLine;
using Velvet.Core.Ports;
using Velvet.Core.Reports;
using Velvet.Core.Schedules;
using Velvet.Vendors;

namespace Velvet.Cli.Commands;

internal static class ReportCommand
{
    public static Command Build(CliIO io)
    {
        var since = new Option<string>("--since") { Description = "How far back: a period such as 24h, 7d or 90m", DefaultValueFactory = _ => "24h" };
        var command = new Command("report", "Markdown session report: jobs with outcome, what needs an operator, what is blocked and why, where values were written") { since };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var text = parse.GetValue(since)!;
            if (!Cadence.TryParsePeriod(text, out var window))
            {
                io.Error(rt.Masker, $"--since \"{text}\" is not a period: write a whole number followed by d, h or m, e.g. 24h or 7d");
                return ExitCodes.Usage;
            }
            var now = TimeProvider.System.GetUtcNow();
            var markdown = await SessionReport.RenderAsync(rt.Service, rt.Store as ISubscriberStore, rt.Store as IScheduleStore, new ConsumerTargets(),
                rt.Masker, now - window, now, ct).ConfigureAwait(false);
            io.Out.Write(markdown);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
