using System.Text.Json;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Aws;

/// <summary>
/// The value of an <c>aws-iam-access-key</c> credential: both halves of the key pair in one JSON document, the shape
/// AWS's <c>credential_process</c> reads (<c>{"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "..."}</c>), so
/// a consumer (e.g. one SSM SecureString) holds a pair that is always consistent. The id is not secret; the whole
/// document and the secret half are.
/// </summary>
public sealed record AwsAccessKeyValue(string AccessKeyId, SecretValue SecretAccessKey)
{
    public SecretValue ToSecret() => new(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["Version"] = 1, ["AccessKeyId"] = AccessKeyId, ["SecretAccessKey"] = SecretAccessKey.Reveal(),
    }));

    public AwsKeys Keys => new(AccessKeyId, SecretAccessKey.Reveal());

    /// <summary>Parses a credential value; null with the reason (never quoting the value) when it is not the JSON pair.</summary>
    public static (AwsAccessKeyValue? Value, string? Problem) Parse(SecretValue value)
    {
        try
        {
            using var doc = JsonDocument.Parse(value.Reveal());
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && Text(root, "AccessKeyId") is { Length: > 0 } id && Text(root, "SecretAccessKey") is { Length: > 0 } secret)
                return (new AwsAccessKeyValue(id, new SecretValue(secret)), null);
        }
        catch (JsonException)
        {
        }
        return (null, $"is not an access key pair ({value.Fingerprint}): the value must be JSON {{\"Version\": 1, \"AccessKeyId\": \"AKIA…\", \"SecretAccessKey\": \"…\"}}");
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
