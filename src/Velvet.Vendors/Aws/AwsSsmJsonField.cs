using System.Text.Json;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Aws;

/// <summary>
/// The <c>json_field</c> of an <c>aws-ssm-parameter</c> consumer: one top-level string field of a credential whose
/// value is a JSON object (e.g. <c>SecretAccessKey</c> of an <c>aws-iam-access-key</c> pair), so the two halves can
/// live in two parameters. Problems name the consumer, the field and the value's fingerprint, never the value.
/// </summary>
public static class AwsSsmJsonField
{
    /// <summary>The field's value, or null with a message for a value that is not a JSON object holding it as a non-empty string.</summary>
    public static (SecretValue? Field, string? Problem) Select(SecretValue value, string field, string consumerId, string credentialName)
    {
        var (text, shape) = Read(value.Reveal(), field);
        if (!string.IsNullOrEmpty(text)) return (new SecretValue(text), null);
        return (null, $"{consumerId}: json_field {field}: the value of {credentialName} ({value.Fingerprint}) {shape}; " +
            "set json_field to a top-level string field of the credential's JSON value (e.g. AccessKeyId or SecretAccessKey of an aws-iam-access-key), or remove it to write the whole value");
    }

    private static (string? Text, string Shape) Read(string json, string field)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (null, $"is not a JSON object, so it has no field {field}");
            if (!doc.RootElement.TryGetProperty(field, out var v)) return (null, $"has no field {field}");
            return v.ValueKind == JsonValueKind.String
                ? (v.GetString(), $"has an empty field {field}")
                : (null, $"has field {field} as a JSON {v.ValueKind.ToString().ToLowerInvariant()}, not a string");
        }
        catch (JsonException)
        {
            return (null, $"is not a JSON object, so it has no field {field}");
        }
    }
}
