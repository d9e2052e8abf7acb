using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sodium;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.GitHub;

/// <summary>
/// GitHub's Actions-secrets API as vendor-apis.md §3 describes it: bearer token, API version and User-Agent checked;
/// one Curve25519 key pair per repository and per environment (the fake keeps the private key and really opens the
/// sealed box, so a test can check what GitHub would hold); PUT answers 201 when created and 204 when updated; 401 for
/// an unknown token, 403 for a read-only one, 404 for a repository or environment the token cannot see; rate-limit
/// headers on every answer and 403 with X-RateLimit-Remaining: 0 once a token's budget is spent.
/// </summary>
public sealed class FakeGitHub : FakeVendorServer
{
    /// <summary>The clock of created_at/updated_at.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public sealed record Held(string Plaintext, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string KeyId);

    private sealed class KeyBox(string keyId, KeyPair pair)
    {
        public string KeyId { get; } = keyId;
        public KeyPair Pair { get; } = pair;
    }

    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _remaining = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KeyBox> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Held> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _repos = new(StringComparer.Ordinal);
    private int _keySeq;

    public DateTimeOffset RateLimitReset { get; set; } = DateTimeOffset.FromUnixTimeSeconds(4_102_444_800); // 2100-01-01

    /// <summary>A token with <c>write</c> (may manage secrets) or <c>read</c> access.</summary>
    public void AddToken(string token, string access = "write", int budget = 5000)
    {
        _tokens[token] = access;
        _remaining[token] = budget;
    }

    public void RevokeToken(string token) => _tokens.TryRemove(token, out _);

    /// <summary>A repository, with the environments that exist in it.</summary>
    public void AddRepo(string owner, string repo, params string[] environments)
    {
        _repos[$"{owner}/{repo}"] = true;
        foreach (var env in environments) _repos[$"{owner}/{repo}/env/{env}"] = true;
    }

    /// <summary>What the secret holds, opened with the private key; null when never written.</summary>
    public Held? Secret(string owner, string repo, string name, string? environment = null) =>
        _secrets.TryGetValue(Scope(owner, repo, environment) + "/" + name, out var held) ? held : null;

    /// <summary>Replaces the repository's (or environment's) key pair: a key_id fetched before no longer works.</summary>
    public void RotateKey(string owner, string repo, string? environment = null) => _keys.TryRemove(Scope(owner, repo, environment), out _);

    protected override void MapEndpoints(WebApplication app)
    {
        app.MapGet("/repos/{owner}/{repo}/actions/secrets/public-key", (HttpContext c, string owner, string repo) => PublicKey(c, owner, repo, null));
        app.MapGet("/repos/{owner}/{repo}/environments/{env}/secrets/public-key", (HttpContext c, string owner, string repo, string env) => PublicKey(c, owner, repo, env));
        app.MapPut("/repos/{owner}/{repo}/actions/secrets/{name}", (HttpContext c, string owner, string repo, string name) => Put(c, owner, repo, null, name));
        app.MapPut("/repos/{owner}/{repo}/environments/{env}/secrets/{name}", (HttpContext c, string owner, string repo, string env, string name) => Put(c, owner, repo, env, name));
        app.MapGet("/repos/{owner}/{repo}/actions/secrets/{name}", (HttpContext c, string owner, string repo, string name) => Metadata(c, owner, repo, null, name));
        app.MapGet("/repos/{owner}/{repo}/environments/{env}/secrets/{name}", (HttpContext c, string owner, string repo, string env, string name) => Metadata(c, owner, repo, env, name));
    }

    private static string Scope(string owner, string repo, string? env) => env is null ? $"{owner}/{repo}" : $"{owner}/{repo}/env/{env}";

    private IResult PublicKey(HttpContext c, string owner, string repo, string? env)
    {
        if (Gate(c, owner, repo, env, needsWrite: true) is { } refused) return refused;
        var box = Key(Scope(owner, repo, env));
        return Json(200, new { key_id = box.KeyId, key = Convert.ToBase64String(box.Pair.PublicKey) });
    }

