using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Http;

/// <summary>
/// A generic HTTP endpoint that receives the new value as <c>{"&lt;body_field&gt;": "&lt;value&gt;"}</c>, authenticated
/// with another credential's current value. Validation and revocation probes go through its healthcheck when it has one.
/// </summary>
public sealed class HttpConsumer : IConsumerAdapter
{
    public const string KindName = "http";
    private readonly HttpConsumerOptions _options;
    private readonly HttpCaller _caller;
    private readonly IHealthcheck? _healthcheck;
    private readonly string _call;

    public HttpConsumer(HttpConsumerOptions options, HttpCaller caller, IHealthcheck? healthcheck)
    {
        _options = options;
        _caller = caller;
        _healthcheck = healthcheck;
        _call = $"{options.Method.Method} {HttpOutcomes.Describe(options.UpdateEndpoint)}";
    }

    public string Kind => KindName;

    public async Task<Outcome> PushAsync(ConsumerContext ctx, SecretValue value, CancellationToken ct)
    {
        SecretValue? auth = null;
        if (_options.AuthTokenName is { } authName)
        {
            auth = ctx.Secrets.Get(authName);
            if (auth is null)
                return Outcome.Permanent(
                    $"{ctx.ConsumerId}: the update credential {authName} (update_auth_token_name) has no current value; " +
                    $"give it to Velvet, e.g. as the environment variable {EnvSecretSource.VariableFor(authName)}");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { [_options.BodyField] = value.Reveal() });
        try
        {
            using var request = new HttpRequestMessage(_options.Method, _options.UpdateEndpoint);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            if (auth is not null)
            {
                if (_options.UsesBearer) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auth.Reveal());
                else request.Headers.TryAddWithoutValidation(_options.AuthHeader, auth.Reveal());
            }
            var outcome = await _caller.SendAsync(request, _call, r => HttpOutcomes.ForUpdate(r, _call, _caller.Time), ct).ConfigureAwait(false);
            return outcome.IsSuccess ? outcome with { Message = $"{outcome.Message}; sent {value.Fingerprint}" } : outcome;
        }
        finally
        {
            // The serialised body is the only plain copy we made; do not leave it for the GC.
            CryptographicOperations.ZeroMemory(body);
        }
    }

    public Task<Outcome> ValidateAsync(ConsumerContext ctx, CancellationToken ct) =>
        _healthcheck?.CheckHealthyAsync(ctx, ct)
        ?? Task.FromResult(Outcome.Confirm($"no healthcheck_endpoint: confirm manually that {ctx.ConsumerId} works with the new value"));

    public Task<Outcome> ProbeRejectedAsync(ConsumerContext ctx, CancellationToken ct) =>
        _healthcheck?.CheckRefusedAsync(ctx, ct)
        ?? Task.FromResult(Outcome.Confirm($"no healthcheck_endpoint: confirm manually that {ctx.ConsumerId} now refuses the revoked credential"));
}
