using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Tests.Support;

/// <summary>A request as the fake received it, for a route handler. Only handlers see values; the log does not.</summary>
public sealed record FakeRequest(string Method, string Path, IQueryCollection Query, IReadOnlyDictionary<string, string> Route, IHeaderDictionary Headers, string Body)
{
    /// <summary>The bearer token of the Authorization header, if any.</summary>
    public string? Bearer => Headers.Authorization.ToString() is { } h && h.StartsWith("Bearer ", StringComparison.Ordinal) ? h["Bearer ".Length..] : null;

    /// <summary>The password of a Basic Authorization header (Heroku's Data API sends ":" + token), if any.</summary>
    public string? BasicPassword => FakeVendorServer.DecodeBasic(Headers.Authorization.ToString())?.Password;

    /// <summary>The body parsed as JSON (default when empty or not JSON).</summary>
    public JsonElement Json
    {
        get
        {
            try { return Body.Length == 0 ? default : JsonDocument.Parse(Body).RootElement.Clone(); }
            catch (JsonException) { return default; }
        }
    }
}

/// <summary>What a handler answers: a status, an optional JSON body (or <see cref="Text"/> as is) and headers.</summary>
public sealed record FakeResponse(int Status, object? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>A body sent as is (XML, plain text) with <see cref="ContentType"/>, instead of <see cref="Body"/> as JSON.</summary>
    public string? Text { get; init; }
    public string ContentType { get; init; } = "application/json";

    public static FakeResponse Json(object body, int status = 200) => new(status, body);

    public static FakeResponse Raw(int status, string text, string contentType, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, null, headers) { Text = text, ContentType = contentType };

    /// <summary>An error in the common <c>{"id", "message"}</c> shape (Heroku and others).</summary>
    public static FakeResponse Error(int status, string id, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new Dictionary<string, string> { ["id"] = id, ["message"] = message }, headers);
}

/// <summary>
/// One logged request. Credentials are redacted: an Authorization header is kept as its scheme and the SHA-256
/// fingerprint of the credential (compare with <see cref="SecretValue.Fingerprint"/>), and the body as its top-level
/// JSON keys and fingerprint, so a test can say "the DELETE used the new token" or "the PATCH carried only KEY".
/// </summary>
public sealed record LoggedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<string> BodyKeys, string? BodyFingerprint, int Status);

/// <summary>
/// A rate-limit budget. Every answer carries <see cref="HeaderName"/> with what is left; at zero the fake answers
/// 429 (with Retry-After when <see cref="RetryAfterSeconds"/> is set) instead of calling the handler.
/// </summary>
public sealed class RateLimitSimulation
{
    private readonly Lock _lock = new();
    private int? _remaining;

    public string HeaderName { get; set; } = "RateLimit-Remaining";
    public int? RetryAfterSeconds { get; set; }
    /// <summary>The 429 body.</summary>
    public object LimitedBody { get; set; } = new Dictionary<string, string> { ["id"] = "rate_limit", ["message"] = "Your account reached the API rate limit" };

    /// <summary>Calls left; null turns the simulation off.</summary>
    public int? Remaining
    {
        get { lock (_lock) return _remaining; }
        set { lock (_lock) _remaining = value; }
    }

    /// <summary>Spends one call: false when none is left. Returns what remains afterwards.</summary>
    internal (bool Allowed, int? Left) Take()
    {
        lock (_lock)
        {
            if (_remaining is not { } r) return (true, null);
            if (r <= 0) return (false, 0);
            _remaining = r - 1;
            return (true, r - 1);
        }
    }
}

/// <summary>What the fake received, as sent (headers and body unredacted): for tests that check exact headers and bodies.</summary>
public sealed record VendorRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>A canned answer given instead of the fake's normal behaviour (429s, 5xx, odd headers); see <see cref="FakeVendorServer.Force"/>.</summary>
public sealed record ForcedAnswer(int Status, IReadOnlyDictionary<string, string>? Headers = null, string? Body = null);

/// <summary>
/// The local vendor every fake builds on: Kestrel on 127.0.0.1:0 in the test process. Behaviour comes from route
/// handlers (<c>/apps/{app}/config-vars</c>) or, for fakes written with ASP.NET minimal APIs, from
/// <see cref="MapEndpoints"/>. Around them: forced answers by path prefix (<see cref="Force"/>), one-shot injected
/// answers by method and route (<see cref="Inject"/>), a guard run before every route (auth and Accept checks), a
/// rate-limit budget, a request log with credentials redacted (<see cref="Requests"/>) and the requests as received
/// (<see cref="Received"/>).
/// </summary>
public class FakeVendorServer : IAsyncLifetime
{
    private sealed record Route(string Method, string[] Segments, Func<FakeRequest, Task<FakeResponse>> Handler);
    private sealed record Injection(string Method, string[] Segments, FakeResponse Response);

