using Velvet.Vendors.Generated;

namespace Velvet.Vendors.Tests.Generated;

public sealed class PasswordPolicyTests
{
    private const string Owner = "credential API_TOKEN (vendor generated)";

    [Fact]
    public void Default_policy_is_40_alphanumeric_characters()
    {
        var value = PasswordPolicy.FromSettings(Owner, null, null).Generate().Reveal();
        Assert.Equal(40, value.Length);
        Assert.All(value, c => Assert.True(char.IsAsciiLetterOrDigit(c)));
    }

    [Theory]
    [InlineData("16")]
    [InlineData("64")]
    [InlineData("256")]
    public void Length_setting_is_honoured_from_16_to_256(string length)
    {
        Assert.Equal(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture),
            PasswordPolicy.FromSettings(Owner, length, null).Generate().Length);
    }

    [Theory]
    [InlineData("15")]
    [InlineData("257")]
    [InlineData("forty")]
    [InlineData("-20")]
    public void Length_outside_16_to_256_is_refused_naming_the_setting(string length)
    {
        var ex = Assert.Throws<AdapterSettingsException>(() => PasswordPolicy.FromSettings(Owner, length, null));
        Assert.Equal($"{Owner}: setting length must be a whole number from 16 to 256; got '{length}'. Fix: set length: \"40\" or remove it", ex.Message);
    }

    [Theory]
    [InlineData("hex", "0123456789abcdef")]
    [InlineData("base64url", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")]
    [InlineData("alnum", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("custom:xyz!", "xyz!")]
    public void Values_use_only_the_alphabets_characters(string alphabet, string chars)
    {
        var value = PasswordPolicy.FromSettings(Owner, "256", alphabet).Generate().Reveal();
        Assert.All(value, c => Assert.Contains(c, chars));
    }

    [Theory]
    [InlineData("emoji", "setting alphabet must be alnum, hex, base64url or custom:<characters>; got 'emoji'")]
    [InlineData("custom:aab", "setting alphabet repeats 'a'; list each character once")]
    [InlineData("custom:a", "setting alphabet needs 2 to 256 characters after 'custom:'; got 1")]
    public void Bad_alphabets_are_refused_with_the_fix(string alphabet, string message)
    {
        var ex = Assert.Throws<AdapterSettingsException>(() => PasswordPolicy.FromSettings(Owner, null, alphabet));
        Assert.Equal($"{Owner}: {message}", ex.Message);
    }

    [Fact]
    public void Every_character_of_the_alphabet_is_about_equally_likely()
    {
        // 200 × 256 hex characters: 3200 expected per symbol, standard deviation about 55; 10 % is about 6 sigma.
        var policy = PasswordPolicy.FromSettings(Owner, "256", "hex");
        var counts = new Dictionary<char, int>();
        for (var i = 0; i < 200; i++)
        {
            foreach (var c in policy.Generate().Reveal()) counts[c] = counts.GetValueOrDefault(c) + 1;
        }
        Assert.Equal(16, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 2880, 3520));
    }

    [Fact]
    public void A_62_character_alphabet_has_no_modulo_bias_toward_its_first_characters()
    {
        // With plain byte % 62 the first 8 characters would come up 5/4 as often as the rest (25 % more).
        var policy = PasswordPolicy.FromSettings(Owner, "256", "alnum");
        var counts = new Dictionary<char, int>();
        for (var i = 0; i < 400; i++)
        {
            foreach (var c in policy.Generate().Reveal()) counts[c] = counts.GetValueOrDefault(c) + 1;
        }
        var first = PasswordPolicy.Alnum[..8].Average(c => counts[c]);
        var rest = PasswordPolicy.Alnum[8..].Average(c => counts[c]);
        Assert.InRange(first / rest, 0.95, 1.05);
    }

    [Fact]
    public void Two_values_differ()
    {
        var policy = PasswordPolicy.Default;
        Assert.NotEqual(policy.Generate(), policy.Generate());
    }
}
