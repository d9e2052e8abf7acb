using System.Collections.Concurrent;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Local;

/// <summary>Values held in memory, for tests and the demo. Registered with the masker when set, before anyone can print them.</summary>
public sealed class DictionarySecretSource : ISecretSource
{
    private readonly ConcurrentDictionary<string, SecretValue> _values = new(StringComparer.Ordinal);
    private readonly SecretMasker _masker;

    public DictionarySecretSource(SecretMasker? masker = null) => _masker = masker ?? SecretMasker.Shared;

    public DictionarySecretSource(IReadOnlyDictionary<string, string> values, SecretMasker? masker = null) : this(masker)
    {
        foreach (var (name, value) in values) Set(name, new SecretValue(value));
    }

    /// <summary>Sets (or replaces, e.g. after a rotation) a credential's current value.</summary>
    public void Set(string credentialName, SecretValue value)
    {
        _masker.Register(value);
        _values[credentialName] = value;
    }

    public bool Remove(string credentialName) => _values.TryRemove(credentialName, out _);

    public SecretValue? Get(string credentialName) => _values.TryGetValue(credentialName, out var v) ? v : null;
}
