using System.Security.Cryptography;
using System.Text;

namespace Velvet.Core.Secrets;

/// <summary>A sealed value as stored: AES-256-GCM with the job id as associated data.</summary>
public sealed record SealedSecret(string KeyId, byte[] Nonce, byte[] Ciphertext, byte[] Tag);

/// <summary>Raised when no usable master key is configured. Its message says what to set.</summary>
public sealed class MasterKeyException(string message) : Exception(message);

/// <summary>
/// Encrypts new credential values at rest (SPEC §4). The key comes from <c>VELVET_MASTER_KEY</c>
/// (base64 of 32 bytes) or the file named by <c>VELVET_MASTER_KEY_FILE</c>.
/// </summary>
public sealed class SecretBox
{
    public const string KeyEnv = "VELVET_MASTER_KEY";
    public const string KeyFileEnv = "VELVET_MASTER_KEY_FILE";
    private readonly byte[] _key;

    public SecretBox(byte[] key)
    {
        if (key.Length != 32) throw new MasterKeyException($"the master key must be 32 bytes (base64 of 32 random bytes); got {key.Length} bytes. Generate one with: openssl rand -base64 32");
        _key = key;
        KeyId = Fingerprints.Sha256(Convert.ToBase64String(key))[7..15];
    }

    /// <summary>Short non-secret id of the key, stored beside each ciphertext so a wrong key is reported as such.</summary>
    public string KeyId { get; }

    /// <summary>Reads the key from the environment; a clear error naming both variables when absent or malformed.</summary>
    public static SecretBox FromEnvironment(Func<string, string?> env)
    {
        var inline = env(KeyEnv);
        var file = env(KeyFileEnv);
        string? text = null;
        var source = KeyEnv;
        if (!string.IsNullOrWhiteSpace(inline)) text = inline;
        else if (!string.IsNullOrWhiteSpace(file))
        {
            source = $"{KeyFileEnv} ({file})";
            if (!File.Exists(file)) throw new MasterKeyException($"{KeyFileEnv} points to '{file}', which does not exist. Create it with: openssl rand -base64 32 > {file}; chmod 600 {file}");
            text = File.ReadAllText(file);
        }
        if (text is null)
            throw new MasterKeyException($"no master key: set {KeyEnv} to the base64 of 32 random bytes (openssl rand -base64 32) or {KeyFileEnv} to a file holding it. Velvet encrypts new credential values at rest with it. (`velvet demo` makes its own.)");
        byte[] key;
        try { key = Convert.FromBase64String(text.Trim()); }
        catch (FormatException) { throw new MasterKeyException($"{source} is not valid base64; expected the base64 of 32 random bytes (openssl rand -base64 32)"); }
        return new SecretBox(key);
    }

    /// <summary>Writes a new random key file (mode 600) and returns its box. Used by the demo.</summary>
    public static SecretBox CreateKeyFile(string path)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new SecretBox(key);
    }

    /// <summary>A 32-byte key for another purpose (e.g. HMAC fingerprints), derived with HKDF so the master key is never reused as is.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, 32, info: Encoding.UTF8.GetBytes("velvet:" + purpose));

    public SealedSecret Seal(Guid jobId, SecretValue value)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plain = Encoding.UTF8.GetBytes(value.Reveal());
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using var gcm = new AesGcm(_key, 16);
        gcm.Encrypt(nonce, plain, cipher, tag, jobId.ToByteArray());
        CryptographicOperations.ZeroMemory(plain);
        return new SealedSecret(KeyId, nonce, cipher, tag);
    }

    public SecretValue Open(Guid jobId, SealedSecret sealedSecret)
    {
        if (sealedSecret.KeyId != KeyId)
            throw new MasterKeyException($"job {jobId}'s value was sealed with key {sealedSecret.KeyId}, but the configured master key is {KeyId}; start Velvet with the key it was running with");
        var plain = new byte[sealedSecret.Ciphertext.Length];
        using var gcm = new AesGcm(_key, 16);
        gcm.Decrypt(sealedSecret.Nonce, sealedSecret.Ciphertext, sealedSecret.Tag, plain, jobId.ToByteArray());
        try { return new SecretValue(Encoding.UTF8.GetString(plain)); }
        finally { CryptographicOperations.ZeroMemory(plain); }
    }
}
