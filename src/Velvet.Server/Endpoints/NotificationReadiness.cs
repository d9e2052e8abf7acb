using System.Globalization;
using Velvet.Core.Ports;

namespace Velvet.Server.Endpoints;

/// <summary>
/// The notifications line of /readyz: a failing channel makes the instance degraded, never not-ready (a broken
/// Slack webhook must not take the API out of a load balancer). Read from the outbox, so every replica agrees.
/// </summary>
internal static class NotificationReadiness
{
    public static async Task<string> CheckAsync(ServerServices s, CancellationToken ct)
    {
        var channels = s.Manifest.Notifications.Channels;
        if (channels.Count == 0) return "ok: no channels configured";
        if (s.Store is not INotificationStore outbox) return "ok: this store keeps no outbox";
        var stats = (await outbox.NotificationStatsAsync(ct).ConfigureAwait(false)).ToDictionary(x => x.Channel, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var channel in channels)
        {
            if (!stats.TryGetValue(channel.Name, out var st)) continue;
            if (st.Failing)
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{channel.Name} failing since {st.LastFailedAt:yyyy-MM-ddTHH:mm:ssZ} ({s.Masker.Scrub(st.LastError)}), {st.Pending} queued"));
            if (st.Dead > 0) problems.Add($"{channel.Name} has {st.Dead} dead message(s)");
        }
        return problems.Count == 0 ? $"ok: {channels.Count} channel(s)" : "degraded: " + string.Join("; ", problems);
    }
}
