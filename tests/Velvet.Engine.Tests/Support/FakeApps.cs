using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Velvet.Engine.Tests.Support;

/// <summary>How one fake app answers.</summary>
public sealed class AppBehavior
{
    /// <summary>Statuses answered to the next update calls, in order; afterwards <see cref="UpdateStatus"/>.</summary>
    public ConcurrentQueue<int> NextUpdates { get; } = new();
    public int UpdateStatus { get; set; } = 204;
    public string? RetryAfter { get; set; }
    /// <summary>Health override; null = 200 while the held value is accepted by the vendor, else 401.</summary>
    public int? HealthStatus { get; set; }
    /// <summary>Updates wait on this before answering (crash tests).</summary>
    public TaskCompletionSource? Gate { get; set; }
    public int Updates;
    public int HealthChecks;
}

/// <summary>
/// Local apps that hold a credential, the way real consumers do: they take a new value over HTTP (echoing it
/// back in error bodies and headers like careless APIs), and their healthcheck answers 200 while their copy is
/// accepted by the vendor and 401 after it was revoked.
/// </summary>
public sealed class FakeApps : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal);
    private int _inFlight;
    private int _maxInFlight;

    public ConcurrentDictionary<string, AppBehavior> Behaviors { get; } = new(StringComparer.Ordinal);
    public Func<string, bool> IsAccepted { get; set; } = _ => true;
    /// <summary>Where an app reads its copy (e.g. its Heroku config var); null = what was pushed to /config/{name}.</summary>
    public Func<string, string?>? Holder { get; set; }
    public string BaseUrl { get; }
    public int MaxInFlight => _maxInFlight;
    public TimeSpan Latency { get; set; }

    private FakeApps(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public AppBehavior For(string name) => Behaviors.GetOrAdd(name, _ => new AppBehavior());

    public string? Held(string name) => _held.TryGetValue(name, out var v) ? v : null;

    public void Seed(string name, string value) => _held[name] = value;

    public static async Task<FakeApps> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeApps? self = null;
        app.MapMethods("/config/{name}", ["PUT", "POST"], (string name, HttpContext ctx) => self!.UpdateAsync(name, ctx));
        app.MapGet("/health/{name}", (string name) => self!.Health(name));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeApps(app, address);
        return self;
    }

    private async Task<IResult> UpdateAsync(string name, HttpContext ctx)
    {
        var b = For(name);
        Interlocked.Increment(ref b.Updates);
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while ((seen = _maxInFlight) < now && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen) { }
        try
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            var value = doc.RootElement.GetProperty("value").GetString()!;
            if (Latency > TimeSpan.Zero) await Task.Delay(Latency);
            if (b.Gate is { } gate) await gate.Task.WaitAsync(ctx.RequestAborted);
            var status = b.NextUpdates.TryDequeue(out var s) ? s : b.UpdateStatus;
            if (status >= 400)
            {
                // Careless vendor: the rejected value comes back in a header and the body.
                ctx.Response.Headers["X-Rejected-Value"] = value;
                if (b.RetryAfter is not null) ctx.Response.Headers.RetryAfter = b.RetryAfter;
                return Results.Text($"{{\"error\":\"rejected\",\"value\":\"{value}\"}}", "application/json", statusCode: status);
            }
            _held[name] = value;
            return Results.StatusCode(status);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private IResult Health(string name)
    {
        var b = For(name);
        Interlocked.Increment(ref b.HealthChecks);
        if (b.HealthStatus is { } forced) return Results.StatusCode(forced);
        var held = Holder is { } holder ? holder(name) : Held(name);
        return held is not null && IsAccepted(held) ? Results.Ok() : Results.StatusCode(401);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
