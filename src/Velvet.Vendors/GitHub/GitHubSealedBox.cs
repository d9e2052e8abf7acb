using System.Security.Cryptography;
using System.Text;
using Sodium;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.GitHub;

/// <summary>
/// libsodium's sealed box (crypto_box_seal: X25519 + XSalsa20-Poly1305 with an ephemeral key), which is how GitHub
/// wants secret values: only the holder of the repository's private key can open it.
/// </summary>
public static class GitHubSealedBox
{
    public const int PublicKeyBytes = 32;

    /// <summary>Base64 (standard, padded) of the sealed UTF-8 value, ready for <c>encrypted_value</c>.</summary>
    public static string Seal(SecretValue value, byte[] publicKey)
    {
        if (publicKey.Length != PublicKeyBytes)
            throw new ArgumentException($"a GitHub public key is {PublicKeyBytes} bytes; got {publicKey.Length}", nameof(publicKey));
        var plain = Encoding.UTF8.GetBytes(value.Reveal());
        try
        {
            return Convert.ToBase64String(SealedPublicKeyBox.Create(plain, publicKey));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
