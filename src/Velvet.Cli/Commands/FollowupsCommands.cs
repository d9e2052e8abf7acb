using System.CommandLine;
using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Engine;
using Velvet.Server.Http;
using Velvet.Store;

namespace Velvet.Cli.Commands;

/// <summary>`velvet followups list|resolve`: what a canonical-store fallback left to do (docs/lifecycle.md).</summary>
internal static class FollowupsCommands
{
    public static Command Build(CliIO io)
    {
        var all = new Option<bool>("--all") { Description = "Also list resolved follow-ups" };
        var list = new Command("list", "List open follow-ups (the vault still lacks a value that went to its fallback)") { all };
        list.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var found = await JobStoreFactory.Followups(rt.Store).ListFollowupsAsync(!parse.GetValue(all), ct).ConfigureAwait(false);
            if (parse.GetValue(GlobalOptions.JsonOutput)) { io.Out.WriteLine(rt.Masker.Scrub(Json.Serialize(found.Select(LifecycleViews.Followup)))); return ExitCodes.Ok; }
            if (found.Count == 0) { console.MarkupLine("[green]no open follow-ups[/]"); return ExitCodes.Ok; }
            var t = new Table().Border(TableBorder.Rounded).Title("Follow-ups");
            t.AddColumns("id", "status", "credential", "canonical → fallback", "job", "since", "reason");
            foreach (var f in found)
                t.AddRow(f.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), f.IsOpen ? "[yellow]open[/]" : "resolved", Markup.Escape(f.CredentialName),
                    Markup.Escape($"{f.CanonicalConsumerId} → {f.FallbackConsumerId}"), f.JobId.ToString(), $"{f.CreatedAt:yyyy-MM-dd HH:mm}Z", Markup.Escape(rt.Masker.Scrub(f.Reason)));
            console.Write(t);
            return ExitCodes.Ok;
        }));

        var id = new Argument<long>("id") { Description = "Follow-up id (velvet followups list)" };
        var manual = new Option<string?>("--manual") { Description = "Close it without a read-back (the canonical store cannot be read): how you checked, recorded with your name" };
        var resolve = new Command("resolve", "Close a follow-up once the canonical store holds the value: Velvet reads it back and compares fingerprints first") { id, manual };
        resolve.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var service = new FollowupService(JobStoreFactory.Followups(rt.Store), rt.Service.Bindings, rt.Masker, TimeProvider.System);
            var resolved = await service.ResolveAsync(parse.GetValue(id), rt.Actor, parse.GetValue(manual), rt.Runner.Secrets, ct).ConfigureAwait(false);
            var json = parse.GetValue(GlobalOptions.JsonOutput);
            if (!resolved.IsOk) return CommandRunner.Fail(io, rt.Masker, resolved.Error, json);
            if (json) io.Out.WriteLine(rt.Masker.Scrub(Json.Serialize(LifecycleViews.Followup(resolved.Value))));
            else console.MarkupLine($"[green]follow-up {resolved.Value.Id} resolved[/]: {Markup.Escape(resolved.Value.Resolution ?? "")}");
            return ExitCodes.Ok;
        }));
        return new Command("followups", "Work a job left for later (canonical-store fallback): list and resolve") { list, resolve };
    }
}
