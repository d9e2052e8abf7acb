using System.Text.RegularExpressions;
using Velvet.Core.Manifest;

namespace Velvet.Vendors.Heroku;

/// <summary>
/// Settings of a <c>heroku-config-var</c> consumer: the app (<c>app</c>), the config var (<c>key</c>), the API
/// (<c>base_url</c>) and the credential whose token may write the app's config vars (<c>update_auth_token_name</c>).
/// </summary>
public sealed partial record HerokuConfigVarOptions(string ConsumerId, Uri BaseUrl, string App, string Key, string AuthTokenName)
{
    public static HerokuConfigVarOptions FromSpec(ConsumerSpec consumer)
    {
        var owner = $"consumer {consumer.ConsumerId} (line {consumer.Line}, kind {HerokuConfigVarConsumer.KindName})";
        var baseUrl = HerokuSettings.BaseUrl(owner, "base_url", consumer.Setting("base_url"), HerokuSettings.PlatformApi);
        var app = HerokuSettings.Name(owner, "app", consumer.Setting("app"), "raxx-api-prod");
        var key = HerokuSettings.Required(owner, "key", consumer.Setting("key"), "HEROKU_API_KEY");
        if (!ConfigVarName().IsMatch(key))
            throw new AdapterSettingsException($"{owner}: setting key '{key}' is not a config var name (letters, digits and '_', not starting with a digit)");
        if (!string.IsNullOrWhiteSpace(consumer.UpdateEndpoint))
            throw new AdapterSettingsException($"{owner}: update_endpoint does not apply to this kind (it writes {baseUrl}apps/{app}/config-vars); remove it");
        if (string.IsNullOrWhiteSpace(consumer.UpdateAuthTokenName))
            throw new AdapterSettingsException($"{owner}: update_auth_token_name is required; name the Heroku credential whose token may write {app}'s config vars, e.g. HK_VELVET_BOOTSTRAP");
        return new HerokuConfigVarOptions(consumer.ConsumerId, baseUrl, app, key, consumer.UpdateAuthTokenName);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,255}$")]
    private static partial Regex ConfigVarName();
}
