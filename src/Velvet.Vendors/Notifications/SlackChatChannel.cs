using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Notifications;

/// <summary>
/// Slack chat.postMessage with a bot token (Authorization: Bearer). Slack answers 200 with {"ok":false,"error":"…"}
/// on failure: that is a failure, permanent for errors a retry cannot fix (invalid_auth, channel_not_found…), and
/// 429 with Retry-After when rate limited.
/// </summary>
internal sealed partial class SlackChatChannel(ChannelSpec spec, ISecretSource secrets, HttpClient http, TimeProvider time) : HttpChannel(spec, http, time)
{
    public const string DefaultApiUrl = "https://slack.com/api/chat.postMessage";

    /// <summary>Slack error codes a retry cannot fix: the token, the channel or the app's scopes must change.</summary>
    private static readonly HashSet<string> PermanentErrors = new(StringComparer.Ordinal)
    {
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission", "missing_scope",
        "channel_not_found", "is_archived", "not_in_channel", "restricted_action", "invalid_arguments", "invalid_blocks",
        "msg_too_long", "no_text", "team_access_not_granted", "ekm_access_denied",
    };

    public override async Task<Outcome> SendAsync(NotificationMessage message, CancellationToken ct)
    {
        var (token, missing) = ChannelSecrets.Get(Spec, "token_secret", secrets);
        if (missing is not null) return missing;
        var url = new Uri(Spec.Setting("api_url") ?? DefaultApiUrl);
        var body = JsonSerializer.SerializeToUtf8Bytes(MessageFormat.Slack(message, Spec.Setting("channel")));
        return await PostAsync(url, body, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token!.Reveal()), JudgeAsync, ct).ConfigureAwait(false);
    }

    private async Task<Outcome> JudgeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var answer = await HttpJson.ReadAsync(response, root => root.ValueKind == JsonValueKind.Object
            ? new Answer(root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True,
                root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null)
            : null, ct).ConfigureAwait(false);
        var call = $"channel {Name} (slack_chat)";
        if (answer is null) return Outcome.Transient($"{call}: Slack answered 200 with a body that is not its JSON; retry");
        if (answer.Ok) return Outcome.Ok($"{call}: ok");
        // Only a plain error code is shown; anything else might be an echo.
        var error = answer.Error is { } e && ErrorCode().IsMatch(e) ? e : "unknown_error";
        if (error == "ratelimited") return Outcome.Transient($"{call}: Slack error ratelimited; retry", 200, HttpOutcomes.RetryAfter(response, Time));
        return PermanentErrors.Contains(error)
            ? Outcome.Permanent($"{call}: Slack error {error}: {Advice(error)}", 200)
            : Outcome.Transient($"{call}: Slack error {error}; retry", 200);
    }

    private static string Advice(string error) => error switch
    {
        "invalid_auth" or "not_authed" or "token_revoked" or "token_expired" or "account_inactive" =>
            "the bot token is not valid; put a current xoxb- token in the secret token_secret names",
        "channel_not_found" or "not_in_channel" or "is_archived" => "check channel: (the id, e.g. C0123456789) and invite the bot to it",
        "missing_scope" or "no_permission" => "give the Slack app the chat:write scope and reinstall it",
        _ => "fix the channel's settings",
    };

    private sealed record Answer(bool Ok, string? Error);

    [GeneratedRegex("^[a-z_]{1,64}$")]
    private static partial Regex ErrorCode();
}
