using System.Security.Cryptography;
using Velvet.Core.Secrets;

namespace Velvet.Server.WebConsole;

/// <summary>
/// Seals a Data Protection key-ring element (its XML holds the key material) with the master key before it is stored,
/// through the same <see cref="SecretBox"/> (AES-256-GCM) that seals credential values. Stored form:
/// <c>v1.KEYID.NONCE.TAG.CIPHERTEXT</c> (base64 parts); KEYID is the master key's non-secret id, so an element sealed
/// with another master key is recognised as such instead of failing as corrupt.
/// </summary>
internal sealed class KeyRingSeal(SecretBox box)
{
    /// <summary>The associated data of every element: an element opens only as a key-ring element, never as a job's value.</summary>
    private static readonly Guid Purpose = new("76656c76-6574-6b65-792d-72696e670001");
    private const string Version = "v1";

    /// <summary>The id of the master key this replica seals with (non-secret).</summary>
    public string KeyId => box.KeyId;

    public string Seal(string xml)
    {
        var s = box.Seal(Purpose, new SecretValue(xml));
        return string.Join('.', Version, s.KeyId, Convert.ToBase64String(s.Nonce), Convert.ToBase64String(s.Tag), Convert.ToBase64String(s.Ciphertext));
    }

    /// <summary>The element's XML.</summary>
    /// <exception cref="MasterKeyException">Sealed with another master key (<see cref="KeyIdOf"/> names it).</exception>
    /// <exception cref="CryptographicException">Not a sealed element, or altered since it was sealed.</exception>
    public string Open(string sealedText)
    {
        var parts = Parts(sealedText);
        if (parts[1] != box.KeyId) throw new MasterKeyException($"key-ring element sealed with master key {parts[1]}, this replica's is {box.KeyId}");
        try
        {
            var secret = new SealedSecret(parts[1], Convert.FromBase64String(parts[2]), Convert.FromBase64String(parts[4]), Convert.FromBase64String(parts[3]));
            return box.Open(Purpose, secret).Reveal();
        }
        catch (FormatException) { throw new CryptographicException("key-ring element is not valid base64"); }
        catch (ArgumentException) { throw new CryptographicException("key-ring element has a malformed nonce or tag"); }
    }

    /// <summary>The id of the master key an element was sealed with; null when it is not a sealed element.</summary>
    public static string? KeyIdOf(string sealedText)
    {
        try { return Parts(sealedText)[1]; }
        catch (CryptographicException) { return null; }
    }

    private static string[] Parts(string sealedText)
    {
        var parts = sealedText.Split('.');
        return parts.Length == 5 && parts[0] == Version ? parts : throw new CryptographicException("not a sealed key-ring element (expected v1.KEYID.NONCE.TAG.CIPHERTEXT)");
    }
}
