using System.Net;
using System.Text.RegularExpressions;

namespace Velvet.Vendors.Heroku;

/// <summary>Settings shared by the Heroku kinds: API base URLs and the names of credentials that authenticate calls.</summary>
internal static partial class HerokuSettings
{
    public static readonly Uri PlatformApi = new("https://api.heroku.com/");
    public static readonly Uri DataApi = new("https://api.data.heroku.com/");

    /// <summary>
    /// An https base URL (tests and proxies may use plain http, but only to a loopback host, where a token never
    /// leaves the machine). Always ends in '/', so relative paths append.
    /// </summary>
    public static Uri BaseUrl(string owner, string setting, string? value, Uri fallback)
    {
        if (value is null) return fallback;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            throw new AdapterSettingsException($"{owner}: setting {setting} must be an absolute https:// URL; got '{value}'");
        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
            throw new AdapterSettingsException($"{owner}: setting {setting} uses plain http to {uri.Host}; use https:// (plain http only for localhost, 127.0.0.0/8 and ::1)");
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
            throw new AdapterSettingsException($"{owner}: setting {setting} must not carry a query or user-info; give the API's base URL only");
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    /// <summary>A setting that must be present and not blank.</summary>
    public static string Required(string owner, string setting, string? value, string example) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new AdapterSettingsException($"{owner}: setting {setting} is required; e.g. {setting}: {example}")
            : value;

    /// <summary>An app, add-on or credential name as Heroku spells them: one path segment, no spaces.</summary>
    public static string Name(string owner, string setting, string? value, string example)
    {
        var name = Required(owner, setting, value, example);
        if (!NamePattern().IsMatch(name))
            throw new AdapterSettingsException($"{owner}: setting {setting} '{name}' is not a Heroku name (letters, digits, '-', '_', '.', ':'); e.g. {setting}: {example}");
        return name;
    }

    private static bool IsLoopback(Uri uri) =>
        IPAddress.TryParse(uri.DnsSafeHost, out var address)
            ? IPAddress.IsLoopback(address)
            : string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")]
    private static partial Regex NamePattern();
}