    private readonly List<Route> _routes = [];
    private readonly ConcurrentQueue<Injection> _injections = new();
    private readonly ConcurrentQueue<LoggedRequest> _log = new();
    private readonly Lock _injectLock = new();
    private readonly ConcurrentQueue<VendorRequest> _received = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ForcedAnswer>> _forced = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private int _inFlight;
    private int _maxInFlight;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");
    public RateLimitSimulation RateLimit { get; } = new();
    /// <summary>Runs before the routes; a non-null answer is sent instead (e.g. 401 for an unknown token).</summary>
    public Func<FakeRequest, FakeResponse?>? Guard { get; set; }
    /// <summary>The log, credentials redacted: which token (fingerprint) a call used, which keys a body had.</summary>
    public IReadOnlyList<LoggedRequest> Requests => [.. _log];
    /// <summary>Every request as received, before any answer (forced ones included).</summary>
    public IReadOnlyList<VendorRequest> Received => [.. _received];

    /// <summary>Received requests with this method whose path starts with <paramref name="pathPrefix"/>.</summary>
    public IEnumerable<VendorRequest> ReceivedTo(string method, string pathPrefix) =>
        Received.Where(r => r.Method == method && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal));

    /// <summary>The next requests (any method) whose path starts with <paramref name="pathPrefix"/> get these answers, one each, in order, before anything else.</summary>
    public void Force(string pathPrefix, params ForcedAnswer[] answers)
    {
        var queue = _forced.GetOrAdd(pathPrefix, _ => new ConcurrentQueue<ForcedAnswer>());
        foreach (var a in answers) queue.Enqueue(a);
    }
    /// <summary>Added to every answer, so calls that a client runs in parallel overlap here (see <see cref="MaxConcurrent"/>).</summary>
    public TimeSpan Latency { get; set; }
    /// <summary>The most requests that were being handled at the same moment.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxInFlight);

    public static async Task<FakeVendorServer> StartAsync()
    {
        var server = new FakeVendorServer();
        await server.InitializeAsync();
        return server;
    }

    /// <summary>Adds a route; <paramref name="pattern"/> segments in braces capture, e.g. <c>/apps/{app}/config-vars</c>.</summary>
    public void Map(string method, string pattern, Func<FakeRequest, FakeResponse> handler) =>
        Map(method, pattern, r => Task.FromResult(handler(r)));

    public void Map(string method, string pattern, Func<FakeRequest, Task<FakeResponse>> handler)
    {
        lock (_routes) _routes.Add(new Route(method, Split(pattern), handler));
    }

    /// <summary>The next <paramref name="times"/> requests matching method and pattern get <paramref name="response"/>, before guard and routes.</summary>
    public void Inject(string method, string pattern, FakeResponse response, int times = 1)
    {
        for (var i = 0; i < times; i++) _injections.Enqueue(new Injection(method, Split(pattern), response));
    }

    /// <summary>Logged requests with this method whose path starts with <paramref name="pathPrefix"/>.</summary>
    public IReadOnlyList<LoggedRequest> RequestsTo(string method, string pathPrefix = "/") =>
        [.. _log.Where(r => r.Method == method && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal))];

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Use(HandleAsync);
        MapEndpoints(_app);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address + "/");
    }

    /// <summary>ASP.NET minimal-API endpoints of a fake, reached when no route handler matches.</summary>
    protected virtual void MapEndpoints(WebApplication app)
    {
    }

    /// <summary>A JSON answer with a status, for <see cref="MapEndpoints"/> handlers.</summary>
    protected static IResult Json(int status, object body) => Results.Json(body, statusCode: status);

    private async Task HandleAsync(HttpContext ctx, RequestDelegate next)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var seen = Volatile.Read(ref _maxInFlight); now > seen; seen = Volatile.Read(ref _maxInFlight))
            Interlocked.CompareExchange(ref _maxInFlight, now, seen);
        try
        {
            if (Latency > TimeSpan.Zero) await Task.Delay(Latency, ctx.RequestAborted);
            await HandleOneAsync(ctx, next);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandleOneAsync(HttpContext ctx, RequestDelegate next)
    {
        ctx.Request.EnableBuffering();
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8, leaveOpen: true);
        var body = await reader.ReadToEndAsync(ctx.RequestAborted);
        ctx.Request.Body.Position = 0;
        var path = ctx.Request.Path.Value ?? "/";
        var query = ctx.Request.QueryString.Value ?? "";
        _received.Enqueue(new VendorRequest(ctx.Request.Method, path, query,
            ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
        var request = new FakeRequest(ctx.Request.Method, path, ctx.Request.Query, new Dictionary<string, string>(), ctx.Request.Headers, body);
        var response = Forced(path) ?? Answer(request, Split(path));
        if (response is null)
        {
            var (route, values) = Find(request.Method, Split(path));
            if (route is not null) response = await route.Handler(request with { Route = values });
            // Routing ran before this middleware: no endpoint either means nothing answers this path.
            else if (ctx.GetEndpoint() is null) response = FakeResponse.Error(404, "not_found", $"no route for {request.Method} {path}");
        }
        if (response is not null) await WriteAsync(ctx, response);
        else await next(ctx);
        _log.Enqueue(new LoggedRequest(request.Method, path, query, RedactHeaders(ctx.Request.Headers),
            BodyKeys(body), body.Length == 0 ? null : Fingerprints.Sha256(body), response?.Status ?? ctx.Response.StatusCode));
    }

    private FakeResponse? Forced(string path)
    {
        foreach (var (prefix, queue) in _forced)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal) && queue.TryDequeue(out var forced))
                return forced.Body is null ? new FakeResponse(forced.Status, null, forced.Headers) : FakeResponse.Raw(forced.Status, forced.Body, "application/json", forced.Headers);
        }
        return null;
    }

    private (Route? Route, Dictionary<string, string> Values) Find(string method, string[] path)
    {
        lock (_routes)
        {
            foreach (var route in _routes.Where(r => r.Method == method))
            {
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                if (Match(route.Segments, path, values)) return (route, values);
            }
        }
        return (null, []);
    }

    /// <summary>Injected answer, guard, then rate limit; null lets the routes answer.</summary>
    private FakeResponse? Answer(FakeRequest request, string[] path)
    {
        lock (_injectLock)
        {
            var pending = _injections.ToList();
            var hit = pending.FirstOrDefault(i => i.Method == request.Method && Match(i.Segments, path, []));
            if (hit is not null)
            {
                _injections.Clear();
                foreach (var other in pending.Where(i => !ReferenceEquals(i, hit))) _injections.Enqueue(other);
                return hit.Response;
            }
        }
        if (Guard?.Invoke(request) is { } refused) return refused;
        var (allowed, _) = RateLimit.Take();
        if (allowed) return null;
        var headers = RateLimit.RetryAfterSeconds is { } s ? new Dictionary<string, string> { ["Retry-After"] = s.ToString(CultureInfo.InvariantCulture) } : null;
        return new FakeResponse(429, RateLimit.LimitedBody, headers);
    }

    private async Task WriteAsync(HttpContext ctx, FakeResponse response)
    {
        ctx.Response.StatusCode = response.Status;
        if (RateLimit.Remaining is { } left) ctx.Response.Headers[RateLimit.HeaderName] = left.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>()) ctx.Response.Headers[name] = value;
        if (response.Body is null && response.Text is null) return;
        var bytes = response.Text is { } text ? Encoding.UTF8.GetBytes(text) : JsonSerializer.SerializeToUtf8Bytes(response.Body);
        ctx.Response.ContentType ??= response.ContentType;
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static bool Match(string[] pattern, string[] path, Dictionary<string, string> values)
    {
        if (pattern.Length != path.Length) return false;
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i].StartsWith('{') && pattern[i].EndsWith('}')) values[pattern[i][1..^1]] = Uri.UnescapeDataString(path[i]);
            else if (!string.Equals(pattern[i], path[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }

    private static Dictionary<string, string> RedactHeaders(IHeaderDictionary headers) =>
        headers.ToDictionary(h => h.Key, h => Redact(h.Key, h.Value.ToString()), StringComparer.OrdinalIgnoreCase);

    /// <summary>A header value as the log keeps it: credentials become fingerprints.</summary>
    public static string Redact(string name, string value)
    {
        if (string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase))
        {
            if (DecodeBasic(value) is { } basic) return $"Basic {basic.User}:{Fingerprints.Sha256(basic.Password)}";
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? Fingerprints.Sha256(value) : $"{value[..space]} {Fingerprints.Sha256(value[(space + 1)..])}";
        }
        var lower = name.ToLowerInvariant();
        return lower.Contains("token", StringComparison.Ordinal) || lower.Contains("key", StringComparison.Ordinal)
            || lower.Contains("secret", StringComparison.Ordinal) || lower.Contains("cookie", StringComparison.Ordinal)
            ? Fingerprints.Sha256(value) : value;
    }

    internal static (string User, string Password)? DecodeBasic(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.Ordinal)) return null;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static List<string> BodyKeys(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? [.. doc.RootElement.EnumerateObject().Select(p => p.Name)] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
