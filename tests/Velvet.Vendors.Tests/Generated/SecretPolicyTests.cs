using Velvet.Vendors.Generated;

namespace Velvet.Vendors.Tests.Generated;

/// <summary>Generated-secret policy: encoding (hex, base64, base64url sized in bytes; alphanumeric in characters) and prefix.</summary>
public class SecretPolicyTests
{
    private static SecretPolicy Policy(params (string Key, string Value)[] settings) =>
        SecretPolicy.FromSettings("credential T (vendor generated)", k => settings.FirstOrDefault(s => s.Key == k).Value);

    [Theory]
    [InlineData("hex", "32", "", "^[0-9a-f]{64}$")]
    [InlineData("base64", "32", "", "^[A-Za-z0-9+/]{43}=$")]
    [InlineData("base64url", "32", "tok_", "^tok_[A-Za-z0-9_-]{43}$")]
    [InlineData("hex", "16", "cait_", "^cait_[0-9a-f]{32}$")]
    public void Encoded_values_are_sized_in_bytes_with_the_prefix_in_front(string encoding, string bytes, string prefix, string pattern)
    {
        var settings = new List<(string, string)> { ("encoding", encoding), ("bytes", bytes) };
        if (prefix.Length > 0) settings.Add(("prefix", prefix));
        var policy = Policy([.. settings]);
        var a = policy.Generate().Reveal();
        Assert.Matches(pattern, a);
        Assert.Equal(policy.ValueLength, a.Length);
        Assert.NotEqual(a, policy.Generate().Reveal());
    }

    [Fact]
    public void Alphanumeric_is_sized_in_characters_and_is_the_default()
    {
        Assert.Matches("^[A-Za-z0-9]{24}$", Policy(("encoding", "alphanumeric"), ("length", "24")).Generate().Reveal());
        Assert.Matches("^v_[A-Za-z0-9]{40}$", Policy(("prefix", "v_")).Generate().Reveal());
    }

    [Theory]
    [InlineData("encoding", "base32", null, null, "setting encoding must be one of hex, base64, base64url, alphanumeric; got 'base32'")]
    [InlineData("encoding", "hex", "length", "64", "encoding hex is sized in bytes: replace length/alphabet with bytes: \"32\"")]
    [InlineData("encoding", "hex", "bytes", "8", "setting bytes must be a whole number from 16 to 128; got '8'")]
    [InlineData("bytes", "32", null, null, "setting bytes applies to encoding hex, base64 or base64url")]
    [InlineData("prefix", "has space", null, null, "setting prefix must be 1 to 32 printable ASCII characters without spaces")]
    public void Bad_settings_name_the_setting_and_the_fix(string k1, string v1, string? k2, string? v2, string message)
    {
        var settings = new List<(string, string)> { (k1, v1) };
        if (k2 is not null) settings.Add((k2, v2!));
        var ex = Assert.Throws<AdapterSettingsException>(() => Policy([.. settings]));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("credential T (vendor generated): ", ex.Message, StringComparison.Ordinal);
    }
}
