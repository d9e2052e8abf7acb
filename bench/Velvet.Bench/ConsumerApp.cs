using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Velvet.Bench;

/// <summary>
/// The N consumers of the fan-out benchmark, on one local Kestrel: PUT /config/{name} and GET /health/{name} each
/// take <c>latency</c> (Task.Delay, no CPU) and answer 204 / 200. Counts calls and the peak number in flight, so a
/// run can show the engine really reached its concurrency.
/// </summary>
internal sealed class ConsumerApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _inFlight;
    private int _maxInFlight;
    private int _updates;
    private int _healthChecks;
    private long _busyTicks;

    private ConsumerApp(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";
    public TimeSpan Latency { get; set; }
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);
    public int Updates => Volatile.Read(ref _updates);
    public int HealthChecks => Volatile.Read(ref _healthChecks);

    /// <summary>
    /// Server-side time of every call since <see cref="ResetCounters"/>, summed (handler entry to answer, so the
    /// consumer's real latency: <c>latency</c> plus the timer's lateness). Divided by the calls it is the per-call
    /// latency a perfect client would see; divided by a wall time it is the mean number of calls in flight.
    /// </summary>
    public TimeSpan Busy => System.Diagnostics.Stopwatch.GetElapsedTime(0, Volatile.Read(ref _busyTicks));

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _maxInFlight, 0);
        Interlocked.Exchange(ref _updates, 0);
        Interlocked.Exchange(ref _healthChecks, 0);
        Interlocked.Exchange(ref _busyTicks, 0);
    }

    public static async Task<ConsumerApp> StartAsync(TimeSpan latency)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k =>
        {
            // No connection cap and no request-rate limits: the consumers must never be what the benchmark measures.
            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MaxConcurrentUpgradedConnections = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            k.Limits.Http2.MaxStreamsPerConnection = 1024;
        });
        var app = builder.Build();
        var self = new ConsumerApp(app) { Latency = latency };
        app.MapPut("/config/{name}", (string name, HttpContext ctx) => self.UpdateAsync(ctx));
        app.MapGet("/health/{name}", (string name) => self.HealthAsync());
        await app.StartAsync();
        self.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return self;
    }

    private async Task<IResult> UpdateAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _updates);
        var started = Enter();
        try
        {
            // Drain the body (the new value) without keeping it.
            var buffer = new byte[256];
            while (await ctx.Request.Body.ReadAsync(buffer) > 0) { }
            Array.Clear(buffer);
            await Task.Delay(Latency);
            return Results.StatusCode(204);
        }
        finally
        {
            Leave(started);
        }
    }

    private async Task<IResult> HealthAsync()
    {
        Interlocked.Increment(ref _healthChecks);
        var started = Enter();
        try
        {
            await Task.Delay(Latency);
            return Results.Ok();
        }
        finally
        {
            Leave(started);
        }
    }

    private long Enter()
    {
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while ((seen = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen) { }
        return System.Diagnostics.Stopwatch.GetTimestamp();
    }

    private void Leave(long started)
    {
        Interlocked.Add(ref _busyTicks, System.Diagnostics.Stopwatch.GetTimestamp() - started);
        Interlocked.Decrement(ref _inFlight);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
