using Velvet.Core.Ports;

namespace Velvet.Server.WebConsole.Pages;

/// <summary>
/// Notification channels as /readyz and <c>velvet notifications status</c> see them (the outbox's per-channel stats):
/// a table for the stuck page and a warning strip for the top of the main pages when a channel is failing.
/// Errors are metadata only and scrubbed once more before they reach a page.
/// </summary>
internal static class ChannelStatus
{
    private sealed record Row(string Name, string Kind, ChannelDeliveryStats? Stats)
    {
        public bool Failing => Stats is { Failing: true } || Stats is { Dead: > 0 };
    }

    private static async Task<IReadOnlyList<Row>> RowsAsync(ServerServices s, CancellationToken ct)
    {
        var channels = s.Manifest.Notifications.Channels;
        if (channels.Count == 0) return [];
        var stats = s.Store is INotificationStore outbox
            ? (await outbox.NotificationStatsAsync(ct).ConfigureAwait(false)).ToDictionary(x => x.Channel, StringComparer.Ordinal)
            : [];
        return channels.Select(c => new Row(c.Name, c.Kind, stats.GetValueOrDefault(c.Name))).ToList();
    }

    /// <summary>A red strip naming every failing channel, linking to the table; empty when all is well.</summary>
    public static async Task<Html> WarningAsync(ServerServices s, CancellationToken ct)
    {
        var failing = (await RowsAsync(s, ct).ConfigureAwait(false)).Where(r => r.Failing).ToList();
        return failing.Count == 0 ? Html.Empty : Html.Of($"""
            <p class="warning channel-warning" role="alert" id="channel-warning">Notifications are failing: <strong>{string.Join(", ", failing.Select(r => r.Name))}</strong>.
            People may not hear about jobs that need them. <a href="{ConsolePaths.Stuck}#channels">See the channel status</a>.</p>
            """);
    }

    /// <summary>One row per configured channel: state, last sent, last failure (scrubbed), queued, dead.</summary>
    public static async Task<Html> TableAsync(ServerServices s, CancellationToken ct)
    {
        var rows = await RowsAsync(s, ct).ConfigureAwait(false);
        var table = rows.Count == 0 ? Html.Of($"""<p class="hint">No notification channels in the manifest.</p>""") : Html.Of($"""
            <div class="table-wrap">
            <table class="grid" id="channel-status">
              <thead><tr><th scope="col">Channel</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col">Last sent</th>
                <th scope="col">Last failure</th><th scope="col">Queued</th><th scope="col">Dead</th></tr></thead>
              <tbody>{Html.Join(rows.Select(r => Html.Of($"""
                <tr data-channel="{r.Name}"><th scope="row">{r.Name}</th><td data-label="Kind">{r.Kind}</td>
                <td data-label="State">{State(r)}</td>
                <td data-label="Last sent">{(r.Stats?.LastSentAt is { } sent ? Html.Of($"{sent}") : Html.Text("—"))}</td>
                <td data-label="Last failure">{(r.Stats?.LastFailedAt is { } failed ? Html.Of($"{failed}: {s.Masker.Scrub(r.Stats.LastError)}") : Html.Text("—"))}</td>
                <td data-label="Queued" class="num">{r.Stats?.Pending ?? 0}</td><td data-label="Dead" class="num">{r.Stats?.Dead ?? 0}</td></tr>
                """)))}</tbody>
            </table>
            </div>
            """);
        return Html.Of($"""
            <section aria-labelledby="channels"><h2 id="channels">Notification channels</h2>
            <p class="hint">From the notification outbox, the same data as <code>/readyz</code> and <code>velvet notifications status</code>.</p>
            {table}
            </section>
            """);
    }

    private static Html State(Row r) => r switch
    {
        { Stats: { Failing: true } } => Html.Of($"""<span class="status st-failed">failing</span>"""),
        { Stats.Dead: > 0 } => Html.Of($"""<span class="status st-failed">dead messages</span>"""),
        { Stats: null } => Html.Of($"""<span class="tag">nothing sent yet</span>"""),
        _ => Html.Of($"""<span class="status st-done">ok</span>"""),
    };
}
