using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.GitHub;

/// <summary>A repository's (or environment's) public key for sealing secrets, with the id GitHub wants back.</summary>
public sealed record GitHubPublicKey(string KeyId, byte[] Key);

/// <summary>What GitHub tells about a secret: its timestamps, never its value.</summary>
public sealed record GitHubSecretMetadata(DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt);

/// <summary>
/// The three Actions-secrets calls Velvet needs, for a repository secret or an environment secret:
/// GET …/secrets/public-key, PUT …/secrets/{name} (201 created, 204 updated) and GET …/secrets/{name} (metadata).
/// A thin client on <see cref="HttpCaller"/> so every answer is classified in one place (<see cref="GitHubErrors"/>).
/// </summary>
public sealed class GitHubActionsClient(GitHubSecretOptions options, HttpCaller caller)
{
    public const string ApiVersion = "2022-11-28";
    public const string MediaType = "application/vnd.github+json";

    private Uri PublicKeyUrl => new(options.SecretsUrl, "public-key");

    private Uri SecretUrl => new(options.SecretsUrl, options.SecretName);

    public async Task<(Outcome Outcome, GitHubPublicKey? Key)> GetPublicKeyAsync(SecretValue token, CancellationToken ct)
    {
        var call = Call(HttpMethod.Get, PublicKeyUrl);
        GitHubPublicKey? key = null;
        using var request = Request(HttpMethod.Get, PublicKeyUrl, token);
        var outcome = await caller.SendAsync(request, call, async (response, c) =>
        {
            if (!response.IsSuccessStatusCode) return GitHubErrors.Classify(response, call, options, caller.Time);
            using var doc = await JsonAnswer.ReadAsync(response, c).ConfigureAwait(false);
            var id = doc is null ? null : JsonAnswer.String(doc.RootElement, "key_id");
            var raw = doc is null ? null : JsonAnswer.String(doc.RootElement, "key");
            var bytes = Base64(raw);
            if (string.IsNullOrEmpty(id) || bytes is not { Length: GitHubSealedBox.PublicKeyBytes })
                return Outcome.Permanent($"{call}: {(int)response.StatusCode} but no usable {{key_id, key}} (a 32-byte base64 Curve25519 key); is api_url a GitHub API?", (int)response.StatusCode);
            key = new GitHubPublicKey(id, bytes);
            return Outcome.Ok($"{call}: key_id {id}");
        }, ct).ConfigureAwait(false);
        return (outcome, key);
    }

    /// <summary>Creates or updates the secret with a value sealed by <see cref="GitHubSealedBox"/> for <paramref name="keyId"/>.</summary>
    public async Task<Outcome> PutSecretAsync(SecretValue token, string encryptedValue, string keyId, CancellationToken ct)
    {
        var call = Call(HttpMethod.Put, SecretUrl);
        using var request = Request(HttpMethod.Put, SecretUrl, token);
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["encrypted_value"] = encryptedValue,
            ["key_id"] = keyId,
        }));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return await caller.SendAsync(request, call, response => (int)response.StatusCode switch
        {
            201 => Outcome.Ok($"{call}: 201 created"),
            204 => Outcome.Ok($"{call}: 204 updated"),
            >= 200 and <= 299 and var s => Outcome.Ok($"{call}: {s} {HttpOutcomes.Reason(s)}"),
            _ => GitHubErrors.Classify(response, call, options, caller.Time),
        }, ct).ConfigureAwait(false);
    }

    /// <summary>The secret's metadata; a 404 here means the secret (or the repository) is not there.</summary>
    public async Task<(Outcome Outcome, GitHubSecretMetadata? Metadata)> GetSecretAsync(SecretValue token, CancellationToken ct)
    {
        var call = Call(HttpMethod.Get, SecretUrl);
        GitHubSecretMetadata? metadata = null;
        using var request = Request(HttpMethod.Get, SecretUrl, token);
        var outcome = await caller.SendAsync(request, call, async (response, c) =>
        {
            if ((int)response.StatusCode == 404 && !GitHubErrors.IsRateLimit(response))
                return Outcome.Permanent($"{call}: 404 not found: {options.Target} has no secret {options.SecretName} (or the token in {options.TokenName} cannot see the repository); push again with retry_failed", 404);
            if (!response.IsSuccessStatusCode) return GitHubErrors.Classify(response, call, options, caller.Time);
            using var doc = await JsonAnswer.ReadAsync(response, c).ConfigureAwait(false);
            metadata = new GitHubSecretMetadata(Time(doc, "created_at"), Time(doc, "updated_at"));
            return Outcome.Ok($"{call}: {(int)response.StatusCode}");
        }, ct).ConfigureAwait(false);
        return (outcome, metadata);
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri url, SecretValue token)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Reveal());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaType));
        request.Headers.Add("X-GitHub-Api-Version", ApiVersion);
        // GitHub refuses requests without a User-Agent.
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Velvet", "1.0"));
        return request;
    }

    private static string Call(HttpMethod method, Uri url) => $"{method.Method} {HttpOutcomes.Describe(url)}";

    private static byte[]? Base64(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try { return Convert.FromBase64String(text); }
        catch (FormatException) { return null; }
    }

    private static DateTimeOffset? Time(JsonDocument? doc, string name) =>
        doc is not null && JsonAnswer.String(doc.RootElement, name) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : null;
}
