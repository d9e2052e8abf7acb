using System.Collections.Concurrent;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Postmark;

/// <summary>
/// Postmark's server API as vendor-apis §7 describes it: <c>GET /server</c> with <c>X-Postmark-Server-Token</c> answers
/// the server {ID, Name, ApiTokens, …} (every token of the server, which Velvet must never print); an unknown or
/// missing token gets 401 (or 422 ErrorCode 10 when <see cref="RejectWith422"/>). Tokens are added and deleted only by
/// the test, as only the dashboard can.
/// </summary>
public sealed class FakePostmark : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, (long ServerId, string Name)> _tokens = new(StringComparer.Ordinal);

    public FakeVendorServer Server { get; private set; } = null!;
    public Uri BaseAddress => Server.BaseAddress;
    public bool RejectWith422 { get; set; }

    /// <summary>"Generate another token" in the dashboard.</summary>
    public void AddToken(string token, long serverId, string name = "raxx-mail") => _tokens[token] = (serverId, name);

    /// <summary>Deleting a token in the dashboard.</summary>
    public void DeleteToken(string token) => _tokens.TryRemove(token, out _);

    public bool IsValid(string token) => _tokens.ContainsKey(token);

    public static async Task<FakePostmark> StartAsync()
    {
        var fake = new FakePostmark();
        await fake.InitializeAsync();
        return fake;
    }

    public async ValueTask InitializeAsync()
    {
        Server = await FakeVendorServer.StartAsync();
        Server.Guard = r => r.Headers["X-Postmark-Server-Token"].ToString() is { Length: > 0 } t && _tokens.ContainsKey(t)
            ? null
            : RejectWith422
                ? new FakeResponse(422, new Dictionary<string, object> { ["ErrorCode"] = 10, ["Message"] = "Bad or missing API token." })
                : new FakeResponse(401, new Dictionary<string, object> { ["ErrorCode"] = 10, ["Message"] = "No Account or Server API tokens were supplied in the HTTP headers." });
        Server.Map("GET", "/server", r =>
        {
            var (id, name) = _tokens[r.Headers["X-Postmark-Server-Token"].ToString()];
            return FakeResponse.Json(new Dictionary<string, object>
            {
                ["ID"] = id, ["Name"] = name, ["ApiTokens"] = _tokens.Where(t => t.Value.ServerId == id).Select(t => t.Key).ToArray(),
                ["Color"] = "blue", ["ServerLink"] = $"https://account.postmarkapp.com/servers/{id}/streams", ["DeliveryType"] = "Live",
            });
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
    }
}
