using System.Globalization;
using Velvet.Core.Notifications;

namespace Velvet.Vendors.Notifications;

/// <summary>How Slack and email show a <see cref="NotificationMessage"/>: its title, its text, then the metadata as fields.</summary>
internal static class MessageFormat
{
    /// <summary>(label, value) pairs for the metadata the message has.</summary>
    public static IReadOnlyList<(string Label, string Value)> Fields(NotificationMessage m)
    {
        var fields = new List<(string, string)> { ("Event", m.Event) };
        if (m.Credential is { } c) fields.Add(("Credential", c));
        if (m.JobId is { } j) fields.Add(("Job", j.ToString("D")));
        if (m.Env is { } e) fields.Add(("Env", e));
        if (m.Status is { } s) fields.Add(("Status", s));
        if (m.Consumers.Count > 0) fields.Add(("Leaking consumers", string.Join(", ", m.Consumers)));
        if (m.Reason is { } r) fields.Add(("Reason", r));
        fields.Add(("At", m.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        return fields;
    }

    /// <summary>Plain text: the email body, and Slack's notification text.</summary>
    public static string PlainText(NotificationMessage m) =>
        m.Text + "\n\n" + string.Join("\n", Fields(m).Select(f => $"{f.Label}: {f.Value}")) + "\n";

    /// <summary>Slack's JSON body (text for notifications and old clients, blocks for the channel view).</summary>
    public static Dictionary<string, object> Slack(NotificationMessage m, string? channel = null)
    {
        var header = (m.Severity == "sev1" ? ":rotating_light: " : "") + m.Title;
        var body = new Dictionary<string, object>
        {
            ["text"] = $"{header}: {m.Text}",
            ["blocks"] = new object[]
            {
                new { type = "header", text = new { type = "plain_text", text = Truncate(header, 150) } },
                new { type = "section", text = new { type = "mrkdwn", text = Escape(m.Text) } },
                new { type = "section", fields = Fields(m).Take(10).Select(f => new { type = "mrkdwn", text = $"*{f.Label}*\n{Escape(f.Value)}" }).ToArray() },
            },
        };
        if (channel is not null) body["channel"] = channel;
        return body;
    }

    // Slack's mrkdwn treats &, < and > as control characters.
    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
