using Velvet.Core.Manifest;
using static Velvet.Vendors.Tests.Heroku.HerokuKit;

namespace Velvet.Vendors.Tests.Heroku;

public sealed class HerokuSettingsTests
{
    private static CredentialSpec Vendor(string kind, Dictionary<string, string> settings) =>
        new() { TokenName = "HK_PLATFORM_FULL", Env = "prod", Vendor = new AdapterSpec { Kind = kind, Settings = settings } };

    private static string VendorError(string kind, Dictionary<string, string> settings) =>
        Assert.Throws<AdapterSettingsException>(() => Catalog().CreateVendor(Vendor(kind, settings))).Message;

    private static string ConsumerError(ConsumerSpec spec) =>
        Assert.Throws<AdapterSettingsException>(() => Catalog().CreateConsumer(Vendor("heroku-token", []), spec)).Message;

    private static ConsumerSpec ConfigVar(Dictionary<string, string> settings, string? auth = "HK_VELVET_BOOTSTRAP") => new()
    {
        ConsumerId = "heroku-config-api-prod", TokenName = "HK_PLATFORM_FULL", Kind = "heroku-config-var", Env = "prod",
        Settings = settings, UpdateAuthTokenName = auth, Line = 14,
    };

    [Theory]
    [InlineData("scopes", "global,admin", "setting scopes has unknown scope 'admin'; Heroku's scopes are global, identity, read, write, read-protected, write-protected")]
    [InlineData("expires_in", "60", "setting expires_in must be a whole number of seconds, at least 3600; got '60'. Remove it for a token that does not expire")]
    [InlineData("base_url", "http://api.heroku.example", "setting base_url uses plain http to api.heroku.example; use https:// (plain http only for localhost, 127.0.0.0/8 and ::1)")]
    [InlineData("base_url", "api.heroku.com", "setting base_url must be an absolute https:// URL; got 'api.heroku.com'")]
    public void Token_settings_are_checked_with_the_fix(string setting, string value, string message)
    {
        Assert.Equal($"credential HK_PLATFORM_FULL (vendor heroku-token): {message}", VendorError("heroku-token", new() { [setting] = value }));
    }

    [Fact]
    public void A_config_var_needs_the_credential_that_may_write_it_and_no_update_endpoint()
    {
        var noAuth = ConsumerError(ConfigVar(new() { ["app"] = "raxx-api-prod", ["key"] = "HEROKU_API_KEY" }, auth: null));
        var withEndpoint = ConsumerError(ConfigVar(new() { ["app"] = "raxx-api-prod", ["key"] = "HEROKU_API_KEY" }) with { UpdateEndpoint = "https://example.test/x" });
        var badKey = ConsumerError(ConfigVar(new() { ["app"] = "raxx-api-prod", ["key"] = "1BAD-KEY" }));

        Assert.Equal("consumer heroku-config-api-prod (line 14, kind heroku-config-var): update_auth_token_name is required; name the Heroku credential whose token may write raxx-api-prod's config vars, e.g. HK_VELVET_BOOTSTRAP", noAuth);
        Assert.Equal("consumer heroku-config-api-prod (line 14, kind heroku-config-var): update_endpoint does not apply to this kind (it writes https://api.heroku.com/apps/raxx-api-prod/config-vars); remove it", withEndpoint);
        Assert.Equal("consumer heroku-config-api-prod (line 14, kind heroku-config-var): setting key '1BAD-KEY' is not a config var name (letters, digits and '_', not starting with a digit)", badKey);
    }

    [Fact]
    public void A_postgres_credential_refuses_the_default_credential_and_a_token_that_is_itself()
    {
        var settings = new Dictionary<string, string> { ["addon"] = "postgresql-adjacent-27271", ["credential"] = "default", ["auth_token_name"] = "HK_VELVET_BOOTSTRAP" };
        var owner = VendorError("heroku-postgres-credential", settings);
        settings["credential"] = "raptor_app";
        settings["auth_token_name"] = "HK_PLATFORM_FULL";
        var self = VendorError("heroku-postgres-credential", settings);

        Assert.StartsWith("credential HK_PLATFORM_FULL (vendor heroku-postgres-credential): setting credential is the add-on's default credential; Heroku rotates it itself", owner, StringComparison.Ordinal);
        Assert.Equal("credential HK_PLATFORM_FULL (vendor heroku-postgres-credential): setting auth_token_name must name a Heroku platform token, not this database credential", self);
    }
}
