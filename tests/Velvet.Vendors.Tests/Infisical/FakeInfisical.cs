using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Infisical;

/// <summary>
/// Infisical as vendor-apis.md §4 describes it: Universal Auth login (client id/secret → access token with expiresIn,
/// expired or unknown tokens get 401), the v3 raw and v4 secrets routes (POST on an existing name fails "already exists",
/// PATCH on a missing one 404 "Secret not found"), and a secret write into a folder that does not exist fails
/// "Folder not found" (400 by default; <see cref="FolderMissingStatus"/> for the versions that answer 404 or 500) until
/// the folders are created through /api/v1 or /api/v2 folders. An identity without a role in the project gets 403.
/// Error answers echo the request body, and reads return the value, so tests can prove neither is ever shown.
/// </summary>
public sealed class FakeInfisical : FakeVendorServer
{
    public sealed record Secret(string Value, int Version);

    private sealed record Identity(string ClientSecret, HashSet<string> Projects);

    private readonly ConcurrentDictionary<string, Identity> _identities = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string ClientId, DateTimeOffset ExpiresAt)> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> _environments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _folders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Secret> _secrets = new(StringComparer.Ordinal);

    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Lifetime of new access tokens, in seconds.</summary>
    public int ExpiresIn { get; set; } = 7200;

    public int FolderMissingStatus { get; set; } = 400;

    private int _unauthorized;

    /// <summary>How many calls got a 401 for a missing, unknown or expired access token.</summary>
    public int Unauthorized => _unauthorized;

    public void AddIdentity(string clientId, string clientSecret, params string[] projects) =>
        _identities[clientId] = new Identity(clientSecret, [.. projects]);

    public void AddProject(string projectId, params string[] environments) => _environments[projectId] = [.. environments];

    public void AddFolder(string projectId, string environment, string path) => _folders[$"{projectId}|{environment}|{path}"] = true;

    public bool HasFolder(string projectId, string environment, string path) =>
        path == "/" ? _environments.TryGetValue(projectId, out var envs) && envs.Contains(environment) : _folders.ContainsKey($"{projectId}|{environment}|{path}");

    public Secret? Get(string projectId, string environment, string path, string name) =>
        _secrets.TryGetValue($"{projectId}|{environment}|{path}|{name}", out var s) ? s : null;

    /// <summary>Someone else writes the secret (the UI, another tool).</summary>
    public void Put(string projectId, string environment, string path, string name, string value)
    {
        AddFolder(projectId, environment, path);
        _secrets.AddOrUpdate($"{projectId}|{environment}|{path}|{name}", _ => new Secret(value, 1), (_, old) => new Secret(value, old.Version + 1));
    }

    /// <summary>Every access token issued so far stops working (401), as after a server-side revocation.</summary>
    public void RevokeAllTokens() => _tokens.Clear();

    protected override void MapEndpoints(WebApplication app)
    {
        app.MapPost("/api/v1/auth/universal-auth/login", (Delegate)Login);
        foreach (var (prefix, projectField) in new[] { ("/api/v3/secrets/raw/", "workspaceId"), ("/api/v4/secrets/", "projectId") })
        {
            app.MapGet(prefix + "{name}", (HttpContext c, string name) => Read(c, name, projectField));
            app.MapPost(prefix + "{name}", (HttpContext c, string name) => Write(c, name, projectField, create: true));
            app.MapPatch(prefix + "{name}", (HttpContext c, string name) => Write(c, name, projectField, create: false));
        }
        app.MapPost("/api/v1/folders", (Delegate)((HttpContext c) => CreateFolder(c, "workspaceId")));
        app.MapPost("/api/v2/folders", (Delegate)((HttpContext c) => CreateFolder(c, "projectId")));
    }

    private async Task<IResult> Login(HttpContext c)
    {
        using var doc = await JsonDocument.ParseAsync(c.Request.Body);
        var id = Str(doc.RootElement, "clientId");
        var secret = Str(doc.RootElement, "clientSecret");
        if (id is null || !_identities.TryGetValue(id, out var identity) || identity.ClientSecret != secret)
            return Error(401, "Invalid credentials", "UnauthorizedError", null);
        var token = "inf-access-canary-" + Guid.NewGuid().ToString("N");
        _tokens[token] = (id, Time.GetUtcNow().AddSeconds(ExpiresIn));
        return Json(200, new { accessToken = token, expiresIn = ExpiresIn, accessTokenMaxTTL = ExpiresIn, tokenType = "Bearer" });
    }

    private IResult Read(HttpContext c, string name, string projectField)
    {
        var q = c.Request.Query;
        var project = q[projectField].ToString();
        if (Authorize(c, project) is { } refused) return refused;
        var env = q["environment"].ToString();
        var path = q["secretPath"].ToString() is { Length: > 0 } p ? p : "/";
        if (!HasFolder(project, env, path)) return Error(FolderMissingStatus, "Folder not found", "BadRequest", null);
        if (Get(project, env, path, name) is not { } s) return Error(404, $"Secret with name '{name}' not found", "NotFound", null);
        return Json(200, new { secret = Body(project, env, path, name, s) });
    }

    private async Task<IResult> Write(HttpContext c, string name, string projectField, bool create)
    {
        using var doc = await JsonDocument.ParseAsync(c.Request.Body);
        var root = doc.RootElement;
        var project = Str(root, projectField) ?? "";
        if (Authorize(c, project) is { } refused) return refused;
        var echo = root.Clone();
        var env = Str(root, "environment") ?? "";
        var path = Str(root, "secretPath") ?? "/";
        var value = Str(root, "secretValue");
        if (value is null) return Error(400, "secretValue is required", "BadRequest", echo);
        if (!HasFolder(project, env, path)) return Error(FolderMissingStatus, "Folder not found", "BadRequest", echo);
        var key = $"{project}|{env}|{path}|{name}";
        if (create)
        {
            if (!_secrets.TryAdd(key, new Secret(value, 1))) return Error(400, "Secret already exist", "BadRequest", echo);
        }
        else
        {
            if (!_secrets.TryGetValue(key, out var old)) return Error(404, "Secret not found", "NotFound", echo);
            _secrets[key] = new Secret(value, old.Version + 1);
        }
        // Like the real API, the answer carries the value back.
        return Json(200, new { secret = Body(project, env, path, name, _secrets[key]) });
    }

    private async Task<IResult> CreateFolder(HttpContext c, string projectField)
    {
        using var doc = await JsonDocument.ParseAsync(c.Request.Body);
        var root = doc.RootElement;
        var project = Str(root, projectField) ?? "";
        if (Authorize(c, project) is { } refused) return refused;
        var env = Str(root, "environment") ?? "";
        var folderName = Str(root, "name") ?? "";
        var parent = Str(root, "path") ?? "/";
        if (!_environments.TryGetValue(project, out var envs) || !envs.Contains(env))
            return Error(404, $"Environment with slug '{env}' in project with ID '{project}' not found", "NotFound", null);
        if (!HasFolder(project, env, parent)) return Error(400, $"Folder with path '{parent}' not found", "BadRequest", null);
        var path = parent == "/" ? "/" + folderName : parent + "/" + folderName;
        if (!_folders.TryAdd($"{project}|{env}|{path}", true)) return Error(400, $"Folder with name '{folderName}' already exists", "BadRequest", null);
        return Json(200, new { folder = new { id = Guid.NewGuid(), name = folderName, path, version = 1 } });
    }

    private IResult? Authorize(HttpContext c, string project)
    {
        var auth = c.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.TryGetValue(auth[7..], out var t))
        {
            Interlocked.Increment(ref _unauthorized);
            return Error(401, "Invalid token", "UnauthorizedError", null);
        }
        if (Time.GetUtcNow() >= t.ExpiresAt)
        {
            Interlocked.Increment(ref _unauthorized);
            return Error(401, "Token expired", "UnauthorizedError", null);
        }
        if (!_identities[t.ClientId].Projects.Contains(project))
            return Error(403, "You are not allowed to access this resource", "PermissionDenied", null);
        return null;
    }

    private static object Body(string project, string env, string path, string name, Secret s) => new
    {
        id = Guid.NewGuid(), workspace = project, environment = env, secretPath = path, secretKey = name,
        secretValue = s.Value, version = s.Version, type = "shared", secretComment = "",
    };

    private static IResult Error(int status, string message, string error, JsonElement? echo) =>
        Json(status, new { reqId = "req-" + Guid.NewGuid().ToString("N")[..8], statusCode = status, message, error, details = echo });

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
