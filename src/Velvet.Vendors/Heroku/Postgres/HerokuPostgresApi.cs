using System.Text.Json;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Heroku.Postgres;

/// <summary>A Heroku Postgres add-on as the Platform API describes it.</summary>
public sealed record HerokuAddon(string Id, string Name, string Plan);

/// <summary>
/// A named credential as the Data API describes it: the URL of its active login (null when none is active, e.g. mid
/// rotation) and the state of every login it has.
/// </summary>
public sealed record PostgresCredential(SecretValue? ActiveUrl, IReadOnlyList<string> States);

/// <summary>
/// The calls behind <c>heroku pg:credentials:create|rotate|url|destroy</c> (Data API, Basic auth), plus the add-on
/// lookup on the Platform API that says which plan the database is on.
/// </summary>
public sealed class HerokuPostgresApi(HerokuClient platform, HerokuClient data)
{
    /// <summary>GET /addons/{addon} (Platform API).</summary>
    public Task<HerokuAnswer<HerokuAddon>> AddonAsync(SecretValue token, string tokenName, string addon, CancellationToken ct) =>
        platform.SendAsync(HttpMethod.Get, $"addons/{HerokuClient.Segment(addon)}", token, tokenName, null, root =>
            root.ValueKind == JsonValueKind.Object && Text(root, "id") is { } id && Text(root, "name") is { } name
            && root.TryGetProperty("plan", out var plan) && plan.ValueKind == JsonValueKind.Object && Text(plan, "name") is { } planName
                ? new HerokuAddon(id, name, planName)
                : null, ct);

    /// <summary>GET .../credentials/{name}: the active login's URL (<c>pg:credentials:url</c>).</summary>
    public Task<HerokuAnswer<PostgresCredential>> UrlAsync(SecretValue token, string tokenName, string db, string name, CancellationToken ct) =>
        data.SendAsync(HttpMethod.Get, Credential(db, name), token, tokenName, null, ReadCredential, ct);

    /// <summary>POST .../credentials {"name"} (<c>pg:credentials:create</c>). The new role has no grants yet.</summary>
    public Task<HerokuAnswer<string>> CreateAsync(SecretValue token, string tokenName, string db, string name, CancellationToken ct) =>
        data.SendAsync<string>(HttpMethod.Post, Credentials(db), token, tokenName, JsonSerializer.SerializeToUtf8Bytes(new { name }), null, ct);

    /// <summary>POST .../credentials/{name}/credentials_rotation (<c>pg:credentials:rotate --name</c>); forced resets connections at once.</summary>
    public Task<HerokuAnswer<string>> RotateAsync(SecretValue token, string tokenName, string db, string name, bool forced, CancellationToken ct) =>
        data.SendAsync<string>(HttpMethod.Post, Credential(db, name) + "/credentials_rotation", token, tokenName,
            JsonSerializer.SerializeToUtf8Bytes(forced ? new Dictionary<string, bool> { ["forced"] = true } : new Dictionary<string, bool>()), null, ct);

    /// <summary>DELETE .../credentials/{name} (<c>pg:credentials:destroy</c>); the credential must be detached from every app first.</summary>
    public Task<HerokuAnswer<string>> DestroyAsync(SecretValue token, string tokenName, string db, string name, CancellationToken ct) =>
        data.SendAsync(HttpMethod.Delete, Credential(db, name), token, tokenName, ct);

    private static string Credentials(string db) => $"postgres/v0/databases/{HerokuClient.Segment(db)}/credentials";

    private static string Credential(string db, string name) => $"{Credentials(db)}/{HerokuClient.Segment(name)}";

    private static PostgresCredential? ReadCredential(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || Text(root, "database") is not { } database || Text(root, "host") is not { } host
            || !root.TryGetProperty("port", out var portElement) || !portElement.TryGetInt32(out var port)
            || !root.TryGetProperty("credentials", out var logins) || logins.ValueKind != JsonValueKind.Array)
            return null;
        SecretValue? active = null;
        var states = new List<string>();
        foreach (var login in logins.EnumerateArray())
        {
            if (login.ValueKind != JsonValueKind.Object || Text(login, "state") is not { } state) return null;
            states.Add(state);
            if (state == "active" && active is null && Text(login, "user") is { } user && Text(login, "password") is { Length: > 0 } password)
                active = PgUrls.Build(user, password, host, port, database);
        }
        return new PostgresCredential(active, states);
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
