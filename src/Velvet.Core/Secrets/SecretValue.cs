using System.Security.Cryptography;
using System.Text;

namespace Velvet.Core.Secrets;

/// <summary>
/// A credential value. <see cref="ToString"/> never reveals it; the only way out is <see cref="Reveal"/>,
/// which adapters call at the moment they write to a vendor.
/// </summary>
public sealed class SecretValue : IEquatable<SecretValue>
{
    private readonly string _value;

    public SecretValue(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value;
    }

    /// <summary>The plain value. Call only to hand it to a vendor or consumer.</summary>
    public string Reveal() => _value;

    /// <summary>SHA-256 fingerprint prefix: safe to log and store (I1).</summary>
    public string Fingerprint => Fingerprints.Sha256(_value);

    public int Length => _value.Length;

    public override string ToString() => $"[secret {Fingerprint}]";

    public bool Equals(SecretValue? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(_value), Encoding.UTF8.GetBytes(other._value));

    public override bool Equals(object? obj) => Equals(obj as SecretValue);

    public override int GetHashCode() => Fingerprint.GetHashCode(StringComparison.Ordinal);
}

/// <summary>Fingerprints that identify a value without revealing it.</summary>
public static class Fingerprints
{
    /// <summary><c>sha256:</c> + first 16 hex chars of SHA-256(value).</summary>
    public static string Sha256(string value)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(value));
        return "sha256:" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    /// <summary>Keyed fingerprint for write-only consumers: <c>hmac:</c> + 16 hex chars.</summary>
    public static string Hmac(ReadOnlySpan<byte> key, string value)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value));
        return "hmac:" + Convert.ToHexStringLower(mac.AsSpan(0, 8));
    }
}
