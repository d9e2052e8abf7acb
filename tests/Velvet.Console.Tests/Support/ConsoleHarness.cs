using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Engine.Tests.Support;
using Velvet.Server;
using Velvet.Server.WebConsole;

namespace Velvet.Console.Tests.Support;

/// <summary>
/// The real server (Kestrel on 127.0.0.1, a free port) over the engine harness: SQLite store, built-in adapters, local
/// fake apps that can fail or keep accepting a revoked value on demand. Accounts: alice (operator), vera (viewer).
/// </summary>
public sealed class ConsoleHarness : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";
    public required Harness Engine { get; init; }
    public required WebApplication App { get; init; }
    public required string BaseUrl { get; init; }
    /// <summary>Every log line the server wrote (before its own masking), for the canary checks.</summary>
    public required ListLoggerProvider ServerLogs { get; init; }

    /// <summary>Vendor switches (revoke failing on demand), shared by every vendor the engine creates.</summary>
    public required ControllableCatalog Catalog { get; init; }

    public static async Task<ConsoleHarness> StartAsync(Func<string, string, string>? manifest = null, string env = "test",
        Func<Velvet.Core.Engine.EngineOptions, Velvet.Core.Engine.EngineOptions>? options = null)
    {
        ControllableCatalog? catalog = null;
        var engine = await Harness.StartAsync(manifest, options, wrap: inner => catalog ??= new ControllableCatalog(inner));
        await engine.SeedAsync();
        var services = new ServerServices
        {
            Manifest = engine.Manifest, Store = engine.Store, Tokens = (IServiceTokenStore)engine.Store, Service = engine.Service,
            Runner = engine.Runner, Masker = engine.Masker, Env = env, Targets = new Velvet.Vendors.ConsumerTargets(),
            WorkerPollInterval = TimeSpan.FromMilliseconds(100), StreamPollInterval = TimeSpan.FromMilliseconds(50),
        };
        var logs = new ListLoggerProvider();
        var app = VelvetServer.Build(services, ["http://127.0.0.1:0"], b => b.Logging.AddProvider(logs));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var h = new ConsoleHarness { Catalog = catalog!, Engine = engine, App = app, BaseUrl = url, ServerLogs = logs };
        await h.AddUserAsync("alice", ConsoleRole.Operator);
        await h.AddUserAsync("vera", ConsoleRole.Viewer);
        return h;
    }

    public async Task AddUserAsync(string name, ConsoleRole role, string password = Password)
    {
        var created = await ((IConsoleUserStore)Engine.Store).CreateConsoleUserAsync(new ConsoleUser
        {
            Name = name, Role = role, CreatedBy = "test", CreatedAt = TimeProvider.System.GetUtcNow(),
        }, ConsolePasswords.Hash(password), CancellationToken.None);
        Assert.True(created.IsOk, created.Error?.Message);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
