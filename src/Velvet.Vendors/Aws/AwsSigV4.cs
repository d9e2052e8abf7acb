using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Velvet.Vendors.Aws;

/// <summary>An AWS key pair to sign with; <see cref="SessionToken"/> for temporary (role) credentials.</summary>
public sealed record AwsKeys(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    /// <summary>The key id only: it names the key and is not secret.</summary>
    public override string ToString() => AccessKeyId;
}

/// <summary>
/// AWS Signature Version 4 for the calls Velvet makes without an SDK client (the IAM Query API): canonical request,
/// string to sign, derived key, Authorization header. Proven against AWS's published test suite (get-vanilla,
/// post-x-www-form-urlencoded); the IAM/STS test fake verifies requests with <see cref="Signature"/>.
/// </summary>
public static class AwsSigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>
    /// Signs <paramref name="request"/> (its URI, method and the headers already set, plus host and x-amz-date added
    /// here) for <paramref name="body"/>: sets X-Amz-Date, X-Amz-Security-Token when the keys have one, and Authorization.
    /// </summary>
    public static void Sign(HttpRequestMessage request, byte[] body, AwsKeys keys, string region, string service, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (keys.SessionToken is { } token) request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        var uri = request.RequestUri ?? throw new ArgumentException("the request has no URI", nameof(request));
        var headers = new List<(string Name, string Value)> { ("host", uri.IsDefaultPort ? uri.Host : uri.Authority) };
        headers.AddRange(request.Headers.Select(h => (h.Key, string.Join(",", h.Value))));
        if (request.Content is not null) headers.AddRange(request.Content.Headers.Where(h => h.Key != "Content-Length").Select(h => (h.Key, string.Join(",", h.Value))));
        var signed = headers.Where(h => !h.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)).ToList();
        var scope = Scope(amzDate[..8], region, service);
        var signature = Signature(request.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), signed, Hex(SHA256.HashData(body)), keys.SecretAccessKey, amzDate, scope);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{Algorithm} Credential={keys.AccessKeyId}/{scope}, SignedHeaders={SignedHeaders(signed)}, Signature={signature}");
    }

    /// <summary>The credential scope: <c>yyyyMMdd/region/service/aws4_request</c>.</summary>
    public static string Scope(string date, string region, string service) => $"{date}/{region}/{service}/aws4_request";

    /// <summary>Lower-cased, sorted, ';'-joined header names.</summary>
    public static string SignedHeaders(IEnumerable<(string Name, string Value)> headers) =>
        string.Join(';', headers.Select(h => h.Name.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal));

    /// <summary>
    /// The hex signature of a request: <paramref name="rawQuery"/> as sent (without '?'), <paramref name="headers"/> the
    /// signed ones with their values, <paramref name="payloadHash"/> the hex SHA-256 of the body, <paramref name="scope"/>
    /// from <see cref="Scope"/>.
    /// </summary>
    public static string Signature(string method, string path, string rawQuery, IEnumerable<(string Name, string Value)> headers,
        string payloadHash, string secretAccessKey, string amzDate, string scope)
    {
        var list = headers.ToList();
        var canonicalRequest = string.Join('\n', method, CanonicalPath(path), CanonicalQuery(rawQuery), CanonicalHeaders(list), SignedHeaders(list), payloadHash);
        var stringToSign = string.Join('\n', Algorithm, amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var parts = scope.Split('/');
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), parts[0]);
        key = Hmac(key, parts[1]);
        key = Hmac(key, parts[2]);
        key = Hmac(key, parts[3]);
        return Hex(Hmac(key, stringToSign));
    }

    /// <summary>Hex SHA-256 of a body.</summary>
    public static string PayloadHash(byte[] body) => Hex(SHA256.HashData(body));

    private static string CanonicalPath(string path) =>
        path.Length == 0 ? "/" : string.Join('/', path.Split('/').Select(s => Encode(Uri.UnescapeDataString(s))));

    private static string CanonicalQuery(string rawQuery) =>
        string.Join('&', rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Key: Encode(Uri.UnescapeDataString(p[0])), Value: Encode(Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));

    private static string CanonicalHeaders(List<(string Name, string Value)> headers) =>
        string.Concat(headers
            .GroupBy(h => h.Name.ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}:{string.Join(',', g.Select(h => Trim(h.Value)))}\n"));

    private static string Trim(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 requires.</summary>
    public static string Encode(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~') sb.Append(c);
            else sb.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
        }
        return sb.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
