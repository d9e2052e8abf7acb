using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Velvet.Core.Auth;
using Velvet.Engine.Tests.Support;
using Velvet.Server;

namespace Velvet.Server.Tests;

/// <summary>A real Velvet server in memory (TestServer) over the engine harness: SQLite store, built-in adapters, fake apps.</summary>
public sealed class ApiHarness : IAsyncDisposable
{
    public required Harness Engine { get; init; }
    public required WebApplication App { get; init; }
    public required HttpClient Anonymous { get; init; }
    public Dictionary<string, string> Tokens { get; } = new(StringComparer.Ordinal);
    /// <summary>Every log line the server wrote, captured before masking (so a test proves nothing needed masking).</summary>
    public required ListLoggerProvider ServerLogs { get; init; }

    public static async Task<ApiHarness> StartAsync(Func<string, string, string>? manifest = null, Func<ServerServices, ServerServices>? tweak = null)
    {
        var engine = await Harness.StartAsync(manifest);
        await engine.SeedAsync();
        Velvet.Core.Registry.SubscriberRegistry? registry = null;
        if (engine.Store is Velvet.Core.Ports.ISubscriberStore subs)
        {
            registry = new Velvet.Core.Registry.SubscriberRegistry(subs, engine.Service.Bindings, engine.Manifest, TimeProvider.System);
            await registry.SeedAndLoadAsync("test", CancellationToken.None);
        }
        var services = new ServerServices
        {
            Registry = registry,
            Manifest = engine.Manifest, Store = engine.Store, Tokens = (IServiceTokenStore)engine.Store, Service = engine.Service,
            Runner = engine.Runner, Masker = engine.Masker, Env = "test",
            WorkerPollInterval = TimeSpan.FromMilliseconds(200), StreamPollInterval = TimeSpan.FromMilliseconds(50),
        };
        services = tweak?.Invoke(services) ?? services;
        var logs = new ListLoggerProvider();
        var app = VelvetServer.Build(services, ["http://127.0.0.1:0"], b =>
        {
            b.WebHost.UseTestServer();
            b.Logging.AddProvider(logs);
        });
        await app.StartAsync();
        var h = new ApiHarness { Engine = engine, App = app, Anonymous = app.GetTestClient(), ServerLogs = logs };
        foreach (var (name, scopes) in new[] { ("reader", new[] { Scopes.Read }), ("rotator", new[] { Scopes.Rotate }), ("revoker", new[] { Scopes.Revoke }), ("admin", new[] { Scopes.Admin }) })
            h.Tokens[name] = await h.CreateTokenAsync(name, scopes);
        return h;
    }

    public async Task<string> CreateTokenAsync(string name, string[] scopes)
    {
        var (token, id, hash) = ServiceTokenFormat.Generate();
        var created = await ((IServiceTokenStore)Engine.Store).CreateTokenAsync(new ServiceToken
        {
            Name = name, TokenId = id, ScopeList = scopes, CreatedBy = "test", CreatedAt = TimeProvider.System.GetUtcNow(),
        }, hash, CancellationToken.None);
        Assert.True(created.IsOk, created.Error?.Message);
        return token;
    }

    public HttpClient As(string tokenName)
    {
        var client = App.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens[tokenName]);
        return client;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage r) =>
        (await r.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken))!;

    /// <summary>Polls the job until it reaches <paramref name="status"/> (the server's worker advances it).</summary>
    public async Task<JsonElement> WaitForAsync(string jobId, string status, string credential = Harness.Cred)
    {
        var client = As("reader");
        JsonElement job = default;
        for (var i = 0; i < 200; i++)
        {
            job = await JsonAsync(await client.GetAsync($"/tokens/{credential}/rotations/{jobId}", TestContext.Current.CancellationToken));
            if (job.GetProperty("status").GetString() == status) return job;
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"job {jobId} never reached {status}; last: {job.GetProperty("status").GetString()}");
        return job;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
