using System.Text.RegularExpressions;
using Velvet.Core.Notifications;
using YamlDotNet.RepresentationModel;

namespace Velvet.Core.Manifest;

public static partial class ManifestLoader
{
    private static NotificationSettings ReadNotifications(YamlMap root, ManifestErrorSink errors)
    {
        var section = root.Map("notifications", "notifications", ManifestKeys.Notifications, "{ channels: [ { name: ops, kind: slack_webhook, url_secret: NAME } ] }");
        if (section is null) return NotificationSettings.None;
        var maxAttempts = section.Int("max_attempts", n => n is >= 1 and <= 100, "must be a whole number from 1 to 100", "write max_attempts: 8 (the default)");
        var channels = new List<ChannelSpec>();
        foreach (var (node, number) in Entries(section, "channels", "name: NAME", errors))
        {
            if (ReadChannel(node, number, errors) is not { } channel) continue;
            if (channels.Any(c => c.Name == channel.Name))
                errors.At(node, $"notifications: channel name \"{channel.Name}\" is used twice", "give every channel a unique name (it is what `velvet notifications test NAME` takes)");
            else
                channels.Add(channel);
        }
        return new NotificationSettings
        {
            Channels = channels, MaxAttempts = maxAttempts ?? 8,
            Retention = Span(section, "retention", TimeSpan.FromHours(1), "30d", errors) ?? NotificationSettings.DefaultRetention,
            FailedRetention = Span(section, "failed_retention", TimeSpan.FromHours(1), "90d", errors) ?? NotificationSettings.DefaultFailedRetention,
            HealthWatchInterval = section.Map("health", "notifications: health", ManifestKeys.HealthWatch, "{ interval: 6h }") is { } health
                ? Span(health, "interval", HealthWatchMinInterval, "6h", errors) ?? (health.Has("interval") ? null : MissingInterval(health, errors))
                : null,
        };
    }

    /// <summary>The health watch probes every vendor: more often than this would spend their API quota for nothing.</summary>
    public static readonly TimeSpan HealthWatchMinInterval = TimeSpan.FromMinutes(5);

    private static TimeSpan? MissingInterval(YamlMap health, ManifestErrorSink errors)
    {
        errors.At(health.Node, "notifications: health: missing required key interval", "write health: { interval: 6h }, or remove health: to turn the watch off");
        return null;
    }

    /// <summary>A duration setting (<c>30d</c>, <c>6h</c>) of at least <paramref name="min"/>; null when absent or reported.</summary>
    private static TimeSpan? Span(YamlMap map, string key, TimeSpan min, string example, ManifestErrorSink errors)
    {
        if (map.Text(key) is not { } text) return null;
        if (DurationText.TryParse(text.Value, out var span) && span >= min) return span;
        errors.At(text.Start, $"{map.Where}: {key} \"{text.Value}\" is not a duration of at least {DurationText.Format(min)}",
            $"write {key}: {example} ({DurationText.Expected})");
        return null;
    }

