using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;
using Velvet.Server.WebConsole;
using Velvet.Store;

namespace Velvet.Server.Tests;

/// <summary>
/// Several Velvet servers (in memory, TestServer) over one SQLite file, each with its own store object, as replicas or
/// as one server restarted. One console account, alice; a <see cref="Browser"/> carries cookies from one to another.
/// </summary>
public sealed class ConsoleReplicas : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";
    private readonly List<WebApplication> _apps = [];
    private readonly List<IAsyncDisposable> _stores = [];

    public required Harness Engine { get; init; }
    public ListLoggerProvider ServerLogs { get; } = new();

    public static async Task<ConsoleReplicas> StartAsync()
    {
        var replicas = new ConsoleReplicas { Engine = await Harness.StartAsync() };
        var created = await ((IConsoleUserStore)replicas.Engine.Store).CreateConsoleUserAsync(new ConsoleUser
        {
            Name = "alice", Role = ConsoleRole.Operator, CreatedBy = "test", CreatedAt = TimeProvider.System.GetUtcNow(),
        }, ConsolePasswords.Hash(Password), CancellationToken.None);
        Assert.True(created.IsOk, created.Error?.Message);
        return replicas;
    }

    /// <summary>A new server with its own store object on the shared file; <paramref name="masterKey"/> null = no master key.</summary>
    public async Task<WebApplication> StartServerAsync(SecretBox? masterKey)
    {
        var store = JobStoreFactory.Open("sqlite:" + Engine.DbPath);
        _stores.Add((IAsyncDisposable)store);
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        var services = new ServerServices
        {
            Manifest = Engine.Manifest, Store = store, Tokens = (IServiceTokenStore)store, Service = Engine.Service,
            Runner = Engine.Runner, Masker = Engine.Masker, Env = "test", RunWorker = false, MasterKey = masterKey,
        };
        var app = VelvetServer.Build(services, ["http://127.0.0.1:0"], b =>
        {
            b.WebHost.UseTestServer();
            b.Logging.AddProvider(ServerLogs);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        _apps.Add(app);
        return app;
    }

    /// <summary>Stops a server for good, as a process that exits.</summary>
    public async Task StopAsync(WebApplication app)
    {
        _apps.Remove(app);
        await app.StopAsync(TestContext.Current.CancellationToken);
        await app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        foreach (var store in _stores) await store.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
