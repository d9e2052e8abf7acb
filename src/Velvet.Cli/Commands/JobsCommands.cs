using System.CommandLine;
using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Server.Http;
using Velvet.Core.Jobs;

namespace Velvet.Cli.Commands;

internal static class JobsCommands
{
    public static Command Build(CliIO io)
    {
        var credential = new Option<string?>("--credential", "-c") { Description = "Only this credential's jobs" };
        var stuck = new Option<bool>("--stuck") { Description = "Only stuck jobs: unchanged for 5 min, or waiting on a person" };
        var limit = new Option<int>("--limit") { Description = "How many (newest first)", DefaultValueFactory = _ => 20 };
        var list = new Command("list", "List jobs, newest first") { credential, stuck, limit };
        list.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var json = parse.GetValue(GlobalOptions.JsonOutput);
            if (parse.GetValue(stuck))
            {
                var found = await rt.Service.ListStuckAsync(ct).ConfigureAwait(false);
                if (json) io.Out.WriteLine(rt.Masker.Scrub(Json.Serialize(found.Select(s => new { job = JobViews.Job(s.Job), reason = s.Reason, minutes_in_status = (int)s.InStatusFor.TotalMinutes }))));
                else Render.Stuck(console, found);
                return ExitCodes.Ok;
            }
            var n = parse.GetValue(limit);
            if (n is < 1 or > 1000) { io.Error(rt.Masker, "--limit must be between 1 and 1000"); return ExitCodes.Usage; }
            var jobs = await rt.Store.ListJobsAsync(new JobQuery { CredentialName = parse.GetValue(credential), Limit = n }, ct).ConfigureAwait(false);
            if (json) io.Out.WriteLine(rt.Masker.Scrub(Json.Serialize(jobs.Select(JobViews.Job))));
            else Render.Jobs(console, jobs, "Jobs");
            return ExitCodes.Ok;
        }));

        var jobArg = new Argument<string>("job") { Description = "Job id" };
        var events = new Option<bool>("--events") { Description = "Also print the audit trail" };
        var show = new Command("show", "Show a job, its consumer rows and (with --events) its audit trail") { jobArg, events };
        show.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            if (!CommandRunner.TryParseJobId(io, parse.GetValue(jobArg)!, out var id)) return ExitCodes.Usage;
            var job = await rt.Store.GetJobAsync(id, ct).ConfigureAwait(false);
            if (job is null) { io.Error(rt.Masker, $"job {id} does not exist"); return ExitCodes.NotFound; }
            var rows = await rt.Store.GetConsumerRowsAsync(id, ct).ConfigureAwait(false);
            var trail = parse.GetValue(events) ? await rt.Store.GetEventsAsync(id, 0, ct).ConfigureAwait(false) : [];
            var followups = rt.Store is Velvet.Core.Ports.IFollowupStore f ? await f.FollowupsOfJobAsync(id, ct).ConfigureAwait(false) : [];
            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                io.Out.WriteLine(rt.Masker.Scrub(Json.Serialize(new { job = JobViews.Job(job), consumers = rows.Select(JobViews.Row), events = trail.Select(JobViews.Event), followups = followups.Select(LifecycleViews.Followup) })));
                return ExitCodes.Ok;
            }
            Render.Job(console, job, rows);
            foreach (var open in followups.Where(x => x.IsOpen))
                console.MarkupLine($"[yellow]follow-up {open.Id} open[/]: {Markup.Escape($"{open.CanonicalConsumerId} lacks the value (it went to {open.FallbackConsumerId}); do not revoke until it is updated: velvet followups resolve {open.Id}")}");
            Render.Events(console, trail);
            return ExitCodes.Ok;
        }));
        return new Command("jobs", "Inspect rotation jobs") { list, show };
    }
}
