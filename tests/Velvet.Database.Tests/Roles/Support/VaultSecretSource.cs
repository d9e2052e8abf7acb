using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.DotenvFile;

namespace Velvet.Database.Tests.Roles.Support;

/// <summary>The current value of a credential is what the canonical dotenv vault holds (as a team's vault would answer).</summary>
public sealed class VaultSecretSource(string path, string key, SecretMasker masker) : ISecretSource
{
    public SecretValue? Get(string credentialName)
    {
        if (credentialName != key || !File.Exists(path)) return null;
        var value = DotenvText.Read(File.ReadAllText(path), key);
        if (string.IsNullOrEmpty(value)) return null;
        masker.Register(value);
        return new SecretValue(value);
    }
}
