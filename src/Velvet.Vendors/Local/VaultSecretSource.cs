using Velvet.Core.Engine;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Local;

/// <summary>Reading a credential's current value from its vault failed; the message says why (never the value).</summary>
public class VaultReadException(string message) : Exception(message);

/// <summary>The vault did not answer (timeout, 429, 5xx): worth retrying, so it is an <see cref="IOException"/>.</summary>
public sealed class VaultUnavailableException(string message) : IOException(message);

/// <summary>
/// Current values of credentials for Velvet's own calls (Stage 1 verify, the testing flow, update tokens): read from
/// the credential's consumer marked <c>current_value_source: true</c> in this env (a vault such as Infisical) when it
/// has one, else from <paramref name="fallback"/> (the environment). The vault's own login credentials are always
/// read from the fallback, so a vault never needs itself to open. Nothing is cached: each call reads the vault.
/// </summary>
public sealed class VaultSecretSource(CredentialBindings bindings, string env, ISecretSource fallback) : ISecretSource
{
    /// <summary>The consumer setting that marks a vault as the place to read the current value from.</summary>
    public const string CurrentValueSourceSetting = "current_value_source";

    public SecretValue? Get(string credentialName)
    {
        if (Reader(credentialName) is not { } reader) return fallback.Get(credentialName);
        // ISecretSource is synchronous; the engine calls it from pool threads, where blocking on one HTTP call is fine.
        var (outcome, value) = Task.Run(() => reader.ReadCurrentAsync(fallback, CancellationToken.None)).GetAwaiter().GetResult();
        if (value is not null) return value;
        if (outcome.IsSuccess) return fallback.Get(credentialName);
        var message = $"reading the current value of {credentialName} from its current_value_source failed: {outcome.Message}";
        throw outcome.Kind == OutcomeKind.Transient ? new VaultUnavailableException(message) : new VaultReadException(message);
    }

    private ICurrentValueReader? Reader(string credentialName)
    {
        var manifest = bindings.Manifest;
        if (manifest.Credentials.FirstOrDefault(c => c.TokenName == credentialName && c.Env == env) is not { } credential) return null;
        foreach (var consumer in manifest.ConsumersOf(credentialName, env).Where(c => c.Active && c.Setting(CurrentValueSourceSetting) == "true"))
        {
            if (bindings.Consumer(credential, consumer.ConsumerId, env)?.Adapter is ICurrentValueReader { IsCurrentValueSource: true } reader)
                return reader;
        }
        return null;
    }
}
