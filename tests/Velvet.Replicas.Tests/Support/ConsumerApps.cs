using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Velvet.Core.Secrets;
using Velvet.Vendors.Generated;

namespace Velvet.Replicas.Tests.Support;

/// <summary>
/// Local apps holding copies of many credentials, on 127.0.0.1 in the test process: <c>PUT /config/{credential}/{consumer}</c>
/// takes a new value, <c>GET /health/{credential}/{consumer}</c> answers 200 while the held copy is accepted by the
/// generated vendor (its state files, shared with the servers), else 401. Every write is recorded by fingerprint.
/// </summary>
public sealed class ConsumerApps : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal);
    private readonly GeneratedStateStore _vendor;

    /// <summary>(credential/consumer, fingerprint of the value written), one entry per accepted write.</summary>
    public ConcurrentQueue<(string Consumer, string Fingerprint)> Writes { get; } = new();
    public string BaseUrl { get; }
    public TimeSpan UpdateLatency { get; set; }
    public TimeSpan HealthLatency { get; set; }

    private ConsumerApps(WebApplication app, string baseUrl, string stateDir)
    {
        _app = app;
        BaseUrl = baseUrl;
        _vendor = new GeneratedStateStore(stateDir);
    }

    public void Seed(string credential, string consumer, string value) => _held[$"{credential}/{consumer}"] = value;

    public static async Task<ConsumerApps> StartAsync(string stateDir)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        ConsumerApps? self = null;
        app.MapMethods("/config/{credential}/{consumer}", ["PUT", "POST"], (string credential, string consumer, HttpContext ctx) => self!.UpdateAsync(credential, consumer, ctx));
        app.MapGet("/health/{credential}/{consumer}", (string credential, string consumer, CancellationToken ct) => self!.HealthAsync(credential, consumer, ct));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new ConsumerApps(app, address, stateDir);
        return self;
    }

    private async Task<IResult> UpdateAsync(string credential, string consumer, HttpContext ctx)
    {
        using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
        var value = doc.RootElement.GetProperty("value").GetString()!;
        if (UpdateLatency > TimeSpan.Zero) await Task.Delay(UpdateLatency, ctx.RequestAborted);
        _held[$"{credential}/{consumer}"] = value;
        Writes.Enqueue(($"{credential}/{consumer}", Fingerprints.Sha256(value)));
        return Results.StatusCode(204);
    }

    private async Task<IResult> HealthAsync(string credential, string consumer, CancellationToken ct)
    {
        if (HealthLatency > TimeSpan.Zero) await Task.Delay(HealthLatency, ct);
        return _held.TryGetValue($"{credential}/{consumer}", out var v) && _vendor.IsAccepted(credential, v) ? Results.Ok() : Results.StatusCode(401);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
