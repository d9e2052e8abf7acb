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

    /// <summary>
    /// Builds every adapter of the active credentials of <paramref name="env"/> once, so bad settings are
    /// reported at startup (fail fast) instead of in the middle of a rotation. Returns one message per problem.
    /// </summary>
    public IReadOnlyList<ManifestError> Check(string env)
    {
        var problems = new List<ManifestError>();
        foreach (var credential in manifest.Credentials.Where(c => c.Env == env && c.Active))
        {
            Try(credential.Line, () => Vendor(credential));
            foreach (var consumer in manifest.ConsumersOf(credential.TokenName, env).Where(c => c.Active))
                Try(consumer.Line, () => Consumer(credential, consumer.ConsumerId, env));
        }
        return problems;

        void Try(int line, Func<object?> build)
        {
            try { build(); }
            catch (ArgumentException ex)
            {
                problems.Add(new ManifestError(manifest.SourcePath, Math.Max(1, line), 1, ex.Message, "set the entry's settings as docs/manifest.md describes for its kind"));
            }
        }
    }

    public ICredentialVendor Vendor(CredentialSpec credential) =>
        _vendors.GetOrAdd(credential.TokenName, _ => catalog.CreateVendor(credential));

    private readonly Dictionary<(string Token, string Consumer, string Env), ConsumerSpec> _specs = manifest.Consumers
        .GroupBy(c => (c.TokenName, c.ConsumerId, c.Env)).ToDictionary(g => g.Key, g => g.First());

    public ConsumerBinding? Consumer(CredentialSpec credential, string consumerId, string env)
    {
        if (!_specs.TryGetValue((credential.TokenName, consumerId, env), out var spec)) return null;
        return _consumers.GetOrAdd((credential.TokenName, consumerId),
            _ => new ConsumerBinding(spec, catalog.CreateConsumer(credential, spec), catalog.CreateHealthcheck(spec)));
    }
}

/// <summary>A consumer's adapter plus its optional healthcheck.</summary>
public sealed record ConsumerBinding(ConsumerSpec Spec, IConsumerAdapter Adapter, IHealthcheck? Healthcheck);
