using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;

namespace Velvet.Cli.Commands;

/// <summary>`velvet notifications status|test|purge`: is every channel delivering, and does a channel work at all.</summary>
internal static class NotificationsCommands
{
    public static Command Build(CliIO io)
    {
        var status = new Command("status", "Each channel: kind, events, queued and dead messages, last success and last failure");
        status.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var settings = rt.Manifest.Notifications;
            var stats = rt.Store is INotificationStore outbox
                ? (await outbox.NotificationStatsAsync(ct).ConfigureAwait(false)).ToDictionary(s => s.Channel, StringComparer.Ordinal)
                : [];
            var rows = settings.Channels.Select(c => Row(c, stats.GetValueOrDefault(c.Name))).ToList();
            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                io.Out.WriteLine(rt.Masker.Scrub(Json.Serialize(new { channels = rows, max_attempts = settings.MaxAttempts })));
            }
            else if (rows.Count == 0)
            {
                console.MarkupLine("[grey]no notification channels: add a notifications: section to the manifest (docs/notifications.md)[/]");
            }
            else
            {
                var t = new Table().Border(TableBorder.Rounded).Title("Notification channels");
                t.AddColumns("channel", "kind", "events", "state", "queued", "dead", "sent", "last success", "last failure");
                foreach (var r in rows)
                    t.AddRow(new Text(r.Channel), new Text(r.Kind), new Text(r.Events), new Markup(r.State == "failing" ? "[red]failing[/]" : r.State),
                        new Text(N(r.Queued)), new Text(N(r.Dead)), new Text(N(r.Sent)), new Text(When(r.LastSuccessAt)),
                        new Text(r.LastFailureAt is null ? "-" : $"{When(r.LastFailureAt)} {r.LastError}"));
                console.Write(t);
            }
            return rows.Any(r => r.State == "failing") ? ExitCodes.CheckFailed : ExitCodes.Ok;
        }));

        var channelArg = new Argument<string>("channel") { Description = "The channel's name in the manifest's notifications: section" };
        var test = new Command("test", "Send a test message to one channel now (not through the outbox) and report the answer") { channelArg };
        test.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var name = parse.GetValue(channelArg)!;
            var known = rt.Manifest.Notifications.Channels.Select(c => c.Name).ToList();
            var channel = NotificationsSetup.Channels(rt).FirstOrDefault(c => c.Name == name);
            if (channel is null)
            {
                io.Error(rt.Masker, $"no notification channel '{name}' in {rt.Manifest.SourcePath}; " +
                    (known.Count == 0 ? "the manifest has no notifications: section (docs/notifications.md)" : $"channels: {string.Join(", ", known)}"));
                return ExitCodes.NotFound;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var outcome = await channel.SendAsync(NotificationMessage.Test(name, TimeProvider.System.GetUtcNow()), timeout.Token).ConfigureAwait(false);
            if (!outcome.IsSuccess)
            {
                io.Error(rt.Masker, $"test message to {name} failed ({(outcome.Kind == OutcomeKind.Permanent ? "permanent" : "transient")}): {outcome.Message}");
                return ExitCodes.Failure;
            }
            io.Out.WriteLine(rt.Masker.Scrub($"sent a test message to {name} ({channel.Spec.Kind}): {outcome.Message}"));
            return ExitCodes.Ok;
        }));
        return new Command("notifications", "Notification channels: delivery status, test messages, purge of old ones (docs/notifications.md)")
        {
            status, test, NotificationsPurgeCommand.Build(io),
        };
    }

    private sealed record StatusRow(string Channel, string Kind, string Events, string State, int Queued, int Dead, int Sent,
        DateTimeOffset? LastSuccessAt, DateTimeOffset? LastFailureAt, string? LastError);

    private static StatusRow Row(ChannelSpec c, ChannelDeliveryStats? s) => new(
        c.Name, c.Kind, c.Events.Count == 0 ? "all" : string.Join(",", c.Events),
        s is null ? "idle" : s.Failing ? "failing" : s.Dead > 0 ? "has dead" : "ok",
        s?.Pending ?? 0, s?.Dead ?? 0, s?.Sent ?? 0, s?.LastSentAt, s?.LastFailedAt, s?.LastError);

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string When(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";
}
