using Amazon.Runtime;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;

namespace Velvet.Vendors.Aws;

/// <summary>
/// How Velvet signs its AWS calls. With <c>access_key_id_name</c> and <c>secret_access_key_name</c> the key pair is
/// read from Velvet's secret source at call time (never a literal in the manifest); with neither, the SDK's default
/// chain is used (environment, profile, container or instance role), which is what a Velvet running on AWS wants.
/// Giving only one of the two is a settings error. <c>region</c> is required; <c>endpoint_url</c> points the SDK at
/// another endpoint (a VPC endpoint, LocalStack, a test fake).
/// </summary>
public sealed record AwsCredentialSettings(string Region, Uri? EndpointUrl, string? AccessKeyIdName, string? SecretAccessKeyName)
{
    public static readonly IReadOnlyList<string> OptionalSettingKeys = ["endpoint_url", "access_key_id_name", "secret_access_key_name"];

    public static AwsCredentialSettings FromSettings(string owner, Func<string, string?> setting)
    {
        var region = setting("region")?.Trim();
        if (string.IsNullOrEmpty(region))
            throw new AdapterSettingsException($"{owner}: setting region is required; give the AWS region, e.g. region: eu-west-1");
        if (!region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            throw new AdapterSettingsException($"{owner}: setting region '{region}' is not an AWS region code (e.g. eu-west-1)");
        var endpoint = setting("endpoint_url") is { } text && !string.IsNullOrWhiteSpace(text)
            ? Http.ApiBaseUrl.Parse(owner, "endpoint_url", text, new Uri($"https://ssm.{region}.amazonaws.com/"))
            : null;
        var keyId = Blank(setting("access_key_id_name"));
        var secret = Blank(setting("secret_access_key_name"));
        if ((keyId is null) != (secret is null))
            throw new AdapterSettingsException($"{owner}: settings access_key_id_name and secret_access_key_name go together; give both " +
                "(e.g. access_key_id_name: VELVET_AWS_ACCESS_KEY_ID, secret_access_key_name: VELVET_AWS_SECRET_ACCESS_KEY) or neither to use the default AWS credential chain");
        return new AwsCredentialSettings(region, endpoint, keyId, secret);
    }

    public static AwsCredentialSettings FromSpec(string owner, ConsumerSpec consumer) => FromSettings(owner, consumer.Setting);

    /// <summary>True when the key pair comes from the secret source (names given), false for the default chain.</summary>
    public bool FromSecretSource => AccessKeyIdName is not null;

    /// <summary>
    /// The credentials to sign with: the named pair from <paramref name="secrets"/>, or null for the SDK default chain.
    /// An error message when a named credential is missing.
    /// </summary>
    public (AWSCredentials? Credentials, string? Missing) Resolve(ISecretSource secrets)
    {
        if (AccessKeyIdName is null || SecretAccessKeyName is null) return (null, null);
        var id = secrets.Get(AccessKeyIdName);
        var secret = secrets.Get(SecretAccessKeyName);
        if (id is null || secret is null)
        {
            var missing = id is null ? AccessKeyIdName : SecretAccessKeyName;
            return (null, $"Velvet's AWS credential {missing} is not in the secret source (set VELVET_SECRET_{missing.ToUpperInvariant()} or add it to the vault)");
        }
        return (new BasicAWSCredentials(id.Reveal(), secret.Reveal()), null);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
