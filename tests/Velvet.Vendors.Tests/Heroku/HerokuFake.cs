using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Heroku;

/// <summary>
/// Heroku as vendor-apis.md describes it, on a <see cref="FakeVendorServer"/>: the Platform API (Accept v3 or 406,
/// Bearer or 401, /account, /oauth/authorizations showing a token only in the create answer, config vars whose GET and
/// PATCH echo every var, /addons) and the Data API (Basic ":" + token, named Postgres credentials), with the
/// account's RateLimit-Remaining on every answer.
/// </summary>
public sealed class HerokuFake : IAsyncDisposable
{
    public const string AcceptV3 = "application/vnd.heroku+json; version=3";
    public const string AccountId = "acc-7d1e";

    public sealed record Authorization(string Id, string Description, string[] Scope, string Token)
    {
        public long Created { get; } = Interlocked.Increment(ref _created);
    }

    private static long _created;
    public sealed record Addon(string Id, string Name, string Plan);
    public sealed class PgCredential
    {
        public required string User { get; set; }
        public required string Password { get; set; }
        public string State { get; set; } = "active";
        public int Rotations { get; set; }
    }

    private readonly ConcurrentDictionary<string, Authorization> _authorizations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Addon> _addons = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Addon, string Name), PgCredential> _pg = new();

    private HerokuFake(FakeVendorServer server)
    {
        Server = server;
        server.RateLimit.Remaining = 4500;
        server.Guard = GuardRequest;
        MapPlatform();
        MapData();
    }

    public FakeVendorServer Server { get; }
    public string BaseUrl => Server.BaseAddress.ToString().TrimEnd('/');
    /// <summary>Apps whose config vars the tokens may not touch (403 forbidden).</summary>
    public ConcurrentDictionary<string, bool> ForbiddenApps { get; } = new(StringComparer.Ordinal);
    public IReadOnlyCollection<Authorization> Authorizations => [.. _authorizations.Values];
    /// <summary>Authorizations per list page; more become a 206 with Next-Range, as Heroku paginates.</summary>
    public int PageSize { get; set; } = 1000;

    public static async Task<HerokuFake> StartAsync() => new(await FakeVendorServer.StartAsync());

    /// <summary>An authorization made outside Velvet (by hand, as the seeds did); returns its id.</summary>
    public string AddToken(string token, string description = "raxx-platform-token-2026-05-06")
    {
        var id = Guid.NewGuid().ToString();
        _authorizations[id] = new Authorization(id, description, ["global"], token);
        return id;
    }

    public bool IsValid(string token) => _authorizations.Values.Any(a => a.Token == token);

    public void AddApp(string app, IReadOnlyDictionary<string, string> vars) => _apps[app] = new ConcurrentDictionary<string, string>(vars);

    public void DeleteApp(string app) => _apps.TryRemove(app, out _);

    public string? ConfigVar(string app, string key) => _apps.TryGetValue(app, out var vars) && vars.TryGetValue(key, out var v) ? v : null;

    public void AddAddon(string name, string plan) => _addons[name] = new Addon("addon-" + Guid.NewGuid().ToString("N")[..8], name, plan);

    public PgCredential AddPgCredential(string addon, string name, string password)
    {
        var credential = new PgCredential { User = name, Password = password };
        _pg[(_addons[addon].Id, name)] = credential;
        return credential;
    }

    public PgCredential? Pg(string addon, string name) => _pg.TryGetValue((_addons[addon].Id, name), out var c) ? c : null;

    /// <summary>The URL <c>heroku pg:credentials:url</c> prints for a credential.</summary>
    public string PgUrl(string addon, string name)
    {
        var c = Pg(addon, name)!;
        return $"postgres://{c.User}:{c.Password}@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8f3a1";
    }

    private FakeResponse? GuardRequest(FakeRequest r)
    {
        if (r.Path.StartsWith("/postgres/", StringComparison.Ordinal))
            return r.BasicPassword is { } p && IsValid(p) ? null : FakeResponse.Error(401, "unauthorized", "Invalid credentials provided.");
        if (!r.Headers.Accept.ToString().Contains(AcceptV3, StringComparison.Ordinal))
            return FakeResponse.Error(406, "not_acceptable", "Please specify a version along with Heroku's API MIME type.");
        return r.Bearer is { } t && IsValid(t) ? null : FakeResponse.Error(401, "unauthorized", "Invalid credentials provided.");
    }

    private void MapPlatform()
    {
        Server.Map("GET", "/account", _ => FakeResponse.Json(new { id = AccountId, email = "ops@raxx.app" }));
        Server.Map("GET", "/oauth/authorizations", ListPage);
        Server.Map("GET", "/oauth/authorizations/{id}", r =>
            _authorizations.TryGetValue(r.Route["id"], out var a) ? FakeResponse.Json(Listed(a)) : NotFound("oauth-authorization"));
        Server.Map("POST", "/oauth/authorizations", r =>
        {
            var body = r.Json;
            var scope = body.TryGetProperty("scope", out var s) ? s.EnumerateArray().Select(e => e.GetString()!).ToArray() : ["global"];
            var a = new Authorization(Guid.NewGuid().ToString(), body.GetProperty("description").GetString()!, scope,
                "HRKU-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
            _authorizations[a.Id] = a;
            return FakeResponse.Json(new { id = a.Id, description = a.Description, scope = a.Scope, access_token = new { id = Guid.NewGuid(), token = a.Token, expires_in = (int?)null } }, 201);
        });
        Server.Map("DELETE", "/oauth/authorizations/{id}", r =>
            _authorizations.TryRemove(r.Route["id"], out var a) ? FakeResponse.Json(Listed(a)) : NotFound("oauth-authorization"));
        Server.Map("GET", "/apps/{app}/config-vars", r => WithApp(r, vars => FakeResponse.Json(new Dictionary<string, string>(vars))));
        Server.Map("PATCH", "/apps/{app}/config-vars", r => WithApp(r, vars =>
        {
            foreach (var p in r.Json.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Null) vars.TryRemove(p.Name, out _);
                else vars[p.Name] = p.Value.GetString()!;
            }
            // Like Heroku: the answer is the complete var map after the change, secrets of other vars included.
            return FakeResponse.Json(new Dictionary<string, string>(vars));
        }));
        Server.Map("GET", "/addons/{addon}", r =>
            FindAddon(r.Route["addon"]) is { } a ? FakeResponse.Json(new { id = a.Id, name = a.Name, plan = new { id = Guid.NewGuid(), name = a.Plan } }) : NotFound("add-on"));
    }

    /// <summary>Heroku's Range paging: <c>Range: id ]LAST..; max=N</c> asks for the page after LAST.</summary>
    private FakeResponse ListPage(FakeRequest r)
    {
        var ordered = _authorizations.Values.OrderBy(a => a.Created).ToList();
        var range = r.Headers["Range"].ToString();
        var after = range.StartsWith("id ]", StringComparison.Ordinal) ? range[4..range.IndexOf("..", StringComparison.Ordinal)] : null;
        var rest = after is null ? ordered : ordered.SkipWhile(a => a.Id != after).Skip(1).ToList();
        var page = rest.Take(PageSize).ToList();
        if (rest.Count <= PageSize) return FakeResponse.Json(page.Select(Listed).ToArray());
        return new FakeResponse(206, page.Select(Listed).ToArray(), new Dictionary<string, string> { ["Next-Range"] = $"id ]{page[^1].Id}..; max={PageSize}" });
    }

    private FakeResponse WithApp(FakeRequest r, Func<ConcurrentDictionary<string, string>, FakeResponse> then)
    {
        var app = r.Route["app"];
        if (ForbiddenApps.ContainsKey(app)) return FakeResponse.Error(403, "forbidden", "You do not have access to the app " + app + ".");
        return _apps.TryGetValue(app, out var vars) ? then(vars) : NotFound("app");
    }

    private void MapData()
    {
        const string Base = "/postgres/v0/databases/{db}/credentials";
        Server.Map("GET", Base + "/{name}", r => WithCredential(r, (a, c) => FakeResponse.Json(new
        {
            uuid = Guid.NewGuid(), name = r.Route["name"], state = c.State, database = "d8f3a1", host = "ec2-1-2-3-4.compute-1.amazonaws.com", port = 5432,
            credentials = new[] { new { user = c.User, password = c.Password, state = c.State, connections = 3 } },
        })));
        Server.Map("POST", Base, r =>
        {
            if (FindAddon(r.Route["db"]) is not { } a) return NotFound("database");
            var name = r.Json.GetProperty("name").GetString()!;
            if (Velvet.Vendors.Heroku.Postgres.HerokuPostgresPlans.IsEssential(a.Plan))
                return FakeResponse.Error(422, "unprocessable_entity", "You can't create a custom credential on Essential-tier databases.");
            if (!_pg.TryAdd((a.Id, name), new PgCredential { User = name, Password = NewPassword() }))
                return FakeResponse.Error(422, "unprocessable_entity", $"Credential {name} already exists.");
            return FakeResponse.Json(new { message = $"Credential {name} created." });
        });
        Server.Map("POST", Base + "/{name}/credentials_rotation", r => WithCredential(r, (_, c) =>
        {
            c.Password = NewPassword();
            c.Rotations++;
            return FakeResponse.Json(new { message = "Rotating credentials." });
        }));
        Server.Map("DELETE", Base + "/{name}", r => WithCredential(r, (a, _) =>
        {
            _pg.TryRemove((a.Id, r.Route["name"]), out PgCredential? _);
            return FakeResponse.Json(new { message = "Credential destroyed." });
        }));
    }

    private FakeResponse WithCredential(FakeRequest r, Func<Addon, PgCredential, FakeResponse> then)
    {
        if (FindAddon(r.Route["db"]) is not { } a) return NotFound("database");
        return _pg.TryGetValue((a.Id, r.Route["name"]), out var c) ? then(a, c) : NotFound("credential");
    }

    private Addon? FindAddon(string idOrName) => _addons.Values.FirstOrDefault(a => a.Id == idOrName || a.Name == idOrName);

    private static string NewPassword() => "p" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static object Listed(Authorization a) =>
        new { id = a.Id, description = a.Description, scope = a.Scope, access_token = new { id = Guid.NewGuid(), token = (string?)null, expires_in = (int?)null } };

    private static FakeResponse NotFound(string resource) => FakeResponse.Error(404, "not_found", $"Couldn't find that {resource}.");

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
