using System.CommandLine;
using Velvet.Cli.Output;
using Velvet.Core.Inventory;
using Velvet.Core.Ports;
using Velvet.Server.Http;
using Velvet.Vendors;

namespace Velvet.Cli.Commands;

internal static class InventoryCommand
{
    public static Command Build(CliIO io)
    {
        var format = new Option<string>("--format") { Description = "table (default), json, or markdown (for a ticket)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "markdown");
        var command = new Command("inventory", "Every credential, where each copy lives, last written and rotated, age against cadence — never a value") { format };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var report = await InventoryBuilder.BuildAsync(rt.Service, rt.Store as IScheduleStore, new ConsumerTargets(), TimeProvider.System, ct).ConfigureAwait(false);
            var chosen = parse.GetValue(GlobalOptions.JsonOutput) ? "json" : parse.GetValue(format);
            if (chosen == "json") io.Out.WriteLine(rt.Masker.Scrub(Json.Serialize(OpsViews.Inventory(report))));
            else if (chosen == "markdown") io.Out.Write(rt.Masker.Scrub(InventoryMarkdown.Render(report)));
            else OpsRender.Inventory(console, report);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
