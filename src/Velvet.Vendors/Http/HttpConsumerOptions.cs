using System.Text.RegularExpressions;
using Velvet.Core.Manifest;

namespace Velvet.Vendors.Http;

/// <summary>
/// Settings of an <c>http</c> consumer: where the value goes (update_endpoint, update_method), the JSON field
/// that carries it (body_field) and which credential authenticates the call (update_auth_token_name, auth_header).
/// </summary>
public sealed partial record HttpConsumerOptions(
    string ConsumerId, Uri UpdateEndpoint, HttpMethod Method, string BodyField, string AuthHeader, string? AuthTokenName)
{
    public const string DefaultBodyField = "value";
    public const string DefaultAuthHeader = "Authorization";

    /// <summary>Authorization carries <c>Bearer &lt;value&gt;</c>; any other header carries the bare value (X-Api-Key style).</summary>
    public bool UsesBearer => string.Equals(AuthHeader, DefaultAuthHeader, StringComparison.OrdinalIgnoreCase);

    public static HttpConsumerOptions FromSpec(ConsumerSpec consumer)
    {
        var owner = $"consumer {consumer.ConsumerId} (line {consumer.Line}, kind http)";
        var endpoint = ParseEndpoint(owner, "update_endpoint", consumer.UpdateEndpoint)
            ?? throw new AdapterSettingsException($"{owner}: update_endpoint is required; give the URL that receives the new value");
        var method = (consumer.UpdateMethod ?? "PUT").ToUpperInvariant() switch
        {
            "PUT" => HttpMethod.Put,
            "POST" => HttpMethod.Post,
            "PATCH" => HttpMethod.Patch,
            _ => throw new AdapterSettingsException($"{owner}: update_method must be PUT, POST or PATCH; got '{consumer.UpdateMethod}'"),
        };
        var bodyField = consumer.Setting("body_field") ?? DefaultBodyField;
        if (string.IsNullOrWhiteSpace(bodyField))
            throw new AdapterSettingsException($"{owner}: setting body_field is empty; name the JSON field that carries the value or remove it (default '{DefaultBodyField}')");
        var header = consumer.Setting("auth_header") ?? DefaultAuthHeader;
        if (!HeaderName().IsMatch(header))
            throw new AdapterSettingsException($"{owner}: setting auth_header '{header}' is not an HTTP header name");
        var authToken = string.IsNullOrWhiteSpace(consumer.UpdateAuthTokenName) ? null : consumer.UpdateAuthTokenName;
        return new HttpConsumerOptions(consumer.ConsumerId, endpoint, method, bodyField, header, authToken);
    }

    /// <summary>An absolute http(s) URL, or null when the field is unset.</summary>
    internal static Uri? ParseEndpoint(string owner, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new AdapterSettingsException($"{owner}: {field} must be an absolute http:// or https:// URL");
        return uri;
    }

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex HeaderName();
}
