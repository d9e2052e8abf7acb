using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Jobs;

namespace Velvet.Cli.Commands;

/// <summary>
/// Runs a job's automatic steps in this process and shows them live: on a terminal a table of consumer rows redrawn
/// as they change (spinner-like status per row), elsewhere (CI, pipes) one plain line per stored event.
/// </summary>
internal static class Watch
{
    public static async Task<int> RunAsync(VelvetRuntime rt, IAnsiConsole console, Guid jobId, long afterSeq, CancellationToken ct)
    {
        var run = rt.Runner.RunAsync(jobId, ct);
        if (console.Profile.Capabilities.Interactive)
            await LiveTableAsync(rt, console, jobId, run, ct).ConfigureAwait(false);
        else
            await EventLinesAsync(rt, console, jobId, afterSeq, run, ct).ConfigureAwait(false);
        var job = await run.ConfigureAwait(false) ?? throw new CliException(ExitCodes.NotFound, $"job {jobId} vanished");
        var rows = await rt.Store.GetConsumerRowsAsync(jobId, ct).ConfigureAwait(false);
        Render.Job(console, job, rows);
        return ExitFor(job.Status);
    }

    private static async Task EventLinesAsync(VelvetRuntime rt, IAnsiConsole console, Guid jobId, long seq, Task run, CancellationToken ct)
    {
        while (true)
        {
            var finished = run.IsCompleted;
            foreach (var e in await rt.Store.GetEventsAsync(jobId, seq, ct).ConfigureAwait(false))
            {
                console.MarkupLine(Render.EventLine(e));
                seq = e.Seq;
            }
            if (finished) return;
            await Task.WhenAny(run, Task.Delay(100, ct)).ConfigureAwait(false);
        }
    }

    private static async Task LiveTableAsync(VelvetRuntime rt, IAnsiConsole console, Guid jobId, Task run, CancellationToken ct)
    {
        var table = new Table().Border(TableBorder.Rounded);
        await console.Live(table).AutoClear(true).StartAsync(async ctx =>
        {
            var frame = 0;
            while (true)
            {
                var finished = run.IsCompleted;
                var job = await rt.Store.GetJobAsync(jobId, ct).ConfigureAwait(false);
                var rows = await rt.Store.GetConsumerRowsAsync(jobId, ct).ConfigureAwait(false);
                if (job is not null) Fill(table, job, rows, frame++);
                ctx.Refresh();
                if (finished) return;
                await Task.WhenAny(run, Task.Delay(150, ct)).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private static readonly string[] Spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

    private static void Fill(Table table, RotationJob job, IReadOnlyList<ConsumerRow> rows, int frame)
    {
        table.Rows.Clear();
        if (table.Columns.Count == 0) table.AddColumns("consumer_id", "distribute", "validate", "last error");
        table.Title = new TableTitle($"{job.CredentialName}: {job.Status.Name()}" + (job.Status.IsAutomatic() ? " " + Spinner[frame % Spinner.Length] : ""));
        foreach (var r in rows.OrderBy(r => r.Ordinal))
            table.AddRow(new Text(r.ConsumerId), Cell(r.DistributeStatus, frame), Cell(r.ValidateStatus, frame), new Text(r.LastError ?? ""));
    }

    private static Markup Cell(RowStatus s, int frame) =>
        new($"[{Render.Color(s)}]{(s == RowStatus.InProgress ? Spinner[frame % Spinner.Length] + " " : "")}{s.Name()}[/]");

    public static int ExitFor(JobStatus status) => status.NeedsPerson() || status == JobStatus.RevValidating ? ExitCodes.NeedsOperator : ExitCodes.Ok;

    public static async Task<long> LastSeqAsync(VelvetRuntime rt, Guid jobId, CancellationToken ct)
    {
        var events = await rt.Store.GetEventsAsync(jobId, 0, ct).ConfigureAwait(false);
        return events.Count == 0 ? 0 : events[^1].Seq;
    }
}
