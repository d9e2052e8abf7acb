using System.CommandLine;
using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;

namespace Velvet.Cli.Commands;

internal static class RotateCommand
{
    public static Command Build(CliIO io)
    {
        var credential = new Argument<string>("credential") { Description = "token_name of the credential" };
        var flow = new Option<string>("--flow") { Description = "testing (read-only probe) | operational | revocation", DefaultValueFactory = _ => "operational" };
        flow.AcceptOnlyFromAmong("testing", "operational", "revocation");
        var force = new Option<bool>("--force-revoke") { Description = "Acknowledge now that revoke may be forced before every consumer validated (who and why are recorded at the gate)" };
        var key = new Option<string?>("--idempotency-key") { Description = "Replaying the same key returns the same job instead of starting another" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Run the automatic steps here and print every event until the next gate" };
        var auto = new Option<string[]>("--auto") { Description = "Gates to pass without asking: verify, mint, revoke (revoke needs --ticket)", AllowMultipleArgumentsPerToken = true };
        auto.AcceptOnlyFromAmong("verify", "mint", "revoke");
        var ticket = new Option<string?>("--ticket") { Description = "Ticket id (ROT-YYYY-…) recorded for an auto-advanced revoke gate" };
        var confirm = new Option<string?>("--confirm") { Description = "Revocation flow: the credential name typed back (asked for when omitted)" };
        var plan = new Option<string?>("--plan") { Description = "Staged rotation across envs, in order, e.g. staging,prod: starts the first env's job; the next starts only after it is done and soaked (velvet plans)" };
        var soak = new Option<string?>("--soak") { Description = "With --plan: how long each stage soaks with its healthchecks green before the next may start (default 30m)" };
        var cmd = new Command("rotate", "Start a rotation (or --flow revocation: emergency revocation) of one credential")
        { credential, flow, force, key, watch, auto, ticket, confirm, plan, soak };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var json = parse.GetValue(GlobalOptions.JsonOutput);
            var name = parse.GetValue(credential)!;
            FlowTypeNames.TryParse(parse.GetValue(flow), out var flowType);
            if (parse.GetValue(plan) is { } stages)
                return await PlansCommands.CreateAsync(io, rt, console, name, stages, parse.GetValue(soak), json, ct).ConfigureAwait(false);
            if (flowType == FlowType.Revocation && !Prompts.ConfirmName(io, console, name, parse.GetValue(confirm), "EMERGENCY REVOCATION: the credential stops working everywhere now."))
                return ExitCodes.Refused;
            var autoGates = parse.GetValue(auto);
            var request = new StartRequest
            {
                CredentialName = name,
                Flow = flowType,
                ForceRevoke = parse.GetValue(force),
                IdempotencyKey = parse.GetValue(key),
                Actor = rt.Actor,
                AutoAdvance = autoGates is { Length: > 0 } ? autoGates : null,
                AutoTicket = parse.GetValue(ticket),
            };
            var started = await rt.Service.StartAsync(request, ct).ConfigureAwait(false);
            if (!started.IsOk) return CommandRunner.Fail(io, rt.Masker, started.Error, json);
            var job = started.Value.Job;
            if (json && !parse.GetValue(watch) && flowType == FlowType.Operational)
            {
                io.Out.WriteLine(Json.Serialize(new { job_id = job.JobId, status = job.Status.Name(), replayed = started.Value.Replayed }));
                return ExitCodes.Ok;
            }
            console.MarkupLine(started.Value.Replayed
                ? $"job [bold]{job.JobId}[/] (replayed: same idempotency key) is {Markup.Escape(job.Status.Name())}"
                : $"started job [bold]{job.JobId}[/] for {Markup.Escape(name)} ({flowType.Name()}), status {Markup.Escape(job.Status.Name())}");
            // Testing and revocation flows have no gate before their automatic work; operational runs with --watch.
            if (parse.GetValue(watch) || flowType != FlowType.Operational)
                return await Watch.RunAsync(rt, console, job.JobId, 0, ct).ConfigureAwait(false);
            console.MarkupLine($"next: velvet stage {job.JobId} verify");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
