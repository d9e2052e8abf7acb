using System.Text.RegularExpressions;
using Velvet.Core.Manifest;

namespace Velvet.Vendors.Heroku.Postgres;

/// <summary>
/// Settings of a <c>heroku-postgres-credential</c>: the add-on (<c>addon</c>), the named credential (<c>credential</c>),
/// the Heroku token that may manage it (<c>auth_token_name</c>), whether mint may create it (<c>create_if_missing</c>)
/// and the two APIs (<c>base_url</c> for the Platform API, <c>data_base_url</c> for the Data API).
/// </summary>
public sealed partial record HerokuPostgresOptions(
    string TokenName, Uri PlatformUrl, Uri DataUrl, string Addon, string Credential, string AuthTokenName, bool CreateIfMissing)
{
    public static HerokuPostgresOptions FromSpec(CredentialSpec spec)
    {
        var owner = $"credential {spec.TokenName} (vendor {HerokuPostgresVendor.KindName})";
        var vendor = spec.Vendor;
        var platform = HerokuSettings.BaseUrl(owner, "base_url", vendor.Setting("base_url"), HerokuSettings.PlatformApi);
        var data = HerokuSettings.BaseUrl(owner, "data_base_url", vendor.Setting("data_base_url"), HerokuSettings.DataApi);
        var addon = HerokuSettings.Name(owner, "addon", vendor.Setting("addon"), "postgresql-adjacent-27271");
        var credential = HerokuSettings.Required(owner, "credential", vendor.Setting("credential"), "raptor_app");
        if (!CredentialName().IsMatch(credential))
            throw new AdapterSettingsException($"{owner}: setting credential '{credential}' is not a Heroku Postgres credential name (lower-case letters, digits and '_', starting with a letter)");
        if (credential is "default" or "owner")
            throw new AdapterSettingsException($"{owner}: setting credential is the add-on's default credential; Heroku rotates it itself (restarting every attached app and updating their DATABASE_URL): " +
                "use heroku pg:credentials:rotate for it, and give Velvet a named credential such as raptor_app");
        var auth = HerokuSettings.Required(owner, "auth_token_name", vendor.Setting("auth_token_name"), "HK_VELVET_BOOTSTRAP");
        if (string.Equals(auth, spec.TokenName, StringComparison.Ordinal))
            throw new AdapterSettingsException($"{owner}: setting auth_token_name must name a Heroku platform token, not this database credential");
        var create = vendor.Setting("create_if_missing") switch
        {
            null or "false" => false,
            "true" => true,
            var other => throw new AdapterSettingsException($"{owner}: setting create_if_missing must be \"true\" or \"false\"; got '{other}'"),
        };
        return new HerokuPostgresOptions(spec.TokenName, platform, data, addon, credential, auth, create);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex CredentialName();
}
