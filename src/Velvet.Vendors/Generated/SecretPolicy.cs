using System.Globalization;
using System.Security.Cryptography;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Generated;

/// <summary>
/// What a generated value looks like (docs/lifecycle.md, "Generated-secret policy"): either <c>encoding: hex | base64 |
/// base64url</c> of <c>bytes</c> random bytes (length counted in BYTES: 32 bytes of hex are 64 characters), or
/// <c>encoding: alphanumeric</c> (the default, or any <c>alphabet</c>) of <c>length</c> CHARACTERS; with an optional
/// literal <c>prefix</c> in front (e.g. <c>vlt_</c>), which counts toward neither.
/// </summary>
public sealed record SecretPolicy(PasswordPolicy? Characters, string? Encoding, int Bytes, string Prefix)
{
    public const int DefaultBytes = 32;
    public const int MinBytes = 16;
    public const int MaxBytes = 128;
    public const int MaxPrefix = 32;
    public static readonly IReadOnlyList<string> Encodings = ["hex", "base64", "base64url", "alphanumeric"];

    public static SecretPolicy Default { get; } = new(PasswordPolicy.Default, null, 0, "");

    /// <summary>Builds the policy from the vendor settings; every error names the setting and what it accepts.</summary>
    public static SecretPolicy FromSettings(string owner, Func<string, string?> setting)
    {
        var prefix = ParsePrefix(owner, setting("prefix"));
        var encoding = setting("encoding");
        var bytes = setting("bytes");
        if (encoding is null or "alphanumeric")
        {
            if (bytes is not null)
                throw new AdapterSettingsException($"{owner}: setting bytes applies to encoding hex, base64 or base64url; {(encoding is null ? "set encoding: hex (for example)" : "alphanumeric counts characters: use length")}");
            if (encoding is not null && setting("alphabet") is not null)
                throw new AdapterSettingsException($"{owner}: encoding alphanumeric and alphabet cannot both be set; keep one");
            return new SecretPolicy(PasswordPolicy.FromSettings(owner, setting("length"), setting("alphabet")), null, 0, prefix);
        }
        if (!Encodings.Contains(encoding, StringComparer.Ordinal))
            throw new AdapterSettingsException($"{owner}: setting encoding must be one of {string.Join(", ", Encodings)}; got '{encoding}'");
        if (setting("length") is not null || setting("alphabet") is not null)
            throw new AdapterSettingsException($"{owner}: encoding {encoding} is sized in bytes: replace length/alphabet with bytes: \"{DefaultBytes}\"");
        var n = DefaultBytes;
        if (bytes is not null && (!int.TryParse(bytes, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n is < MinBytes or > MaxBytes))
            throw new AdapterSettingsException($"{owner}: setting bytes must be a whole number from {MinBytes} to {MaxBytes}; got '{bytes}'. Fix: bytes: \"{DefaultBytes}\"");
        return new SecretPolicy(null, encoding, n, prefix);
    }

    private static string ParsePrefix(string owner, string? prefix)
    {
        if (prefix is null) return "";
        if (prefix.Length is 0 or > MaxPrefix || prefix.Any(c => c <= ' ' || c > '~'))
            throw new AdapterSettingsException($"{owner}: setting prefix must be 1 to {MaxPrefix} printable ASCII characters without spaces; got {prefix.Length} character(s)");
        return prefix;
    }

    /// <summary>Characters of every value (prefix included), for docs and tests.</summary>
    public int ValueLength => Prefix.Length + (Characters?.Length ?? Encoding switch
    {
        "hex" => Bytes * 2,
        "base64" => (Bytes + 2) / 3 * 4,
        _ => (Bytes * 4 + 2) / 3,
    });

    public SecretValue Generate()
    {
        if (Characters is not null)
        {
            var chars = Characters.Generate();
            return Prefix.Length == 0 ? chars : new SecretValue(Prefix + chars.Reveal());
        }
        var random = RandomNumberGenerator.GetBytes(Bytes);
        try
        {
            var text = Encoding switch
            {
                "hex" => Convert.ToHexStringLower(random),
                "base64" => Convert.ToBase64String(random),
                _ => Convert.ToBase64String(random).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            };
            return new SecretValue(Prefix + text);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
        }
    }
}
