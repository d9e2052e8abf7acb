using System.CommandLine;
using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;

namespace Velvet.Cli.Commands;

/// <summary>
/// `velvet provision CREDENTIAL [--adopt]`: first-time provisioning (docs/lifecycle.md). Same gates as a rotation
/// (verify → proceed_mint), no revoke: the job ends done after validation. Refused when a consumer already holds a value.
/// </summary>
internal static class ProvisionCommand
{
    public static Command Build(CliIO io)
    {
        var credential = new Argument<string>("credential") { Description = "token_name of the credential to create for the first time" };
        var adopt = new Option<bool>("--adopt") { Description = "Overwrite consumers that already hold a value (otherwise provisioning is refused and names them)" };
        var key = new Option<string?>("--idempotency-key") { Description = "Replaying the same key returns the same job instead of starting another" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Run the automatic steps here and print every event until the next gate" };
        var auto = new Option<string[]>("--auto") { Description = "Gates to pass without asking: verify, mint", AllowMultipleArgumentsPerToken = true };
        auto.AcceptOnlyFromAmong("verify", "mint");
        var cmd = new Command("provision", "Create a credential that exists nowhere yet and distribute it to every consumer (no old credential, no revoke)")
        { credential, adopt, key, watch, auto };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var json = parse.GetValue(GlobalOptions.JsonOutput);
            var name = parse.GetValue(credential)!;
            var gates = parse.GetValue(auto);
            var started = await rt.Service.StartAsync(new StartRequest
            {
                CredentialName = name,
                Flow = FlowType.Provision,
                Adopt = parse.GetValue(adopt),
                IdempotencyKey = parse.GetValue(key),
                Actor = rt.Actor,
                AutoAdvance = gates is { Length: > 0 } ? gates : null,
                Secrets = rt.Runner.Secrets,
            }, ct).ConfigureAwait(false);
            if (!started.IsOk) return CommandRunner.Fail(io, rt.Masker, started.Error, json);
            var job = started.Value.Job;
            if (json && !parse.GetValue(watch))
            {
                io.Out.WriteLine(Json.Serialize(new { job_id = job.JobId, status = job.Status.Name(), flow = job.Flow.Name(), adopted = job.Details.Adopted, replayed = started.Value.Replayed }));
                return ExitCodes.Ok;
            }
            console.MarkupLine($"started job [bold]{job.JobId}[/] to provision {Markup.Escape(name)}, status {Markup.Escape(job.Status.Name())}");
            if (job.Details.Adopted.Count > 0)
                console.MarkupLine($"adopt: the values held by {Markup.Escape(string.Join(", ", job.Details.Adopted))} will be overwritten");
            if (parse.GetValue(watch)) return await Watch.RunAsync(rt, console, job.JobId, 0, ct).ConfigureAwait(false);
            console.MarkupLine($"next: velvet stage {job.JobId} verify");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
