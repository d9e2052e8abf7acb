using System.Globalization;
using Npgsql;

namespace Velvet.Store.Postgres;

/// <summary>
/// Turns <c>postgres://user:pass@host:port/db?sslmode=require</c> (libpq URL form) into an Npgsql connection string.
/// Error messages describe the problem without echoing the URL, which may hold a password.
/// </summary>
internal static class PostgresUrl
{
    public static bool IsUrl(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
        location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    public static string ToConnectionString(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException("the PostgreSQL URL is malformed; expected postgres://user:password@host:port/database", nameof(url));
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.Port > 0 ? uri.Port : 5432,
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            b.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) b.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0)
            throw new ArgumentException($"the PostgreSQL URL for host {b.Host} names no database; expected postgres://user:password@host:port/database", nameof(url));
        if (database.Contains('/', StringComparison.Ordinal))
            throw new ArgumentException($"the PostgreSQL URL for host {b.Host} has a database path with '/'; expected one database name", nameof(url));
        b.Database = database;
        foreach (var (key, value) in Query(uri.Query)) Apply(b, key, value);
        return b.ConnectionString;
    }

    private static IEnumerable<(string Key, string Value)> Query(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            yield return (key, value);
        }
    }

    // The libpq parameters people actually put in URLs; anything else is refused rather than silently dropped.
    private static void Apply(NpgsqlConnectionStringBuilder b, string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "sslmode":
                b.SslMode = value.ToLowerInvariant() switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw new ArgumentException($"unknown sslmode '{value}' in the PostgreSQL URL; use disable, allow, prefer, require, verify-ca or verify-full"),
                };
                break;
            case "application_name":
                b.ApplicationName = value;
                break;
            case "connect_timeout":
                b.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
                    ? t : throw new ArgumentException("connect_timeout in the PostgreSQL URL must be a whole number of seconds");
                break;
            case "search_path" or "currentschema":
                b.SearchPath = value;
                break;
            case "sslrootcert":
                b.RootCertificate = value;
                break;
            default:
                throw new ArgumentException($"unsupported parameter '{key}' in the PostgreSQL URL; supported: sslmode, application_name, connect_timeout, search_path, sslrootcert");
        }
    }
}
