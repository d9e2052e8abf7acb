using Spectre.Console;
using Velvet.Core.Health;
using Velvet.Core.Inventory;
using Velvet.Core.Schedules;
using Velvet.Server.Http;

namespace Velvet.Cli.Output;

/// <summary>Tables of the operations commands (schedule, inventory, health); every string passes the masking console.</summary>
internal static class OpsRender
{
    public static void Schedule(IAnsiConsole console, IReadOnlyList<SchedulePlan> plans, DateTimeOffset now)
    {
        var t = new Table().Border(TableBorder.Rounded).Title("Schedules");
        t.AddColumns("credential", "cadence", "auto_advance", "last rotated", "next due", "state", "note");
        foreach (var p in plans)
            t.AddRow(new Text(p.TokenName), new Text(p.Cadence?.Text ?? "—"),
                new Text(p.Cadence is null || p.State == ScheduleState.Reminder ? "" : string.Join(", ", Scheduler.Policy(p.Credential))),
                new Text(p.LastRotatedAt is { } at ? InventoryMarkdown.Time(at) : "never"),
                new Text(p.NextDueAt is { } due ? InventoryMarkdown.Time(due) + (due <= now ? " (due)" : "") : "—"),
                new Text(OpsViews.Name(p.State)), new Text(p.Note ?? ""));
        console.Write(t);
    }

    public static void Inventory(IAnsiConsole console, InventoryReport report)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"Inventory ({report.Env}) — no values, only where copies live");
        t.AddColumns("credential", "last rotated", "age / cadence", "overdue", "consumer", "location", "target", "last written", "fingerprint");
        foreach (var c in report.Credentials)
        {
            var first = true;
            foreach (var x in c.Copies.DefaultIfEmpty())
            {
                t.AddRow(
                    new Text(first ? c.TokenName : ""),
                    new Text(first ? (c.LastRotatedAt is { } at ? InventoryMarkdown.Time(at) : "never") : ""),
                    new Text(first ? InventoryMarkdown.AgeVsCadence(c) : ""),
                    first ? new Markup(c.Overdue ? "[red]yes[/]" : "no") : new Text(""),
                    new Text(x is null ? "(none)" : x.ConsumerId + (x.Canonical ? " (canonical)" : "")),
                    new Text(x?.Label ?? ""), new Text((x?.Target ?? "") + (x?.FollowupNote is { } note ? "\n" + note : "")),
                    new Text(x?.LastWrittenAt is { } w ? InventoryMarkdown.Time(w) : "—"),
                    new Text(x?.WrittenFingerprint ?? "—"));
                first = false;
            }
        }
        console.Write(t);
    }

    public static string Color(HealthStatus s) => s switch
    {
        HealthStatus.Valid => "green",
        HealthStatus.Partial => "yellow",
        HealthStatus.Stale => "red",
        _ => "grey",
    };

    /// <summary>The session log's environment check: Credential, Status, Notes; consumers indented under their credential.</summary>
    public static void Health(IAnsiConsole console, HealthReport report)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"Credential health ({report.Env})");
        t.AddColumns("Credential", "Status", "Notes");
        foreach (var c in report.Credentials)
        {
            t.AddRow(new Text(c.TokenName), new Markup($"[{Color(c.Status)}]{OpsViews.Name(c.Status)}[/]"), new Text(c.Notes));
            foreach (var p in c.Probes.Where(p => p.ConsumerId is not null))
                t.AddRow(new Text($"  └ {p.ConsumerId} ({p.Kind} {p.Target})"), new Markup($"[{Color(p.Status)}]{OpsViews.Name(p.Status)}[/]"),
                    new Text($"{p.Check}: {p.Reason}"));
        }
        console.Write(t);
    }
}
