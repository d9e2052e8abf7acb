using System.CommandLine;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Velvet.Core.Engine;

namespace Velvet.Cli.Commands;

internal static class ResumeCommand
{
    public static Command Build(CliIO io)
    {
        var cmd = new Command("resume", "Resume every unfinished job from its stored state (after a crash or restart)");
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            using var worker = new JobWorker(rt.Service, rt.Runner, rt.LoggerFactory.CreateLogger<JobWorker>(), TimeProvider.System);
            var n = await worker.ResumeAllAsync(ct).ConfigureAwait(false);
            console.MarkupLine($"looked at {n} unfinished job(s)");
            var stuck = await rt.Service.ListStuckAsync(ct).ConfigureAwait(false);
            Output.Render.Stuck(console, stuck);
            return stuck.Count == 0 ? ExitCodes.Ok : ExitCodes.NeedsOperator;
        }));
        return cmd;
    }
}
