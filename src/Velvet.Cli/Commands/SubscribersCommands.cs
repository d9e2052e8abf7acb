using System.CommandLine;
using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Registry;

namespace Velvet.Cli.Commands;

internal static class SubscribersCommands
{
    public static Command Build(CliIO io)
    {
        var list = new Command("list", "List the registered subscribers (the table the manifest seeded; the source of truth)");
        list.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            if (rt.Registry is null) { io.Error(rt.Masker, "this store has no subscriber registry"); return ExitCodes.Config; }
            var all = await rt.Registry.ListAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(GlobalOptions.JsonOutput)) { io.Out.WriteLine(Json.Serialize(all.Select(SubscriberJson.ToBody))); return ExitCodes.Ok; }
            var t = new Table().Border(TableBorder.Rounded).Title("Subscribers");
            t.AddColumns("token_name", "consumer_id", "env", "kind", "active", "endpoint / settings");
            foreach (var c in all)
                t.AddRow(c.TokenName, c.ConsumerId, c.Env, c.Kind, c.Active ? "yes" : "no",
                    Markup.Escape(c.UpdateEndpoint ?? string.Join(", ", c.Settings.Select(kv => $"{kv.Key}={kv.Value}"))));
            console.Write(t);
            return ExitCodes.Ok;
        }));

        var failOnDrift = new Option<bool>("--fail-on-drift") { Description = "Exit 3 when the manifest and the table differ (for CI)" };
        var drift = new Command("drift", "Compare the manifest with the subscribers table (manifest_only, db_only, mismatched_field); recorded in the audit trail, corrects nothing") { failOnDrift };
        drift.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            if (rt.Registry is null) { io.Error(rt.Masker, "this store has no subscriber registry"); return ExitCodes.Config; }
            var r = await rt.Registry.DriftAsync(rt.Actor, ct).ConfigureAwait(false);
            if (parse.GetValue(GlobalOptions.JsonOutput))
                io.Out.WriteLine(Json.Serialize(new { manifest_only = r.ManifestOnly, db_only = r.DbOnly, mismatched_field = r.MismatchedField, drift = r.HasDrift }));
            else
            {
                console.MarkupLine(r.HasDrift ? "[yellow]drift between the manifest and the subscribers table[/]" : "[green]no drift[/]");
                foreach (var k in r.ManifestOnly) console.MarkupLine($"  manifest_only     {Markup.Escape(k)}");
                foreach (var k in r.DbOnly) console.MarkupLine($"  db_only           {Markup.Escape(k)}");
                foreach (var m in r.MismatchedField) console.MarkupLine($"  mismatched_field  {Markup.Escape($"{m.TokenName}/{m.Env}/{m.ConsumerId}: {string.Join(", ", m.Fields)}")}");
            }
            return r.HasDrift && parse.GetValue(failOnDrift) ? ExitCodes.CheckFailed : ExitCodes.Ok;
        }));
        return new Command("subscribers", "Runtime subscriber registry (seeded from the manifest)") { list, drift };
    }
}
