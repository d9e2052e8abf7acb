using Velvet.Core.Secrets;

namespace Velvet.Vendors.Heroku.Postgres;

/// <summary>Connection URLs of Heroku Postgres credentials: built from the Data API's parts, compared by login.</summary>
internal static class PgUrls
{
    /// <summary><c>postgres://user:password@host:port/database</c>, the form <c>heroku pg:credentials:url</c> prints.</summary>
    public static SecretValue Build(string user, string password, string host, int port, string database) =>
        new($"postgres://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@{host}:{port}/{Uri.EscapeDataString(database)}");

    /// <summary>True when both URLs log in as the same user with the same password (scheme, host and query may differ).</summary>
    public static bool SameLogin(SecretValue a, SecretValue b) =>
        Login(a) is { } x && Login(b) is { } y && string.Equals(x, y, StringComparison.Ordinal);

    /// <summary>The URL's user-info, unescaped; null when it is not a URL with a user and password.</summary>
    private static string? Login(SecretValue url) =>
        Uri.TryCreate(url.Reveal(), UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal)
            ? Uri.UnescapeDataString(uri.UserInfo)
            : null;
}
