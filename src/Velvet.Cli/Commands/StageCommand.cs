using System.CommandLine;
using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;

namespace Velvet.Cli.Commands;

internal static class StageCommand
{
    public static Command Build(CliIO io)
    {
        var jobArg = new Argument<string>("job") { Description = "Job id" };
        var actionArg = new Argument<string>("action") { Description = "verify | proceed_mint | proceed_revoke | retry_failed | manual_confirm | retry_revoke | mark_manually_revoked | abort | revalidate" };
        actionArg.AcceptOnlyFromAmong([.. JobActionNames.AllNames]);
        var consumer = new Option<string?>("--consumer") { Description = "manual_confirm: the consumer_id you checked" };
        var reason = new Option<string?>("--reason") { Description = "Why (manual_confirm, force revoke, abort)" };
        var ticket = new Option<string?>("--ticket") { Description = "proceed_revoke: ticket id ROT-YYYY-…" };
        var confirm = new Option<string?>("--confirm") { Description = "proceed_revoke: the credential name typed back" };
        var oldId = new Option<string?>("--old-credential-id") { Description = "mark_manually_revoked: id of the old credential you revoked" };
        var force = new Option<bool>("--force-revoke") { Description = "proceed_revoke before every consumer validated (needs --reason)" };
        var valueStdin = new Option<bool>("--value-stdin") { Description = "proceed_mint on an operator_manual credential: read the new value from standard input" };
        var noRun = new Option<bool>("--no-run") { Description = "Only record the action; leave the automatic steps to a running worker" };
        var cmd = new Command("stage", "Apply an operator action to a job, then run its automatic steps here")
        { jobArg, actionArg, consumer, reason, ticket, confirm, oldId, force, valueStdin, noRun };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            if (!CommandRunner.TryParseJobId(io, parse.GetValue(jobArg)!, out var id)) return ExitCodes.Usage;
            JobActionNames.TryParse(parse.GetValue(actionArg), out var action);
            var job = await rt.Store.GetJobAsync(id, ct).ConfigureAwait(false);
            if (job is null) { io.Error(rt.Masker, $"job {id} does not exist"); return ExitCodes.NotFound; }

            var request = new ActionRequest
            {
                Action = action,
                Actor = rt.Actor,
                ConsumerId = parse.GetValue(consumer),
                Reason = parse.GetValue(reason),
                TicketId = parse.GetValue(ticket),
                ConfirmCredentialName = parse.GetValue(confirm),
                OldCredentialId = parse.GetValue(oldId),
                ForceRevoke = parse.GetValue(force),
            };
            if (action == JobAction.ProceedRevoke)
            {
                console.MarkupLine($"[red]Revoke gate:[/] the old credential of {Markup.Escape(job.CredentialName)} will stop working.");
                request = request with
                {
                    ConfirmCredentialName = request.ConfirmCredentialName ?? Prompts.Ask(io, console, $"Type the credential name ({job.CredentialName})"),
                    TicketId = request.TicketId ?? Prompts.Ask(io, console, "Ticket id (ROT-YYYY-…)"),
                };
            }
            if (action == JobAction.ProceedMint && parse.GetValue(valueStdin))
                request = request with { NewValue = Prompts.ReadSecret(io, console, rt.Masker) };

            return await ExecuteAsync(io, rt, console, id, request, parse.GetValue(GlobalOptions.JsonOutput), parse.GetValue(noRun), ct).ConfigureAwait(false);
        }));
        return cmd;
    }

    /// <summary>Applies the action, prints the residual report for an abort, else runs the automatic steps with live events.</summary>
    private static async Task<int> ExecuteAsync(CliIO io, VelvetRuntime rt, IAnsiConsole console, Guid id, ActionRequest request, bool json, bool noRun, CancellationToken ct)
    {
        var action = request.Action;
        var seq = await Watch.LastSeqAsync(rt, id, ct).ConfigureAwait(false);
        var applied = await rt.Service.ApplyAsync(id, request, ct).ConfigureAwait(false);
        if (!applied.IsOk) return CommandRunner.Fail(io, rt.Masker, applied.Error, json);
        if (action == JobAction.Abort && applied.Value.Details.Residual is { } residual)
        {
            if (json) io.Out.WriteLine(rt.Masker.Scrub(Json.Serialize(new { job_id = id, status = "aborted", residual })));
            else Render.Residual(console, residual);
            return ExitCodes.Ok;
        }
        if (noRun)
        {
            console.MarkupLine($"recorded {action.Name()}; job {id} is {applied.Value.Status.Name()}");
            return ExitCodes.Ok;
        }
        return await Watch.RunAsync(rt, console, id, seq, ct).ConfigureAwait(false);
    }

    /// <summary><c>velvet abort JOB</c>: the same as <c>stage JOB abort</c>; prints the residual-state report.</summary>
    public static Command BuildAbort(CliIO io)
    {
        var jobArg = new Argument<string>("job") { Description = "Job id" };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded)" };
        var cmd = new Command("abort", "Abort a job and print what it leaves behind (residual state and cleanup steps)") { jobArg, reason };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            if (!CommandRunner.TryParseJobId(io, parse.GetValue(jobArg)!, out var id)) return ExitCodes.Usage;
            var request = new ActionRequest { Action = JobAction.Abort, Actor = rt.Actor, Reason = parse.GetValue(reason) };
            return await ExecuteAsync(io, rt, console, id, request, parse.GetValue(GlobalOptions.JsonOutput), noRun: true, ct).ConfigureAwait(false);
        }));
        return cmd;
    }
}
