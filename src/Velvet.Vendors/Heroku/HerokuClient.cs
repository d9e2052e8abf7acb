using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Heroku;

/// <summary>Which Heroku API a client talks to: they differ in the Accept and Authorization headers.</summary>
public enum HerokuApi
{
    /// <summary>api.heroku.com: <c>Accept: application/vnd.heroku+json; version=3</c>, <c>Authorization: Bearer</c>.</summary>
    Platform = 0,
    /// <summary>api.data.heroku.com (Postgres credentials): <c>Authorization: Basic base64(":" + token)</c>, as the Heroku CLI sends it.</summary>
    Data = 1,
}

/// <summary>
/// Sends one call to a Heroku API: the documented headers, the account's rate-limit pacing, and the answer classified
/// (2xx ok, 408/429/5xx transient with Retry-After, the rest permanent with advice). Bodies are read only by the
/// caller's reader on success; a body of a refusal is read for Heroku's error id alone.
/// </summary>
public sealed class HerokuClient
{
    public const string AcceptV3 = "application/vnd.heroku+json; version=3";
    private readonly HttpCaller _caller;
    private readonly HerokuRateGate _gate;
    private readonly HerokuApi _api;

    public HerokuClient(HttpCaller caller, HerokuRateGate gate, Uri baseUrl, HerokuApi api = HerokuApi.Platform)
    {
        _caller = caller;
        _gate = gate;
        _api = api;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>A path segment as Heroku expects it (app, add-on and credential names are escaped).</summary>
    public static string Segment(string name) => Uri.EscapeDataString(name);

    /// <summary>
    /// Calls <paramref name="path"/> authenticated by <paramref name="token"/> (the value of <paramref name="tokenName"/>).
    /// On success, <paramref name="read"/> picks what it needs out of the JSON body; without a reader the body is disposed unread.
    /// <paramref name="range"/> is Heroku's list <c>Range</c> header (e.g. <c>id ..; max=1000</c>).
    /// </summary>
    public async Task<HerokuAnswer<T>> SendAsync<T>(HttpMethod method, string path, SecretValue token, string tokenName,
        byte[]? body, Func<JsonElement, T?>? read, CancellationToken ct, string? range = null) where T : class
    {
        var account = token.Fingerprint;
        var waited = await _gate.WaitAsync(account, ct).ConfigureAwait(false);
        var call = $"{method.Method} /{path}";
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(_api == HerokuApi.Platform ? AcceptV3 : "application/json"));
        request.Headers.Authorization = _api == HerokuApi.Platform
            ? new AuthenticationHeaderValue("Bearer", token.Reveal())
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + token.Reveal())));
        if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }
        return await _caller.SendAsync(request, call, async (response, c) =>
        {
            var status = (int)response.StatusCode;
            var retryAfter = HttpOutcomes.RetryAfter(response, _caller.Time);
            var remaining = _gate.Observe(account, response, retryAfter);
            if (status is >= 200 and <= 299)
            {
                var ok = Outcome.Ok($"{call}: {status}{PaceNote(waited, remaining)}");
                if (read is null) return new HerokuAnswer<T>(ok, null, status);
                var value = await HttpJson.ReadAsync(response, read, c).ConfigureAwait(false);
                return value is null
                    ? new HerokuAnswer<T>(Outcome.Permanent($"{call}: {status}, but the answer is not what Heroku documents; check base_url points at Heroku's API", status), null, status)
                    : new HerokuAnswer<T>(ok, value, status)
                    {
                        NextRange = status == 206 && response.Headers.TryGetValues("Next-Range", out var next) ? next.FirstOrDefault() : null,
                    };
            }
            if (HttpOutcomes.IsTransient(status))
            {
                var transient = HttpOutcomes.Transient(response, call, _caller.Time);
                // Heroku's 429 may come without Retry-After: wait at least one refill of the bucket.
                if (status == 429 && transient.RetryAfter is null) transient = transient with { RetryAfter = _gate.RefillInterval };
                return new HerokuAnswer<T>(transient, null, status, status == 429 ? "rate_limit" : null);
            }
            var id = await HerokuErrors.IdAsync(response, c).ConfigureAwait(false);
            return new HerokuAnswer<T>(HttpOutcomes.Permanent(response, call, HerokuErrors.Advice(status, id, tokenName)), null, status, id);
        }, failure => new HerokuAnswer<T>(failure), ct).ConfigureAwait(false);
    }

    /// <summary>A body-less call whose answer body is not needed.</summary>
    public Task<HerokuAnswer<string>> SendAsync(HttpMethod method, string path, SecretValue token, string tokenName, CancellationToken ct) =>
        SendAsync<string>(method, path, token, tokenName, null, null, ct);

    private string PaceNote(TimeSpan waited, int? remaining) =>
        waited > TimeSpan.Zero
            ? $" (paced {waited.TotalSeconds:0.0} s: RateLimit-Remaining below {_gate.Floor})"
            : remaining is { } r && r < _gate.Floor ? $" (RateLimit-Remaining {r}: pacing the next calls)" : "";
}
