using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Cloudflare;

/// <summary>A token as Cloudflare describes it (verify, read, create), never with its value unless just minted.</summary>
public sealed record CloudflareToken(string Id, string? Status, string? Name, JsonNode? Policies, JsonNode? Condition, DateTimeOffset? ExpiresOn = null);

/// <summary>
/// Cloudflare's token API (vendor-apis §6) on <see cref="HttpCaller"/>: Bearer auth, the {success, errors, messages,
/// result} envelope. Answers are classified by <see cref="CloudflareErrors"/>; only error codes and messages are
/// ever put in an outcome, never a result (which holds the value after create or roll).
/// </summary>
public sealed class CloudflareClient(CloudflareTokenOptions options, HttpCaller caller)
{
    public Task<(Outcome Outcome, CloudflareToken? Token)> VerifyAsync(SecretValue token, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"{options.TokensPath}/verify", token, null, Token, ct);

    public Task<(Outcome Outcome, CloudflareToken? Token)> GetAsync(SecretValue auth, string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"{options.TokensPath}/{id}", auth, null, Token, ct);

    public Task<(Outcome Outcome, IReadOnlyList<CloudflareToken>? Tokens)> ListAsync(SecretValue auth, CancellationToken ct) =>
        SendAsync<IReadOnlyList<CloudflareToken>>(HttpMethod.Get, $"{options.TokensPath}?per_page=100", auth, null,
            r => r.ValueKind == JsonValueKind.Array ? [.. r.EnumerateArray().Select(Token).OfType<CloudflareToken>()] : null, ct);

    /// <summary>POST a new token with <paramref name="template"/>'s policies and condition; the value is shown once.</summary>
    public Task<(Outcome Outcome, (CloudflareToken Token, SecretValue Value)? Created)> CreateAsync(SecretValue auth, string name, CloudflareToken template, CancellationToken ct)
    {
        var body = new JsonObject { ["name"] = name, ["policies"] = template.Policies?.DeepClone() };
        if (template.Condition is not null) body["condition"] = template.Condition.DeepClone();
        return SendAsync<(CloudflareToken, SecretValue)?>(HttpMethod.Post, options.TokensPath, auth, body,
            r => Token(r) is { } t && JsonAnswer.String(r, "value") is { Length: > 0 } v ? (t, new SecretValue(v)) : null, ct);
    }

    /// <summary>PUT …/{id}/value with {}: the new value; the old one stops working at once.</summary>
    public Task<(Outcome Outcome, SecretValue? Value)> RollAsync(SecretValue auth, string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, $"{options.TokensPath}/{id}/value", auth, new JsonObject(),
            r => r.ValueKind == JsonValueKind.String && r.GetString() is { Length: > 0 } v ? new SecretValue(v) : null, ct);

    public async Task<Outcome> DeleteAsync(SecretValue auth, string id, CancellationToken ct) =>
        (await SendAsync<string>(HttpMethod.Delete, $"{options.TokensPath}/{id}", auth, null, _ => id, ct).ConfigureAwait(false)).Outcome;

    private static CloudflareToken? Token(JsonElement r) =>
        r.ValueKind == JsonValueKind.Object && JsonAnswer.String(r, "id") is { } id
            ? new CloudflareToken(id, JsonAnswer.String(r, "status"), JsonAnswer.String(r, "name"),
                r.TryGetProperty("policies", out var p) ? JsonNode.Parse(p.GetRawText()) : null,
                r.TryGetProperty("condition", out var c) && c.ValueKind == JsonValueKind.Object ? JsonNode.Parse(c.GetRawText()) : null,
                DateTimeOffset.TryParse(JsonAnswer.String(r, "expires_on"), System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var expires) ? expires : null)
            : null;

    private async Task<(Outcome Outcome, T? Value)> SendAsync<T>(HttpMethod method, string path, SecretValue token, JsonNode? body,
        Func<JsonElement, T?> read, CancellationToken ct)
    {
        var url = new Uri(options.ApiUrl, path);
        var call = $"{method} {HttpOutcomes.Describe(url)}";
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Reveal());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        T? value = default;
        var outcome = await caller.SendAsync(request, call, async (response, c) =>
        {
            var status = (int)response.StatusCode;
            if (HttpOutcomes.IsTransient(status)) return HttpOutcomes.Transient(response, call, caller.Time);
            using var doc = await JsonAnswer.ReadAsync(response, c).ConfigureAwait(false);
            var root = doc?.RootElement ?? default;
            var success = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.True;
            if (!response.IsSuccessStatusCode || !success) return CloudflareErrors.Classify(status, root, call);
            value = root.TryGetProperty("result", out var result) ? read(result) : default;
            return value is null
                ? Outcome.Permanent($"{call}: {status} but no usable result; is api_url the Cloudflare API (…/client/v4)?", status)
                : Outcome.Ok($"{call}: {status}");
        }, ct).ConfigureAwait(false);
        return (outcome, outcome.IsSuccess ? value : default);
    }
}
