using System.Security.Cryptography;
using System.Text.Json;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Heroku;

/// <summary>
/// One config var of a Heroku app. Push: PATCH /apps/{app}/config-vars with only our key; the answer echoes every
/// var of the app, so it is disposed unread. Validate: read the vars back and compare our key's fingerprint only.
/// A deleted app (404) skips the row with the reason instead of failing it forever.
/// </summary>
public sealed class HerokuConfigVarConsumer : IConsumerAdapter, IValuePresence
{
    public const string KindName = "heroku-config-var";
    private readonly HerokuConfigVarOptions _options;
    private readonly HerokuClient _client;
    private readonly IHealthcheck? _healthcheck;
    private readonly string _path;

    public HerokuConfigVarConsumer(HerokuConfigVarOptions options, HerokuClient client, IHealthcheck? healthcheck)
    {
        _options = options;
        _client = client;
        _healthcheck = healthcheck;
        _path = $"apps/{HerokuClient.Segment(options.App)}/config-vars";
    }

    public string Kind => KindName;

    /// <summary>What a row's fingerprint read-back found: our key's fingerprint, or null when the key is not set.</summary>
    private sealed record ReadBack(string? Fingerprint);

    public async Task<Outcome> PushAsync(ConsumerContext ctx, SecretValue value, CancellationToken ct)
    {
        if (Auth(ctx) is not { } auth) return NoAuth();
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { [_options.Key] = value.Reveal() });
        try
        {
            // No reader: the 200 answer is the app's complete var map (DATABASE_URL and all); only its status is used.
            var answer = await _client.SendAsync<string>(HttpMethod.Patch, _path, auth, _options.AuthTokenName, body, null, ct).ConfigureAwait(false);
            if (answer.Status == 404) return AppGone();
            return answer.IsSuccess ? answer.Outcome with { Message = $"{answer.Outcome.Message}; set {_options.Key} ({value.Fingerprint})" } : answer.Outcome;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    /// <summary>Provision check: reads the app's vars (fingerprint of our key only).</summary>
    public async Task<PresenceResult> PresenceAsync(ConsumerContext ctx, CancellationToken ct)
    {
        if (Auth(ctx) is not { } auth) return new PresenceResult(Presence.Unknown, NoAuth().Message!);
        var answer = await ReadBackAsync(auth, ct).ConfigureAwait(false);
        if (answer.Status == 404) return new PresenceResult(Presence.Unknown, AppGone().Message!);
        if (!answer.IsSuccess) return new PresenceResult(Presence.Unknown, $"config vars of {_options.App} could not be read: {answer.Outcome.Message}");
        return answer.Value!.Fingerprint is { } held
            ? new PresenceResult(Presence.Present, $"{_options.Key} is set on {_options.App} ({held})")
            : new PresenceResult(Presence.Absent, $"{_options.Key} is not set on {_options.App}");
    }

    private Task<HerokuAnswer<ReadBack>> ReadBackAsync(SecretValue auth, CancellationToken ct)
    {
        var key = _options.Key;
        return _client.SendAsync(HttpMethod.Get, _path, auth, _options.AuthTokenName, null, root =>
            root.ValueKind != JsonValueKind.Object ? null
            : root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? new ReadBack(Fingerprints.Sha256(v.GetString()!))
            : new ReadBack(null), ct);
    }

    public async Task<Outcome> ValidateAsync(ConsumerContext ctx, CancellationToken ct)
    {
        if (ctx.ExpectedFingerprint is not { } expected)
            return Outcome.Confirm($"no fingerprint of the new value to compare with: confirm manually that {_options.App} has the new {_options.Key}");
        if (Auth(ctx) is not { } auth) return NoAuth();
        var key = _options.Key;
        var answer = await ReadBackAsync(auth, ct).ConfigureAwait(false);
        if (answer.Status == 404) return AppGone();
        if (!answer.IsSuccess) return answer.Outcome;
        return answer.Value!.Fingerprint switch
        {
            null => Outcome.Permanent($"{key} is not set on {_options.App}; push again (retry_failed) and check nothing unsets it"),
            var held when string.Equals(held, expected, StringComparison.Ordinal) => Outcome.Ok($"{key} on {_options.App} holds the new value ({expected})"),
            _ => Outcome.Permanent($"{key} on {_options.App} holds a different value than the one distributed ({expected}); something wrote it after Velvet: find it, then retry"),
        };
    }

    public Task<Outcome> ProbeRejectedAsync(ConsumerContext ctx, CancellationToken ct) =>
        _healthcheck?.CheckRefusedAsync(ctx, ct)
        ?? Task.FromResult(Outcome.Confirm($"no healthcheck_endpoint: confirm manually that {_options.App} now refuses the revoked credential"));

    private SecretValue? Auth(ConsumerContext ctx) => ctx.Secrets.Get(_options.AuthTokenName);

    private Outcome NoAuth() => Outcome.Permanent(
        $"{_options.ConsumerId}: the Heroku credential {_options.AuthTokenName} (update_auth_token_name) has no current value; " +
        $"give it to Velvet, e.g. as the environment variable {EnvSecretSource.VariableFor(_options.AuthTokenName)}");

    private Outcome AppGone() => Outcome.Skip(
        $"app {_options.App} not found at Heroku (404): deleted or renamed. Row skipped; remove {_options.ConsumerId} from the manifest (or fix its app setting)");
}
