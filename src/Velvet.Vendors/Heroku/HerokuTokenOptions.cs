using System.Globalization;
using Velvet.Core.Manifest;

namespace Velvet.Vendors.Heroku;

/// <summary>
/// Settings of a <c>heroku-token</c> credential: the scopes a new authorization gets (<c>scopes</c>, default global),
/// an optional lifetime (<c>expires_in</c>), which credential authenticates mint calls (<c>auth_token_name</c>, default
/// the token itself), the API (<c>base_url</c>) and the id of a token made by hand before Velvet managed it (<c>authorization_id</c>).
/// </summary>
public sealed record HerokuTokenOptions(string TokenName, Uri BaseUrl, IReadOnlyList<string> Scopes, int? ExpiresIn, string? AuthTokenName, string? AuthorizationId)
{
    /// <summary>Heroku's OAuth scopes.</summary>
    public static readonly IReadOnlyList<string> KnownScopes = ["global", "identity", "read", "write", "read-protected", "write-protected"];

    /// <summary>The credential whose value authenticates list/mint calls: auth_token_name, else the token being rotated.</summary>
    public string MintTokenName => AuthTokenName ?? TokenName;

    public static HerokuTokenOptions FromSpec(CredentialSpec credential)
    {
        var owner = $"credential {credential.TokenName} (vendor {HerokuTokenVendor.KindName})";
        var vendor = credential.Vendor;
        var baseUrl = HerokuSettings.BaseUrl(owner, "base_url", vendor.Setting("base_url"), HerokuSettings.PlatformApi);
        var scopes = (vendor.Setting("scopes") ?? "global")
            .Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0)
            throw new AdapterSettingsException($"{owner}: setting scopes is empty; list Heroku scopes, e.g. scopes: global");
        var unknown = scopes.Where(s => !KnownScopes.Contains(s, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            throw new AdapterSettingsException($"{owner}: setting scopes has unknown scope '{string.Join("', '", unknown)}'; Heroku's scopes are {string.Join(", ", KnownScopes)}");
        int? expiresIn = null;
        if (vendor.Setting("expires_in") is { } raw)
        {
            if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 3600)
                throw new AdapterSettingsException($"{owner}: setting expires_in must be a whole number of seconds, at least 3600; got '{raw}'. Remove it for a token that does not expire");
            expiresIn = seconds;
        }
        var auth = vendor.Setting("auth_token_name");
        if (auth is not null && string.IsNullOrWhiteSpace(auth))
            throw new AdapterSettingsException($"{owner}: setting auth_token_name is empty; name a Heroku credential or remove the setting");
        var authorizationId = vendor.Setting("authorization_id");
        if (authorizationId is not null && !Guid.TryParse(authorizationId, out _))
            throw new AdapterSettingsException($"{owner}: setting authorization_id must be the UUID of an OAuth authorization (heroku authorizations lists them); got '{authorizationId}'");
        return new HerokuTokenOptions(credential.TokenName, baseUrl, scopes, expiresIn,
            auth is null || string.Equals(auth, credential.TokenName, StringComparison.Ordinal) ? null : auth, authorizationId);
    }
}
