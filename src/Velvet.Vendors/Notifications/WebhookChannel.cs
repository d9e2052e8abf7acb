using System.Security.Cryptography;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;

namespace Velvet.Vendors.Notifications;

/// <summary>
/// Generic webhook: POST the message as JSON. With <c>signing_secret</c>, the header (default X-Velvet-Signature)
/// carries <c>sha256=HEX</c>, the HMAC-SHA256 of the exact body bytes under that secret, so the receiver can check
/// the message came from Velvet. X-Velvet-Event and X-Velvet-Delivery (the outbox key) help it route and de-duplicate.
/// </summary>
internal sealed class WebhookChannel(ChannelSpec spec, ISecretSource secrets, HttpClient http, TimeProvider time) : HttpChannel(spec, http, time)
{
    public const string DefaultSignatureHeader = "X-Velvet-Signature";

    public override async Task<Outcome> SendAsync(NotificationMessage message, CancellationToken ct)
    {
        string? urlText = Spec.Setting("url");
        if (urlText is null)
        {
            var (secretUrl, missingUrl) = ChannelSecrets.Get(Spec, "url_secret", secrets);
            if (missingUrl is not null) return missingUrl;
            urlText = secretUrl!.Reveal();
        }
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            return Outcome.Permanent($"channel {Name}: the webhook URL is not an http(s) URL");
        var (key, missingKey) = ChannelSecrets.Get(Spec, "signing_secret", secrets);
        if (missingKey is not null) return missingKey;
        var body = Utf8(message.ToJson());
        var header = Spec.Setting("signature_header") ?? DefaultSignatureHeader;
        return await PostAsync(uri, body, r =>
        {
            r.Headers.TryAddWithoutValidation("X-Velvet-Event", message.Event);
            if (message.EventKey is { } k) r.Headers.TryAddWithoutValidation("X-Velvet-Delivery", k);
            if (key is not null) r.Headers.TryAddWithoutValidation(header, Sign(Utf8(key.Reveal()), body));
        }, null, ct).ConfigureAwait(false);
    }

    /// <summary><c>sha256=</c> + lower-case hex HMAC-SHA256 of <paramref name="body"/>.</summary>
    public static string Sign(byte[] key, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));
}
