using System.Collections.Concurrent;
using System.Text.Json;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Cloudflare;

/// <summary>
/// Cloudflare's token API as vendor-apis §6 describes it, under <c>/client/v4</c>: Bearer auth (unknown → 401 code
/// 1000), the {success, errors, messages, result} envelope, user routes and account-owned routes (an account-owned
/// token on /user/tokens/verify gets 403), create returning the value once, roll (PUT …/value) invalidating the old
/// value at once, 403 code 9109 for a token without API Tokens: Write, 429 with Retry-After from the budget.
/// </summary>
public sealed class FakeCloudflare : IAsyncLifetime
{
    public sealed class Token
    {
        public required string Id { get; init; }
        public required string Value { get; set; }
        public required string Name { get; init; }
        public string Status { get; set; } = "active";
        public string? Account { get; init; }
        public bool CanManage { get; init; }
        public object Policies { get; init; } = new[] { new Dictionary<string, object> { ["effect"] = "allow", ["permission_groups"] = new[] { new Dictionary<string, string> { ["id"] = "c8fed203ed3043cba015a93ad1616f1f", ["name"] = "Zone Read" } }, ["resources"] = new Dictionary<string, string> { ["com.cloudflare.api.account.zone.*"] = "*" } } };
        public object? Condition { get; init; }
        /// <summary>expires_on as Cloudflare writes it (ISO 8601), or null for a token that never expires.</summary>
        public string? ExpiresOn { get; set; }
    }

    private readonly ConcurrentDictionary<string, Token> _tokens = new(StringComparer.Ordinal);

    public FakeVendorServer Server { get; private set; } = null!;
    public Uri ApiUrl => new(Server.BaseAddress, "client/v4/");
    public IEnumerable<Token> Tokens => _tokens.Values;

    public Token Add(string value, string name, bool canManage = false, string? account = null, object? condition = null)
    {
        var t = new Token { Id = Guid.NewGuid().ToString("N"), Value = value, Name = name, CanManage = canManage, Account = account, Condition = condition };
        _tokens[t.Id] = t;
        return t;
    }

    public Token? ByValue(string value) => _tokens.Values.FirstOrDefault(t => t.Value == value);

    public bool IsValid(string value) => ByValue(value) is { Status: "active" };

    public static object Envelope(object? result, int code = 0, string message = "") => code == 0
        ? new Dictionary<string, object?> { ["success"] = true, ["errors"] = Array.Empty<object>(), ["messages"] = Array.Empty<object>(), ["result"] = result }
        : new Dictionary<string, object?> { ["success"] = false, ["errors"] = new[] { new Dictionary<string, object> { ["code"] = code, ["message"] = message } }, ["messages"] = Array.Empty<object>(), ["result"] = null };

    private static FakeResponse Fail(int status, int code, string message) => new(status, Envelope(null, code, message));

    private static FakeResponse Ok(object? result) => new(200, Envelope(result));

    public static async Task<FakeCloudflare> StartAsync()
    {
        var fake = new FakeCloudflare();
        await fake.InitializeAsync();
        return fake;
    }

    public async ValueTask InitializeAsync()
    {
        Server = await FakeVendorServer.StartAsync();
        Server.RateLimit.LimitedBody = Envelope(null, 10000, "Rate limited. Please wait and try again");
        Server.Guard = r => r.Bearer is { } b && ByValue(b) is not null ? null : Fail(401, 1000, "Invalid API Token");
        foreach (var (prefix, account) in new[] { ("/client/v4/user/tokens", false), ("/client/v4/accounts/{account}/tokens", true) })
        {
            Server.Map("GET", prefix + "/verify", r =>
            {
                var t = ByValue(r.Bearer!)!;
                if (account != (t.Account is not null) || (account && r.Route["account"] != t.Account))
                    return Fail(403, 9109, "Unauthorized to access requested resource");
                var verified = new Dictionary<string, object> { ["id"] = t.Id, ["status"] = t.Status };
                if (t.ExpiresOn is { } expires) verified["expires_on"] = expires;
                return Ok(verified);
            });
            Server.Map("GET", prefix, r => Manage(r, account, _ => Ok(_tokens.Values.Select(View).ToArray())));
            Server.Map("GET", prefix + "/{id}", r => Manage(r, account, _ => _tokens.TryGetValue(r.Route["id"], out var t) ? Ok(View(t)) : Fail(404, 1003, "Invalid token id")));
            Server.Map("POST", prefix, r => Manage(r, account, caller =>
            {
                var body = r.Json;
                var created = new Token
                {
                    Id = Guid.NewGuid().ToString("N"), Value = "cf-minted-" + Guid.NewGuid().ToString("N"), Name = body.GetProperty("name").GetString()!,
                    Account = account ? r.Route["account"] : null, Policies = body.GetProperty("policies").Clone(),
                    Condition = body.TryGetProperty("condition", out var c) ? c.Clone() : null,
                    // The fake does not evaluate policies: a token copied by its manager gets the manager's API Tokens: Write.
                    CanManage = caller.CanManage,
                };
                _tokens[created.Id] = created;
                var view = View(created);
                view["value"] = created.Value;
                return Ok(view);
            }));
            Server.Map("PUT", prefix + "/{id}/value", r => Manage(r, account, _ =>
            {
                if (!_tokens.TryGetValue(r.Route["id"], out var t)) return Fail(404, 1003, "Invalid token id");
                t.Value = "cf-rolled-" + Guid.NewGuid().ToString("N");
                return Ok(t.Value);
            }));
            Server.Map("DELETE", prefix + "/{id}", r => Manage(r, account, _ =>
                _tokens.TryRemove(r.Route["id"], out var t) ? Ok(new Dictionary<string, string> { ["id"] = t.Id }) : Fail(404, 1003, "Invalid token id")));
        }
    }

    private static Dictionary<string, object?> View(Token t) => new()
    {
        ["id"] = t.Id, ["name"] = t.Name, ["status"] = t.Status, ["policies"] = t.Policies, ["condition"] = t.Condition,
        ["issued_on"] = "2026-01-01T00:00:00Z", ["modified_on"] = "2026-01-01T00:00:00Z",
    };

    private FakeResponse Manage(FakeRequest r, bool account, Func<Token, FakeResponse> then)
    {
        var caller = ByValue(r.Bearer!)!;
        if (caller.Status != "active") return Fail(401, 1000, "Invalid API Token");
        if (!caller.CanManage) return Fail(403, 9109, "Unauthorized to access requested resource");
        _ = account;
        return then(caller);
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
    }
}
