using System.Collections.Concurrent;
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

namespace Velvet.Vendors.Tests.Support;

/// <summary>What a fake vendor received: method, path, query, headers and body.</summary>
public sealed record VendorRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>A canned answer the fake gives instead of its normal behaviour (429s, 5xx, odd headers).</summary>
public sealed record ForcedAnswer(int Status, IReadOnlyDictionary<string, string>? Headers = null, string? Body = null);

/// <summary>
/// Base of the GitHub and Infisical fakes: a real Kestrel server on 127.0.0.1:0 in the test process that records
/// every request and can be told to answer the next requests to a path with canned answers (rate limits, outages).
/// Subclasses implement the vendor's real routes, status codes and bodies.
/// </summary>
public abstract class VendorFakeHost : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly ConcurrentQueue<VendorRequest> _requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ForcedAnswer>> _forced = new(StringComparer.Ordinal);

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyList<VendorRequest> Requests => [.. _requests];

    public IEnumerable<VendorRequest> RequestsTo(string method, string pathPrefix) =>
        Requests.Where(r => r.Method == method && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal));

    /// <summary>The next requests whose path starts with <paramref name="pathPrefix"/> get these answers, one each, in order.</summary>
    public void Force(string pathPrefix, params ForcedAnswer[] answers)
    {
        var queue = _forced.GetOrAdd(pathPrefix, _ => new ConcurrentQueue<ForcedAnswer>());
        foreach (var a in answers) queue.Enqueue(a);
    }

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Use(async (ctx, next) =>
        {
            ctx.Request.EnableBuffering();
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8, leaveOpen: true);
            var body = await reader.ReadToEndAsync(ctx.RequestAborted);
            ctx.Request.Body.Position = 0;
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            _requests.Enqueue(new VendorRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", ctx.Request.QueryString.Value ?? "", headers, body));
            foreach (var (prefix, queue) in _forced)
            {
                if ((ctx.Request.Path.Value ?? "").StartsWith(prefix, StringComparison.Ordinal) && queue.TryDequeue(out var forced))
                {
                    ctx.Response.StatusCode = forced.Status;
                    foreach (var (k, v) in forced.Headers ?? new Dictionary<string, string>()) ctx.Response.Headers[k] = v;
                    if (forced.Body is not null)
                    {
                        ctx.Response.ContentType = "application/json";
                        await ctx.Response.WriteAsync(forced.Body, ctx.RequestAborted);
                    }
                    return;
                }
            }
            await next(ctx);
        });
        Map(_app);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address + "/");
    }

    /// <summary>The vendor's routes.</summary>
    protected abstract void Map(WebApplication app);

    /// <summary>A JSON answer with a status.</summary>
    protected static IResult Json(int status, object body) => Results.Json(body, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
