using Velvet.Core.Manifest;

namespace Velvet.Vendors.Aws;

/// <summary>
/// Settings of an <c>aws-ssm-parameter</c> consumer: the parameter's full name (parameter_name, e.g.
/// <c>/raxx/prod/billing/AWS_SECRET_ACCESS_KEY</c>), the KMS key for the SecureString (key_id, default the account's
/// aws/ssm key) and how Velvet reaches and signs for AWS (<see cref="AwsCredentialSettings"/>).
/// </summary>
public sealed record AwsSsmParameterOptions(string ConsumerId, string ParameterName, string? KeyId, AwsCredentialSettings Aws)
{
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
        return new AwsSsmParameterOptions(consumer.ConsumerId, name, keyId, AwsCredentialSettings.FromSpec(owner, consumer));
    }

    /// <summary>The parameter's ARN for messages; the account is not known without a call, so it is a wildcard.</summary>
    public string Arn => $"arn:aws:ssm:{Aws.Region}:*:parameter{ParameterName}";
}