    private static ChannelSpec? ReadChannel(YamlMappingNode node, int number, ManifestErrorSink errors)
    {
        var where = YamlMap.Peek(node, "name") is { } n ? $"notification channel {n}" : $"notification channel #{number}";
        var kindText = YamlMap.Peek(node, "kind");
        var kind = kindText is not null && ChannelKinds.All.Contains(kindText, StringComparer.Ordinal) ? kindText : null;
        // Until the kind is known every kind's settings are accepted, so a bad kind is reported once, not with each key.
        var known = ManifestKeys.Channel.Concat(kind is null ? ChannelKinds.All.SelectMany(AllSettings) : AllSettings(kind)).Distinct().ToList();
        var map = YamlMap.Open(node, where, known, errors);
        var name = map.RequiredText("name", "add name: NAME (letters, digits, - and _), e.g. name: ops-slack");
        if (name is { } nm && !ChannelName().IsMatch(nm.Value))
            errors.At(nm.Start, $"{where}: name \"{nm.Value}\" is not a plain name", "use letters, digits, - and _ only, e.g. ops-slack");
        var kindValue = map.RequiredText("kind", $"add kind: with one of: {string.Join(", ", ChannelKinds.All)}");
        if (kindValue is { } kv && kind is null)
            errors.At(kv.Start, $"{where}: unknown kind \"{kv.Value}\"", Suggest.OneOf(kv.Value, ChannelKinds.All));
        var events = Choices(map, "events", NotificationKinds.Filterable, "rev_leaked, done", errors);
        if (name is null || kind is null) return null;

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in AllSettings(kind))
        {
            if (key == "to")
            {
                if (map.List("to", "ops@example.com") is { } to) settings["to"] = string.Join(",", to.Select(t => t.Value));
            }
            else if (map.Text(key) is { } value)
            {
                settings[key] = value.Value;
            }
        }
        foreach (var required in ChannelKinds.Required(kind).Where(r => !settings.ContainsKey(r)))
            errors.At(node, $"{where}: missing required key {required}", RequiredFix(kind, required));
        CheckChannel(map, where, kind, settings, errors);
        return new ChannelSpec { Name = name.Value.Value, Kind = kind, Events = events, Settings = settings, Line = (int)node.Start.Line };
    }

    private static IEnumerable<string> AllSettings(string kind) => ChannelKinds.Required(kind).Concat(ChannelKinds.Optional(kind));

    private static void CheckChannel(YamlMap map, string where, string kind, Dictionary<string, string> settings, ManifestErrorSink errors)
    {
        foreach (var (key, value) in settings.Where(s => s.Key.EndsWith("_secret", StringComparison.Ordinal)))
        {
            // A *_secret setting names where the value lives; a pasted URL or token here would sit in git.
            if (!SecretName().IsMatch(value))
                errors.At(map.KeyStart(key), $"{where}: {key} must name a secret (e.g. SLACK_OPS_WEBHOOK), not hold one",
                    $"put the value in the environment as VELVET_SECRET_NAME and write {key}: NAME");
        }
        if (kind == ChannelKinds.Webhook && settings.ContainsKey("url") == settings.ContainsKey("url_secret"))
            errors.At(map.Node, $"{where}: a webhook needs exactly one of url and url_secret",
                "write url: https://… for a URL that holds no secret, or url_secret: NAME when the URL itself is one");
        foreach (var key in new[] { "url", "api_url" }.Where(settings.ContainsKey))
        {
            if (!Uri.TryCreate(settings[key], UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
                errors.At(map.KeyStart(key), $"{where}: {key} must be an http(s) URL", $"write {key}: https://host/path");
        }
        if (kind == ChannelKinds.Email)
        {
            if (settings.TryGetValue("port", out var port) && !(int.TryParse(port, out var p) && p is >= 1 and <= 65535))
                errors.At(map.KeyStart("port"), $"{where}: port must be a number from 1 to 65535", "write port: 587 (STARTTLS) or 465 (ssl)");
            if (settings.TryGetValue("tls", out var tls) && !ChannelKinds.TlsModes.Contains(tls, StringComparer.Ordinal))
                errors.At(map.KeyStart("tls"), $"{where}: unknown tls \"{tls}\"", Suggest.OneOf(tls, ChannelKinds.TlsModes));
            if (settings.ContainsKey("username") != settings.ContainsKey("password_secret"))
                errors.At(map.Node, $"{where}: username and password_secret go together", "give both (SMTP AUTH) or neither (an unauthenticated relay)");
        }
    }

    private static string RequiredFix(string kind, string key) => (kind, key) switch
    {
        (_, "url_secret") => "add url_secret: NAME and put the webhook URL (it is a secret) in VELVET_SECRET_NAME",
        (_, "token_secret") => "add token_secret: NAME and put the bot token (xoxb-…) in VELVET_SECRET_NAME",
        (_, "channel") => "add channel: the Slack channel or DM id, e.g. C0123456789",
        (_, "to") => "add to: [ops@example.com]",
        _ => $"add {key}: (see docs/notifications.md, {kind})",
    };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex ChannelName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex SecretName();
}
