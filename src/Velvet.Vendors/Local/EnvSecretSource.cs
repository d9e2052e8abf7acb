using System.Text;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Local;

/// <summary>
/// Current credential values from the environment: <c>VELVET_SECRET_&lt;NAME&gt;</c> (upper-case, non-alphanumerics as
/// '_'), else a variable named exactly like the credential. Every value returned is registered with the masker first.
/// </summary>
public sealed class EnvSecretSource : ISecretSource
{
    public const string Prefix = "VELVET_SECRET_";
    private readonly Func<string, string?> _env;
    private readonly SecretMasker _masker;

    public EnvSecretSource(Func<string, string?>? env = null, SecretMasker? masker = null)
    {
        _env = env ?? Environment.GetEnvironmentVariable;
        _masker = masker ?? SecretMasker.Shared;
    }

    /// <summary>The preferred variable for a credential: <c>hk-platform.full</c> → <c>VELVET_SECRET_HK_PLATFORM_FULL</c>.</summary>
    public static string VariableFor(string credentialName)
    {
        var sb = new StringBuilder(Prefix, Prefix.Length + credentialName.Length);
        foreach (var c in credentialName) sb.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        return sb.ToString();
    }

    public SecretValue? Get(string credentialName)
    {
        var raw = _env(VariableFor(credentialName));
        if (string.IsNullOrEmpty(raw)) raw = _env(credentialName);
        if (string.IsNullOrEmpty(raw)) return null;
        var value = new SecretValue(raw);
        _masker.Register(value);
        return value;
    }
}
