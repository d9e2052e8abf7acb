using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Http;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Infisical;

/// <summary>
/// One machine identity's access token on one Infisical instance (Universal Auth). Logged in on first use, kept
/// until shortly before <c>expiresIn</c> runs out, then logged in again; a 401 drops it so the next call logs in once more.
/// Shared by every consumer using the same instance and client id/secret.
/// </summary>
public sealed class InfisicalSession(Uri apiUrl, HttpCaller caller, SecretMasker masker)
{
    /// <summary>Log in again this long before the token expires (at most a fifth of its lifetime).</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SecretValue? _token;
    private DateTimeOffset _refreshAt;

    /// <summary>A valid access token, logging in when there is none or it is about to expire.</summary>
    public async Task<(Outcome Outcome, SecretValue? Token)> TokenAsync(SecretValue clientId, SecretValue clientSecret, string who, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_token is { } cached && caller.Time.GetUtcNow() < _refreshAt) return (Outcome.Ok(), cached);
            return await LoginAsync(clientId, clientSecret, who, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="refused"/> (Infisical answered 401 to it) unless another call already replaced it.</summary>
    public void Drop(SecretValue refused)
    {
        // Reference equality: only the token that was refused is dropped.
        Interlocked.CompareExchange(ref _token, null, refused);
    }

    private async Task<(Outcome, SecretValue?)> LoginAsync(SecretValue clientId, SecretValue clientSecret, string who, CancellationToken ct)
    {
        var url = new Uri(apiUrl, InfisicalApi.LoginPath);
        var call = $"POST {HttpOutcomes.Describe(url)}";
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["clientId"] = clientId.Reveal(), ["clientSecret"] = clientSecret.Reveal() });
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        SecretValue? token = null;
        var outcome = await caller.SendAsync(request, call, async (response, c) =>
        {
            var status = (int)response.StatusCode;
            if (status == 429) return HttpOutcomes.RateLimited(response, call, caller.Time);
            if (HttpOutcomes.IsTransient(status)) return HttpOutcomes.Transient(response, call, caller.Time);
            if (status is 400 or 401 or 403)
                return Outcome.Permanent($"{call}: {status} {HttpOutcomes.Reason(status)}: Infisical refused the machine identity's client id/secret ({who}); " +
                    "check them and the identity's Universal Auth settings (trusted IPs, client secret not revoked or expired). They are Velvet's own bootstrap credentials: rotate them by hand", status);
            if (status == 404)
                return Outcome.Permanent($"{call}: 404 not found: no Universal Auth login here; check api_url (the instance's base URL, e.g. https://us.infisical.com)", status);
            if (!response.IsSuccessStatusCode)
                return Outcome.Permanent($"{call}: {status} {HttpOutcomes.Reason(status)}: unexpected answer to the login", status);
            using var doc = await JsonAnswer.ReadAsync(response, c).ConfigureAwait(false);
            var access = doc is null ? null : JsonAnswer.String(doc.RootElement, "accessToken");
            if (string.IsNullOrEmpty(access) || doc is null || !doc.RootElement.TryGetProperty("expiresIn", out var e) || !e.TryGetInt64(out var expiresIn) || expiresIn <= 0)
                return Outcome.Permanent($"{call}: {status} without an accessToken and expiresIn; is api_url an Infisical instance?", status);
            token = new SecretValue(access);
            // The token is a credential too: masked before anything could print it.
            masker.Register(token);
            var lifetime = TimeSpan.FromSeconds(expiresIn);
            var margin = TimeSpan.FromTicks(Math.Min(RefreshMargin.Ticks, lifetime.Ticks / 5));
            _refreshAt = caller.Time.GetUtcNow() + lifetime - margin;
            return Outcome.Ok($"{call}: logged in for {expiresIn} s");
        }, ct).ConfigureAwait(false);
        Array.Clear(body);
        if (token is not null) _token = token;
        return (outcome, token);
    }
}

/// <summary>The sessions of one catalog, one per instance and client id/secret (a rotated client secret gets a new one).</summary>
public sealed class InfisicalSessions(HttpCaller caller, SecretMasker masker)
{
    private readonly ConcurrentDictionary<string, InfisicalSession> _sessions = new(StringComparer.Ordinal);

    public HttpCaller Caller => caller;

    public InfisicalSession For(Uri apiUrl, SecretValue clientId, SecretValue clientSecret) =>
        _sessions.GetOrAdd($"{apiUrl} {Fingerprints.Sha256(clientId.Reveal() + "\n" + clientSecret.Reveal())}", _ => new InfisicalSession(apiUrl, caller, masker));

    /// <summary>The client id and secret named by the options, or an outcome saying which is missing.</summary>
    public static (Outcome? Missing, SecretValue? Id, SecretValue? Secret) Credentials(InfisicalOptions options, ISecretSource secrets)
    {
        var id = secrets.Get(options.ClientIdName);
        var secret = secrets.Get(options.ClientSecretName);
        var missing = id is null ? options.ClientIdName : secret is null ? options.ClientSecretName : null;
        if (missing is null) return (null, id, secret);
        return (Outcome.Permanent($"{options.ConsumerId}: the Infisical machine identity's {(missing == options.ClientIdName ? "client id" : "client secret")} " +
            $"{missing} has no current value; give it to Velvet, e.g. as the environment variable {EnvSecretSource.VariableFor(missing)}"), null, null);
    }
}