    private async Task<IResult> Put(HttpContext c, string owner, string repo, string? env, string name)
    {
        if (Gate(c, owner, repo, env, needsWrite: true) is { } refused) return refused;
        using var doc = await JsonDocument.ParseAsync(c.Request.Body);
        var root = doc.RootElement;
        if (!root.TryGetProperty("encrypted_value", out var enc) || !root.TryGetProperty("key_id", out var kid))
            return Error(422, "Invalid request.\n\n\"encrypted_value\", \"key_id\" weren't supplied.");
        var box = Key(Scope(owner, repo, env));
        if (kid.GetString() != box.KeyId) return Error(422, "Bad request - key_id does not match the current public key.");
        string plaintext;
        try { plaintext = Encoding.UTF8.GetString(SealedPublicKeyBox.Open(Convert.FromBase64String(enc.GetString()!), box.Pair.PrivateKey, box.Pair.PublicKey)); }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException) { return Error(422, "Bad request - could not decrypt encrypted_value."); }
        var key = Scope(owner, repo, env) + "/" + name;
        var now = Time.GetUtcNow();
        var created = true;
        _secrets.AddOrUpdate(key, _ => new Held(plaintext, now, now, box.KeyId), (_, old) =>
        {
            created = false;
            return old with { Plaintext = plaintext, UpdatedAt = now, KeyId = box.KeyId };
        });
        return created ? Json(201, new { }) : Results.StatusCode(204);
    }

    private IResult Metadata(HttpContext c, string owner, string repo, string? env, string name)
    {
        if (Gate(c, owner, repo, env, needsWrite: false) is { } refused) return refused;
        if (!_secrets.TryGetValue(Scope(owner, repo, env) + "/" + name, out var held)) return Error(404, "Not Found");
        return Json(200, new { name, created_at = Stamp(held.CreatedAt), updated_at = Stamp(held.UpdatedAt) });
    }

    /// <summary>Headers, token, rate limit, visibility and permission, in GitHub's order; null when the call may proceed.</summary>
    private IResult? Gate(HttpContext c, string owner, string repo, string? env, bool needsWrite)
    {
        var h = c.Request.Headers;
        if (string.IsNullOrEmpty(h.UserAgent))
            return Error(403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header.");
        if (h.TryGetValue("X-GitHub-Api-Version", out var version) && version != "2022-11-28")
            return Error(400, $"API version '{version}' is not supported.");
        var auth = h.Authorization.ToString();
        var token = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : auth.StartsWith("token ", StringComparison.Ordinal) ? auth[6..] : null;
        if (token is null || !_tokens.TryGetValue(token, out var access)) return Error(401, "Bad credentials");
        var left = _remaining.AddOrUpdate(token, 0, (_, n) => Math.Max(0, n - 1));
        var headers = c.Response.Headers;
        headers["X-RateLimit-Limit"] = "5000";
        headers["X-RateLimit-Reset"] = RateLimitReset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = left.ToString(CultureInfo.InvariantCulture);
        if (left == 0) return Error(403, "API rate limit exceeded for user ID 1.");
        if (!_repos.ContainsKey($"{owner}/{repo}") || (env is not null && !_repos.ContainsKey(Scope(owner, repo, env)))) return Error(404, "Not Found");
        if (!h.Accept.ToString().Contains("application/vnd.github+json", StringComparison.Ordinal) && !h.Accept.ToString().Contains("application/json", StringComparison.Ordinal))
            return Error(415, "Unsupported 'Accept' header");
        if (needsWrite && access != "write") return Error(403, "Must have admin rights to Repository.");
        return null;
    }

    private KeyBox Key(string scope) =>
        _keys.GetOrAdd(scope, _ => new KeyBox($"{568250167242549743 + Interlocked.Increment(ref _keySeq)}", PublicKeyBox.GenerateKeyPair()));

    private static IResult Error(int status, string message) =>
        Json(status, new { message, documentation_url = "https://docs.github.com/rest", status = status.ToString(CultureInfo.InvariantCulture) });

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
