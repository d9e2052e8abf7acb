namespace Velvet.Core.Notifications;

/// <summary>The manifest's <c>notifications:</c> section: where messages go and how hard to try.</summary>
public sealed record NotificationSettings
{
    // Declared before None: static fields initialise in order, and None reads them.
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(30);
    public static readonly TimeSpan DefaultFailedRetention = TimeSpan.FromDays(90);
    public static readonly NotificationSettings None = new() { Channels = [] };

    public required IReadOnlyList<ChannelSpec> Channels { get; init; }
    /// <summary>Attempts per message before it is dead.</summary>
    public int MaxAttempts { get; init; } = 8;
    /// <summary>How long a notification whose every delivery was sent is kept before the hourly purge removes it.</summary>
    public TimeSpan Retention { get; init; } = DefaultRetention;
    /// <summary>How long a notification with a dead (failed for good) delivery is kept, so an operator can still see it.</summary>
    public TimeSpan FailedRetention { get; init; } = DefaultFailedRetention;
    /// <summary>The periodic credential health watch (<c>health: { interval: 6h }</c>); null = off.</summary>
    public TimeSpan? HealthWatchInterval { get; init; }

    public ChannelSpec? Find(string name) => Channels.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}

/// <summary>
/// One channel. Settings are plain metadata (host, Slack channel id, addresses); secrets are referenced by name in
/// the <c>*_secret</c> settings and read through <c>ISecretSource</c> (VELVET_SECRET_NAME) when a message is sent.
/// </summary>
public sealed record ChannelSpec
{
    public required string Name { get; init; }
    /// <summary>One of <see cref="ChannelKinds"/>.</summary>
    public required string Kind { get; init; }
    /// <summary>The events this channel receives; empty = all.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
    /// <summary>Source line (for messages about this channel).</summary>
    public int Line { get; init; }

    public string? Setting(string key) => Settings.TryGetValue(key, out var v) ? v : null;

    /// <summary>True when the channel's filter lets <paramref name="kind"/> through (a test message always passes).</summary>
    public bool Wants(string kind) => kind == NotificationKinds.Test || Events.Count == 0 || Events.Contains(kind, StringComparer.Ordinal);
}

/// <summary>The channel kinds and the settings each takes (besides name, kind, events).</summary>
public static class ChannelKinds
{
    /// <summary>Slack incoming webhook: POST {text, blocks} to the webhook URL (a secret: url_secret).</summary>
    public const string SlackWebhook = "slack_webhook";
    /// <summary>Slack chat.postMessage with a bot token (token_secret) to a channel id.</summary>
    public const string SlackChat = "slack_chat";
    /// <summary>Email over SMTP.</summary>
    public const string Email = "email";
    /// <summary>Generic webhook: POST the message as JSON, optionally signed with HMAC-SHA256.</summary>
    public const string Webhook = "webhook";

    public static readonly IReadOnlyList<string> All = [SlackWebhook, SlackChat, Email, Webhook];

    /// <summary>Settings that must be present, per kind. For webhook, one of url / url_secret (checked by the loader).</summary>
    public static IReadOnlyList<string> Required(string kind) => kind switch
    {
        SlackWebhook => ["url_secret"],
        SlackChat => ["token_secret", "channel"],
        Email => ["host", "from", "to"],
        _ => [],
    };

    public static IReadOnlyList<string> Optional(string kind) => kind switch
    {
        SlackChat => ["api_url"],
        Email => ["port", "tls", "username", "password_secret"],
        Webhook => ["url", "url_secret", "signing_secret", "signature_header"],
        _ => [],
    };

    /// <summary>email's tls: values.</summary>
    public static readonly IReadOnlyList<string> TlsModes = ["starttls", "ssl", "none", "auto"];
}
