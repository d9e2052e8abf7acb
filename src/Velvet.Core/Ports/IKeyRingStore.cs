namespace Velvet.Core.Ports;

/// <summary>
/// One element of the console's ASP.NET Core Data Protection key ring as stored: a key or a revocation, already
/// sealed with the master key by the server (the store never sees the XML). Rows are written once and never changed.
/// </summary>
public sealed record KeyRingElement
{
    /// <summary>Assigned by the store, increasing in insertion order; ignored on add.</summary>
    public long Id { get; init; }
    /// <summary>Data Protection's name for the element (<c>key-GUID</c>, <c>revocation-…</c>); not unique, not secret.</summary>
    public required string FriendlyName { get; init; }
    /// <summary>The element's XML sealed by the server; the store treats it as opaque text.</summary>
    public required string SealedElement { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// Where replicas share the console's Data Protection key ring (sign-in cookies, anti-forgery tokens), so sessions
/// survive a restart and work on every replica. Lives in the job store's database: <c>JobStoreFactory.KeyRing(store)</c>.
/// Append-only: Data Protection never changes a stored element, it adds new keys and revocations.
/// </summary>
public interface IKeyRingStore
{
    /// <summary>Every element, oldest first.</summary>
    Task<IReadOnlyList<KeyRingElement>> ListKeyRingElementsAsync(CancellationToken ct);

    /// <summary>Appends one element; returns it with the id the store gave it.</summary>
    Task<KeyRingElement> AddKeyRingElementAsync(KeyRingElement element, CancellationToken ct);
}
