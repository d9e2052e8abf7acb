using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Local;

/// <summary>
/// A consumer that can say which value it holds (a vault such as Infisical). Velvet reads a credential's current value
/// from such a consumer when the manifest marks it <c>current_value_source: true</c> (see <see cref="VaultSecretSource"/>).
/// </summary>
public interface ICurrentValueReader
{
    /// <summary>The manifest marked this consumer as the place to read the credential's current value from.</summary>
    bool IsCurrentValueSource { get; }

    /// <summary>
    /// The value held, registered with the masker; null with a Succeeded outcome when the store has none.
    /// <paramref name="auth"/> supplies the credentials the store itself needs (never read through the store).
    /// </summary>
    Task<(Outcome Outcome, SecretValue? Value)> ReadCurrentAsync(ISecretSource auth, CancellationToken ct);
}
