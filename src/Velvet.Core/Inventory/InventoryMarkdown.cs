using System.Globalization;
using System.Text;

namespace Velvet.Core.Inventory;

/// <summary>The inventory as a markdown table for a ticket, in the shape of the team's session-log "Secret inventory".</summary>
public static class InventoryMarkdown
{
    public static string Render(InventoryReport report)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## Secret inventory ({report.Env}, {Time(report.GeneratedAt)})\n\n");
        md.Append("No secret values are recorded here. This table documents WHERE secrets are held only.\n\n");
        md.Append("| Secret | Location | Last rotated | Age / cadence | Overdue |\n");
        md.Append("| --- | --- | --- | --- | --- |\n");
        foreach (var c in report.Credentials)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {Cell(c.TokenName)} ({Cell(c.Vendor)}) | {Cell(Locations(c))} | {(c.LastRotatedAt is { } at ? Time(at) : "never (by Velvet)")} | {AgeVsCadence(c)} | {(c.Overdue ? "**yes**" : "no")} |\n");
        }
        return md.ToString();
    }

    /// <summary>Copies grouped by kind: <c>Heroku config var (2): a/KEY, b/KEY + SSM: us-east-1:/x</c>; write dates for each.</summary>
    public static string Locations(InventoryEntry c)
    {
        if (c.Copies.Count == 0) return "no consumers";
        return string.Join(" + ", c.Copies.GroupBy(x => x.Label).Select(g =>
            (g.Count() > 1 ? $"{g.Key} ({g.Count()})" : g.Key) + ": " + string.Join(", ", g.Select(Copy))));
    }

    public static string AgeVsCadence(InventoryEntry c) =>
        (c.Age is { } age ? Days(age) : "—") + " / " + (c.CadenceInterval is { } cadence ? Days(cadence) : c.Cadence is null ? "no schedule" : c.Cadence);

    public static string Days(TimeSpan t) => t.TotalDays >= 1
        ? ((int)t.TotalDays).ToString(CultureInfo.InvariantCulture) + "d"
        : ((int)t.TotalHours).ToString(CultureInfo.InvariantCulture) + "h";

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Copy(InventoryCopy x) =>
        x.Target + (x.Canonical ? " (canonical)" : "") + (x.Active ? "" : " (inactive)")
        + (x.LastWrittenAt is { } w ? $" (written {Time(w)}, {x.WrittenFingerprint})" : "")
        + (x.FollowupNote is { } note ? $" **{note}**" : "");

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
