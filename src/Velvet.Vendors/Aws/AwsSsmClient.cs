using Amazon;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Aws;

/// <summary>
/// The two SSM calls the consumer needs, through the AWS SDK (SigV4, JSON 1.1). The SDK's own retries are off: the
/// engine retries transient outcomes. A value read back is registered with the masker before anything else sees it.
/// </summary>
public sealed class AwsSsmClient(AwsSsmParameterOptions options, SecretMasker masker, TimeSpan timeout)
{
    /// <summary>The version written, or the failure.</summary>
    public async Task<(Outcome Outcome, long? Version)> PutAsync(ISecretSource secrets, SecretValue value, CancellationToken ct)
    {
        var what = $"PutParameter {options.ParameterName}";
        var (client, missing) = Create(secrets);
        if (client is null) return (Outcome.Permanent($"{options.ConsumerId}: {missing}"), null);
        using (client)
        {
            try
            {
                var request = new PutParameterRequest
                {
                    Name = options.ParameterName,
                    Value = value.Reveal(),
                    Type = ParameterType.SecureString,
                    Overwrite = true,
                    KeyId = options.KeyId,
                };
                var response = await client.PutParameterAsync(request, ct).ConfigureAwait(false);
                return (Outcome.Ok($"{what}: version {response.Version}"), response.Version);
            }
            catch (Exception e) when (AwsErrors.IsExpected(e, ct))
            {
                return (AwsErrors.Classify(e, $"{options.ConsumerId}: {what}", _ => Denied("ssm:PutParameter", "kms:Encrypt")), null);
            }
        }
    }

    /// <summary>The decrypted value (masked) or null when the parameter does not exist, or the failure.</summary>
    public async Task<(Outcome Outcome, SecretValue? Value)> GetAsync(ISecretSource secrets, CancellationToken ct)
    {
        var what = $"GetParameter {options.ParameterName}";
        var (client, missing) = Create(secrets);
        if (client is null) return (Outcome.Permanent($"{options.ConsumerId}: {missing}"), null);
        using (client)
        {
            try
            {
                var response = await client.GetParameterAsync(new GetParameterRequest { Name = options.ParameterName, WithDecryption = true }, ct).ConfigureAwait(false);
                if (string.IsNullOrEmpty(response.Parameter?.Value)) return (Outcome.Ok($"{what}: empty"), null);
                var held = new SecretValue(response.Parameter.Value);
                masker.Register(held);
                return (Outcome.Ok($"{what}: version {response.Parameter.Version}"), held);
            }
            catch (ParameterNotFoundException)
            {
                return (Outcome.Ok($"{what}: not found"), null);
            }
            catch (Exception e) when (AwsErrors.IsExpected(e, ct))
            {
                return (AwsErrors.Classify(e, $"{options.ConsumerId}: {what}", _ => Denied("ssm:GetParameter", "kms:Decrypt")), null);
            }
        }
    }

    private string Denied(string action, string kms) =>
        $"{options.ConsumerId}: AWS denied {action} on {options.Arn}: Velvet's AWS identity needs {action} on that parameter " +
        $"(and {kms} on {(options.KeyId is null ? "the aws/ssm key" : $"KMS key {options.KeyId}")}); fix the policy, don't rotate";

    private (AmazonSimpleSystemsManagementClient? Client, string? Missing) Create(ISecretSource secrets)
    {
        var aws = options.Aws;
        var config = new AmazonSimpleSystemsManagementConfig { MaxErrorRetry = 0, Timeout = timeout };
        if (aws.EndpointUrl is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = aws.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(aws.Region);
        }
        var (credentials, missing) = aws.Resolve(secrets);
        if (missing is not null) return (null, missing);
        return (credentials is null ? new AmazonSimpleSystemsManagementClient(config) : new AmazonSimpleSystemsManagementClient(credentials, config), null);
    }
}
