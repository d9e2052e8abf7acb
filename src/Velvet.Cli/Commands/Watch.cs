using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Jobs;

namespace Velvet.Cli.Commands;

/// <summary>Runs a job's automatic steps in this process and prints each event as it is stored.</summary>
internal static class Watch
{
    public static async Task<int> RunAsync(VelvetRuntime rt, IAnsiConsole console, Guid jobId, long afterSeq, CancellationToken ct)
    {
        var run = rt.Runner.RunAsync(jobId, ct);
        var seq = afterSeq;
        while (true)
        {
            var finished = run.IsCompleted;
            foreach (var e in await rt.Store.GetEventsAsync(jobId, seq, ct).ConfigureAwait(false))
            {
                console.MarkupLine(Render.EventLine(e));
                seq = e.Seq;
            }
            if (finished) break;
            await Task.WhenAny(run, Task.Delay(100, ct)).ConfigureAwait(false);
        }
        var job = await run.ConfigureAwait(false) ?? throw new CliException(ExitCodes.NotFound, $"job {jobId} vanished");
        var rows = await rt.Store.GetConsumerRowsAsync(jobId, ct).ConfigureAwait(false);
        Render.Job(console, job, rows);
        return ExitFor(job.Status);
    }

    public static int ExitFor(JobStatus status) => status.NeedsPerson() || status == JobStatus.RevValidating ? ExitCodes.NeedsOperator : ExitCodes.Ok;

    public static async Task<long> LastSeqAsync(VelvetRuntime rt, Guid jobId, CancellationToken ct)
    {
        var events = await rt.Store.GetEventsAsync(jobId, 0, ct).ConfigureAwait(false);
        return events.Count == 0 ? 0 : events[^1].Seq;
    }
}
