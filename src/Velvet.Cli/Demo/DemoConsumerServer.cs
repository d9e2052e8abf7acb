using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Velvet.Cli.Demo;

/// <summary>
/// Stand-in for real apps that hold the demo credential: they accept a new value over HTTP (with the deploy
/// token) and answer their healthcheck 200/204 while their copy is accepted by the vendor, 401 once revoked.
/// </summary>
internal sealed class DemoConsumerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal);

    private DemoConsumerServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The value an app holds now (the demo seeds the first one; never printed).</summary>
    public void Seed(string app, string value) => _held[app] = value;

    public static async Task<DemoConsumerServer> StartAsync(string deployToken, Func<string, bool> isAccepted, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new DemoConsumerServer(app);
        var expected = Encoding.UTF8.GetBytes("Bearer " + deployToken);

        async Task<IResult> Update(string name, HttpRequest req)
        {
            var auth = Encoding.UTF8.GetBytes(req.Headers.Authorization.ToString());
            if (!CryptographicOperations.FixedTimeEquals(auth, expected)) return Results.StatusCode(401);
            using var doc = await JsonDocument.ParseAsync(req.Body).ConfigureAwait(false);
            if (!doc.RootElement.TryGetProperty("value", out var v) || v.GetString() is not { Length: > 0 } value) return Results.StatusCode(422);
            server._held[name] = value;
            return Results.NoContent();
        }
        app.MapPut("/config/{name}", Update);
        app.MapPost("/config/{name}", Update);
        app.MapGet("/health/{name}", (string name) =>
            server._held.TryGetValue(name, out var v) && isAccepted(v)
                ? Results.StatusCode(name == "search-api" ? 204 : 200)
                : Results.StatusCode(401));
        await app.StartAsync(ct).ConfigureAwait(false);
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
