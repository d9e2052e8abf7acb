using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Server.WebConsole;

/// <summary>
/// Where the keys that protect console cookies and anti-forgery tokens live (docs/console.md, "Sessions across restarts
/// and replicas"). With a master key and a store that keeps a key ring: in the store, sealed, shared by every replica.
/// Otherwise in this process's memory only (never on disk), with one warning at startup.
/// </summary>
internal static partial class ConsoleKeyRing
{
    public const string ApplicationName = "velvet";
    private const string LogCategory = "Velvet.Server.WebConsole.KeyRing";

    public static void Add(IServiceCollection services, ServerServices s)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        // Either repository below keeps key XML safe (sealed, or memory only): Data Protection's "no XML encryptor
        // configured, key may be persisted to storage in unencrypted form" warning would be misleading.
        services.AddLogging(b => b.AddFilter(typeof(XmlKeyManager).FullName, LogLevel.Error));
        if (s.MasterKey is { } box && s.Store is IKeyRingStore ring)
        {
            services.AddOptions<KeyManagementOptions>().Configure<ILoggerFactory>((o, logs) =>
                o.XmlRepository = new StoreXmlRepository(ring, new KeyRingSeal(box), s.Time, logs.CreateLogger(LogCategory)));
            return;
        }
        // Without this, Data Protection would write unencrypted keys under $HOME/.aspnet when that folder exists.
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = new MemoryXmlRepository());
        var reason = s.MasterKey is null ? "the server was given no master key" : "the store keeps no key ring";
        services.AddHostedService(sp => new WarnAtStart(sp.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory), reason));
    }

    [LoggerMessage(3202, LogLevel.Warning,
        "console sessions will not survive a restart and are not shared between replicas: {Reason}, so the keys protecting console cookies live in this process only")]
    private static partial void InMemory(ILogger logger, string reason);

    private sealed class WarnAtStart(ILogger logger, string reason) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            InMemory(logger, reason);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>This process's keys only (Data Protection's own in-memory repository is internal).</summary>
    private sealed class MemoryXmlRepository : IXmlRepository
    {
        private readonly Lock _gate = new();
        private readonly List<XElement> _elements = [];

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            lock (_gate) return _elements.Select(e => new XElement(e)).ToList();
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            lock (_gate) _elements.Add(new XElement(element));
        }
    }
}
