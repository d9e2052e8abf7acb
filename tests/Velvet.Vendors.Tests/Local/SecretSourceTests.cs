using Velvet.Core.Secrets;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Tests.Local;

public sealed class SecretSourceTests
{
    [Fact]
    public void Env_source_prefers_the_velvet_secret_variable_with_a_normalised_name()
    {
        var env = new Dictionary<string, string> { ["VELVET_SECRET_HK_PLATFORM_FULL"] = "prefixed-value-1", ["hk-platform.full"] = "exact-value-22" };
        var source = new EnvSecretSource(n => env.GetValueOrDefault(n), new SecretMasker());

        Assert.Equal("VELVET_SECRET_HK_PLATFORM_FULL", EnvSecretSource.VariableFor("hk-platform.full"));
        Assert.Equal("prefixed-value-1", source.Get("hk-platform.full")!.Reveal());
    }

    [Fact]
    public void Env_source_falls_back_to_the_variable_named_like_the_credential_and_else_null()
    {
        var env = new Dictionary<string, string> { ["DEPLOY_TOKEN"] = "exact-value-22", ["VELVET_SECRET_EMPTY"] = "" };
        var source = new EnvSecretSource(n => env.GetValueOrDefault(n), new SecretMasker());

        Assert.Equal("exact-value-22", source.Get("DEPLOY_TOKEN")!.Reveal());
        Assert.Null(source.Get("EMPTY"));
        Assert.Null(source.Get("MISSING"));
    }

    [Fact]
    public void Values_returned_are_registered_with_the_masker()
    {
        var masker = new SecretMasker();
        var env = new EnvSecretSource(n => n == "DEPLOY_TOKEN" ? "deploy-secret-99" : null, masker);
        var dict = new DictionarySecretSource(new Dictionary<string, string> { ["A"] = "dictionary-secret-77" }, masker);

        env.Get("DEPLOY_TOKEN");

        Assert.Equal("token *** and ***", masker.Scrub("token deploy-secret-99 and dictionary-secret-77"));
        Assert.Equal("dictionary-secret-77", dict.Get("A")!.Reveal());
    }
}
