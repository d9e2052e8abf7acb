namespace Velvet.Vendors.Http;

/// <summary>
/// A vendor API's base URL from a setting (so tests and self-hosted installs can point elsewhere). It carries
/// credentials, so https is required; plain http only to a loopback host, where nothing leaves the machine.
/// </summary>
public static class ApiBaseUrl
{
    /// <summary>The URL with a trailing slash (relative paths then append to it), or <paramref name="fallback"/> when unset.</summary>
    public static Uri Parse(string owner, string setting, string? value, Uri fallback)
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new AdapterSettingsException($"{owner}: setting {setting} must be an absolute https:// URL, e.g. {fallback}");
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            throw new AdapterSettingsException($"{owner}: setting {setting} uses plain http to {uri.Host}; use https:// (plain http is accepted only for localhost)");
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            throw new AdapterSettingsException($"{owner}: setting {setting} must not carry user info, a query or a fragment; give only the API's base URL");
        var text = uri.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }
}
