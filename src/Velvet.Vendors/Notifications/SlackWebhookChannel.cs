using System.Text.Json;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;

namespace Velvet.Vendors.Notifications;

/// <summary>Slack incoming webhook: POST {text, blocks} to the URL in the secret <c>url_secret</c> names. Slack answers 200 "ok".</summary>
internal sealed class SlackWebhookChannel(ChannelSpec spec, ISecretSource secrets, HttpClient http, TimeProvider time) : HttpChannel(spec, http, time)
{
    public override async Task<Outcome> SendAsync(NotificationMessage message, CancellationToken ct)
    {
        var (url, missing) = ChannelSecrets.Get(Spec, "url_secret", secrets);
        if (missing is not null) return missing;
        if (!Uri.TryCreate(url!.Reveal(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            return Outcome.Permanent($"channel {Name}: the secret {Spec.Setting("url_secret")} is not an http(s) URL; store the webhook URL Slack gave you");
        return await PostAsync(uri, JsonSerializer.SerializeToUtf8Bytes(MessageFormat.Slack(message)), null, null, ct).ConfigureAwait(false);
    }
}
