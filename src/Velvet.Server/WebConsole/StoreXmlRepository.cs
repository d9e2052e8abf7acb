using System.Security.Cryptography;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Server.WebConsole;

/// <summary>
/// The console's Data Protection key ring in Velvet's store: every replica (and every restart) reads the same keys,
/// so a sign-in cookie or anti-forgery token minted by one is accepted by all. Each element is sealed with the master
/// key before it is written (<see cref="KeyRingSeal"/>). An element this replica cannot open (another master key, or
/// altered) is left out with a warning: Data Protection then makes a new key, and sessions minted with the old one
/// end (people sign in again); each such element is reported once per process. Data Protection's interface is synchronous, hence the blocking store calls; it reads
/// the ring when it first needs a key and then about once a day.
/// </summary>
internal sealed partial class StoreXmlRepository(IKeyRingStore store, KeyRingSeal seal, TimeProvider time, ILogger logger) : IXmlRepository
{
    private readonly Lock _gate = new();
    private readonly HashSet<long> _reported = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var rows = store.ListKeyRingElementsAsync(CancellationToken.None).GetAwaiter().GetResult();
        var elements = new List<XElement>(rows.Count);
        var unreadable = new List<string>();
        foreach (var row in rows)
        {
            try
            {
                elements.Add(XElement.Parse(seal.Open(row.SealedElement)));
            }
            catch (Exception ex) when (ex is MasterKeyException or CryptographicException or XmlException)
            {
                lock (_gate)
                {
                    if (_reported.Add(row.Id)) unreadable.Add($"{row.FriendlyName} (sealed with {KeyRingSeal.KeyIdOf(row.SealedElement) ?? "?"})");
                }
            }
        }
        if (unreadable.Count > 0) Unreadable(logger, unreadable.Count, seal.KeyId, string.Join(", ", unreadable));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var row = new KeyRingElement
        {
            FriendlyName = friendlyName,
            SealedElement = seal.Seal(element.ToString(SaveOptions.DisableFormatting)),
            CreatedAt = time.GetUtcNow(),
        };
        store.AddKeyRingElementAsync(row, CancellationToken.None).GetAwaiter().GetResult();
    }

    [LoggerMessage(3201, LogLevel.Warning,
        "console key ring: {Count} stored key(s) cannot be opened with this replica's master key {KeyId} and are ignored: {Elements}. " +
        "Console sessions and forms minted with them are refused (people sign in again); start every replica with the same master key")]
    private static partial void Unreadable(ILogger logger, int count, string keyId, string elements);
}
