using Velvet.Core.Manifest;

namespace Velvet.Vendors.Aws;

/// <summary>
/// Settings of an <c>aws-ssm-parameter</c> consumer: the parameter's full name (parameter_name, e.g.
/// <c>/raxx/prod/billing/AWS_SECRET_ACCESS_KEY</c>), the KMS key for the SecureString (key_id, default the account's
/// aws/ssm key), the top-level field of a JSON credential value to write instead of the whole value (json_field,
/// e.g. <c>SecretAccessKey</c>) and how Velvet reaches and signs for AWS (<see cref="AwsCredentialSettings"/>).
/// </summary>
public sealed record AwsSsmParameterOptions(string ConsumerId, string ParameterName, string? KeyId, AwsCredentialSettings Aws)
{
    /// <summary>The top-level string field of the credential's JSON value this parameter holds; null: the whole value.</summary>
    public string? JsonField { get; init; }

    public static AwsSsmParameterOptions FromSpec(ConsumerSpec consumer)
    {
        var owner = $"consumer {consumer.ConsumerId} (line {consumer.Line}, kind {AwsSsmParameterConsumer.KindName})";
        var name = consumer.Setting("parameter_name")?.Trim();
        if (string.IsNullOrEmpty(name))
            throw new AdapterSettingsException($"{owner}: setting parameter_name is required; give the parameter's full name, e.g. parameter_name: /app/prod/{consumer.TokenName}");
        if (!name.StartsWith('/') || name.EndsWith('/') || name.Length > 2048 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || "/_.-".Contains(c, StringComparison.Ordinal))))
            throw new AdapterSettingsException($"{owner}: setting parameter_name '{name}' is not a hierarchical SSM name: start with '/', use letters, digits, '_', '.', '-' and '/' (e.g. /app/prod/DB_URL)");
        if (name.StartsWith("/aws", StringComparison.OrdinalIgnoreCase) || name.StartsWith("/ssm", StringComparison.OrdinalIgnoreCase))
            throw new AdapterSettingsException($"{owner}: setting parameter_name '{name}' starts with /aws or /ssm, which AWS reserves; choose another prefix");
        var keyId = consumer.Setting("key_id") is { } k && !string.IsNullOrWhiteSpace(k) ? k.Trim() : null;
        var jsonField = consumer.Setting("json_field");
        if (jsonField is not null && string.IsNullOrWhiteSpace(jsonField))
            throw new AdapterSettingsException($"{owner}: setting json_field is empty; name the top-level field of the credential's JSON value to write, e.g. json_field: SecretAccessKey, or remove it to write the whole value");
        return new AwsSsmParameterOptions(consumer.ConsumerId, name, keyId, AwsCredentialSettings.FromSpec(owner, consumer)) { JsonField = jsonField };
    }

    /// <summary>How messages name the parameter: its name, and the field it holds when json_field is set.</summary>
    public string Target => JsonField is null ? ParameterName : $"{ParameterName} (field {JsonField})";

    /// <summary>The parameter's ARN for messages; the account is not known without a call, so it is a wildcard.</summary>
    public string Arn => $"arn:aws:ssm:{Aws.Region}:*:parameter{ParameterName}";
}
