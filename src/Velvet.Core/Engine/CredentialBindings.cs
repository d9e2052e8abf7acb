using System.Collections.Concurrent;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;

namespace Velvet.Core.Engine;

/// <summary>The manifest turned into adapters, built once per credential/consumer and reused.</summary>
public sealed class CredentialBindings(VelvetManifest manifest, IAdapterCatalog catalog)
{
    private readonly ConcurrentDictionary<string, ICredentialVendor> _vendors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), ConsumerBinding> _consumers = new();

    public VelvetManifest Manifest => manifest;

    public ICredentialVendor Vendor(CredentialSpec credential) =>
        _vendors.GetOrAdd(credential.TokenName, _ => catalog.CreateVendor(credential));

    public ConsumerBinding? Consumer(CredentialSpec credential, string consumerId, string env)
    {
        var spec = manifest.Consumers.FirstOrDefault(c => c.TokenName == credential.TokenName && c.ConsumerId == consumerId && c.Env == env);
        if (spec is null) return null;
        return _consumers.GetOrAdd((credential.TokenName, consumerId),
            _ => new ConsumerBinding(spec, catalog.CreateConsumer(credential, spec), catalog.CreateHealthcheck(spec)));
    }
}

/// <summary>A consumer's adapter plus its optional healthcheck.</summary>
public sealed record ConsumerBinding(ConsumerSpec Spec, IConsumerAdapter Adapter, IHealthcheck? Healthcheck);
