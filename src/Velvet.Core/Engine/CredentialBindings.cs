using System.Collections.Concurrent;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;

namespace Velvet.Core.Engine;

/// <summary>
/// The manifest turned into adapters, built once per credential/consumer and reused. <see cref="Replace"/> swaps in
/// a new manifest atomically (runtime subscriber registration): steps that already hold adapters finish with them.
/// </summary>
public sealed class CredentialBindings(VelvetManifest manifest, IAdapterCatalog catalog)
{
    private sealed class State(VelvetManifest manifest)
    {
        public VelvetManifest Manifest { get; } = manifest;
        public ConcurrentDictionary<string, ICredentialVendor> Vendors { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<(string, string, string), ConsumerBinding> Consumers { get; } = new();
        public Dictionary<(string Token, string Consumer, string Env), ConsumerSpec> Specs { get; } = manifest.Consumers
            .GroupBy(c => (c.TokenName, c.ConsumerId, c.Env)).ToDictionary(g => g.Key, g => g.First());
    }

    private volatile State _state = new(manifest);

    public VelvetManifest Manifest => _state.Manifest;

    public IAdapterCatalog Catalog => catalog;

    /// <summary>Uses <paramref name="next"/> from now on (e.g. consumers from the subscribers table).</summary>
    public void Replace(VelvetManifest next) => _state = new State(next);

    /// <summary>
    /// Builds every adapter of the active credentials of <paramref name="env"/> once, so bad settings are
    /// reported at startup (fail fast) instead of in the middle of a rotation. Returns one error per problem.
    /// </summary>
    public IReadOnlyList<ManifestError> Check(string env)
    {
        var problems = new List<ManifestError>();
        var m = Manifest;
        foreach (var credential in m.Credentials.Where(c => c.Env == env && c.Active))
        {
            Try(credential.Line, () => Vendor(credential));
            foreach (var consumer in m.ConsumersOf(credential.TokenName, env).Where(c => c.Active))
                Try(consumer.Line, () => Consumer(credential, consumer.ConsumerId, env));
        }
        return problems;

        void Try(int line, Func<object?> build)
        {
            try { build(); }
            catch (ArgumentException ex)
            {
                problems.Add(new ManifestError(m.SourcePath, Math.Max(1, line), 1, ex.Message, "set the entry's settings as docs/manifest.md describes for its kind"));
            }
        }
    }

    public ICredentialVendor Vendor(CredentialSpec credential) =>
        _state.Vendors.GetOrAdd(credential.TokenName, _ => catalog.CreateVendor(credential));

    public ConsumerBinding? Consumer(CredentialSpec credential, string consumerId, string env)
    {
        var state = _state;
        if (!state.Specs.TryGetValue((credential.TokenName, consumerId, env), out var spec)) return null;
        return state.Consumers.GetOrAdd((credential.TokenName, consumerId, env),
            _ => new ConsumerBinding(spec, catalog.CreateConsumer(credential, spec), catalog.CreateHealthcheck(spec)));
    }
}

/// <summary>A consumer's adapter plus its optional healthcheck.</summary>
public sealed record ConsumerBinding(ConsumerSpec Spec, IConsumerAdapter Adapter, IHealthcheck? Healthcheck);
