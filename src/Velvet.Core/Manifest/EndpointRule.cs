using System.Net;

namespace Velvet.Core.Manifest;

/// <summary>
/// Endpoints receive credentials, so they must be https (the team's ADR-0040). Plain http is allowed only where
/// the value never leaves the machine: a loopback host, or a consumer kind that is local by nature.
/// </summary>
internal static class EndpointRule
{
    public sealed record Problem(string Message, string Fix);

    public static Problem? Check(string url, bool localKind)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || url.StartsWith('/'))
        {
            return new Problem("is not an absolute URL", "write a full URL, e.g. https://app.example.com/velvet/credential");
        }
        if (localKind || uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }
        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            return new Problem($"must use https, not {uri.Scheme}", "use an https:// URL");
        }
        return IsLoopback(uri) ? null : new Problem(
            $"uses plain http to {uri.Host}",
            "use https:// (plain http is accepted only for localhost, 127.0.0.0/8 and ::1)");
    }

    private static bool IsLoopback(Uri uri) =>
        IPAddress.TryParse(uri.DnsSafeHost, out var address)
            ? IPAddress.IsLoopback(address)
            : string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);
}
