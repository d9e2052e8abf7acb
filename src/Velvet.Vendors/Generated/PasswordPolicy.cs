using System.Globalization;
using System.Security.Cryptography;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Generated;

/// <summary>How long a generated value is and which characters it draws from (settings <c>length</c>, <c>alphabet</c>).</summary>
public sealed record PasswordPolicy
{
    public const int DefaultLength = 40;
    public const int MinLength = 16;
    public const int MaxLength = 256;
    public const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    public const string Hex = "0123456789abcdef";
    public const string Base64Url = Alnum + "-_";

    public int Length { get; }
    public string Alphabet { get; }

    public PasswordPolicy(int length, string alphabet)
    {
        if (length is < MinLength or > MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"length must be between {MinLength} and {MaxLength}");
        // One byte picks one character, so the alphabet must fit in a byte's range.
        if (alphabet.Length is < 2 or > 256)
            throw new ArgumentException("an alphabet needs between 2 and 256 distinct characters", nameof(alphabet));
        Length = length;
        Alphabet = alphabet;
    }

    public static PasswordPolicy Default { get; } = new(DefaultLength, Alnum);

    /// <summary>Builds the policy from manifest settings; errors name the setting and the accepted values.</summary>
    public static PasswordPolicy FromSettings(string owner, string? length, string? alphabet)
    {
        var n = DefaultLength;
        if (length is not null &&
            (!int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n is < MinLength or > MaxLength))
        {
            throw new AdapterSettingsException(
                $"{owner}: setting length must be a whole number from {MinLength} to {MaxLength}; got '{length}'. Fix: set length: \"{DefaultLength}\" or remove it");
        }
        return new PasswordPolicy(n, ParseAlphabet(owner, alphabet));
    }

    private static string ParseAlphabet(string owner, string? setting)
    {
        const string Accepted = "alnum, hex, base64url or custom:<characters>";
        switch (setting)
        {
            case null or "alnum": return Alnum;
            case "hex": return Hex;
            case "base64url": return Base64Url;
        }
        if (!setting.StartsWith("custom:", StringComparison.Ordinal))
            throw new AdapterSettingsException($"{owner}: setting alphabet must be {Accepted}; got '{setting}'");
        var chars = setting["custom:".Length..];
        if (chars.Any(c => char.IsControl(c) || char.IsSurrogate(c)))
            throw new AdapterSettingsException($"{owner}: setting alphabet has a control or non-BMP character; use printable characters only");
        // A repeated character would be drawn twice as often: refuse rather than silently skew the distribution.
        var repeated = chars.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
            throw new AdapterSettingsException($"{owner}: setting alphabet repeats '{string.Concat(repeated)}'; list each character once");
        if (chars.Length is < 2 or > 256)
            throw new AdapterSettingsException($"{owner}: setting alphabet needs 2 to 256 characters after 'custom:'; got {chars.Length}");
        return chars;
    }

    /// <summary>
    /// A fresh value. Each character comes from one random byte; bytes at or above the largest multiple of the
    /// alphabet size are thrown away (rejection sampling), so every character is equally likely: no modulo bias.
    /// </summary>
    public SecretValue Generate()
    {
        var size = Alphabet.Length;
        var limit = 256 - (256 % size);
        var result = new char[Length];
        Span<byte> pool = stackalloc byte[64];
        var filled = 0;
        while (filled < Length)
        {
            RandomNumberGenerator.Fill(pool);
            foreach (var b in pool)
            {
                if (b >= limit) continue;
                result[filled++] = Alphabet[b % size];
                if (filled == Length) break;
            }
        }
        var value = new SecretValue(new string(result));
        Array.Clear(result);
        CryptographicOperations.ZeroMemory(pool);
        return value;
    }
}
