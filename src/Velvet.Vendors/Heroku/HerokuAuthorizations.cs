using System.Text.Json;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Heroku;

/// <summary>An OAuth authorization as listed: its id and description. The token is never taken from a listing.</summary>
public sealed record HerokuAuthorization(string Id, string? Description);

/// <summary>A newly created authorization: Heroku shows its token in this answer only.</summary>
public sealed record MintedAuthorization(string Id, SecretValue Token);

/// <summary>The Platform API calls behind a platform token's lifecycle: /account and /oauth/authorizations.</summary>
public sealed class HerokuAuthorizations(HerokuClient client)
{
    private const string Path = "oauth/authorizations";

    /// <summary>GET /account: 200 when Heroku accepts the token.</summary>
    public Task<HerokuAnswer<string>> AccountAsync(SecretValue token, string tokenName, CancellationToken ct) =>
        client.SendAsync(HttpMethod.Get, "account", token, tokenName, ct);

    /// <summary>
    /// GET /oauth/authorizations, every page: ids and descriptions only. A tag missed on a later page would mean a
    /// second mint, so a partial answer (206) is followed through its Next-Range.
    /// </summary>
    public async Task<HerokuAnswer<List<HerokuAuthorization>>> ListAsync(SecretValue token, string tokenName, CancellationToken ct)
    {
        var all = new List<HerokuAuthorization>();
        var range = "id ..; max=1000";
        for (var page = 0; page < MaxPages; page++)
        {
            var answer = await client.SendAsync(HttpMethod.Get, Path, token, tokenName, null, ReadPage, ct, range).ConfigureAwait(false);
            if (!answer.IsSuccess) return answer;
            all.AddRange(answer.Value!);
            if (answer.NextRange is not { } next) return answer with { Value = all };
            range = next;
        }
        return new HerokuAnswer<List<HerokuAuthorization>>(Core.Ports.Outcome.Permanent(
            $"GET /{Path}: more than {MaxPages} pages of authorizations; revoke unused ones (heroku authorizations) so Velvet can see them all"));
    }

    private const int MaxPages = 20;

    private static List<HerokuAuthorization>? ReadPage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array) return null;
        var list = new List<HerokuAuthorization>();
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String) return null;
            var description = item.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            list.Add(new HerokuAuthorization(id.GetString()!, description));
        }
        return list;
    }

    /// <summary>POST /oauth/authorizations: a new authorization and its token (shown once).</summary>
    public Task<HerokuAnswer<MintedAuthorization>> CreateAsync(SecretValue token, string tokenName, string description,
        IReadOnlyList<string> scopes, int? expiresIn, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["description"] = description,
            ["scope"] = scopes,
            ["expires_in"] = expiresIn,
        });
        return client.SendAsync(HttpMethod.Post, Path, token, tokenName, body, root =>
            root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            && root.TryGetProperty("access_token", out var access) && access.ValueKind == JsonValueKind.Object
            && access.TryGetProperty("token", out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } minted
                ? new MintedAuthorization(id.GetString()!, new SecretValue(minted))
                : null, ct);
    }

    /// <summary>DELETE /oauth/authorizations/{id}.</summary>
    public Task<HerokuAnswer<string>> DeleteAsync(SecretValue token, string tokenName, string id, CancellationToken ct) =>
        client.SendAsync(HttpMethod.Delete, $"{Path}/{HerokuClient.Segment(id)}", token, tokenName, ct);
}
