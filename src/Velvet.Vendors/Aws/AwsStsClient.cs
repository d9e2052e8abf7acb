using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Velvet.Core.Ports;

namespace Velvet.Vendors.Aws;

/// <summary>
/// STS GetCallerIdentity through AWSSDK.SecurityToken (ServiceURL = sts_endpoint_url, SDK retries off: the engine
/// retries), and the operating identity's keys: the named pair from the secret source, or the SDK's default chain.
/// </summary>
/// <summary>What STS answered: the caller's ARN, or why not.</summary>
public sealed record StsAnswer(Outcome Outcome, string? Arn, bool Refused);

public sealed class AwsStsClient(AwsIamAccessKeyOptions options, TimeSpan timeout)
{
    /// <summary>
    /// The ARN the keys authenticate as, or the failure; <see cref="StsAnswer.Refused"/> when STS refuses the keys themselves
    /// (InvalidClientTokenId, SignatureDoesNotMatch…). <paramref name="whose"/> names the keys in messages.
    /// </summary>
    public async Task<StsAnswer> CallerArnAsync(AwsKeys keys, string whose, CancellationToken ct)
    {
        var config = new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = options.StsEndpoint.ToString(), AuthenticationRegion = options.Aws.Region, MaxErrorRetry = 0, Timeout = timeout,
        };
        var credentials = keys.SessionToken is { } token
            ? new SessionAWSCredentials(keys.AccessKeyId, keys.SecretAccessKey, token)
            : (AWSCredentials)new BasicAWSCredentials(keys.AccessKeyId, keys.SecretAccessKey);
        using var client = new AmazonSecurityTokenServiceClient(credentials, config);
        try
        {
            var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), ct).ConfigureAwait(false);
            return new StsAnswer(Outcome.Ok($"STS GetCallerIdentity with {whose}: {identity.Arn}"), identity.Arn, Refused: false);
        }
        catch (Exception e) when (AwsErrors.IsExpected(e, ct))
        {
            var what = $"STS GetCallerIdentity with {whose} ({keys.AccessKeyId})";
            // STS refusing a key is about that key, not about Velvet's own credentials.
            if (e is AmazonServiceException s && AwsErrors.IsRejected(s.ErrorCode))
                return new StsAnswer(Outcome.Permanent($"{what}: AWS refuses that key ({s.ErrorCode}: {s.Message})", (int)s.StatusCode), null, Refused: true);
            return new StsAnswer(AwsErrors.Classify(e, what), null, Refused: false);
        }
    }

    /// <summary>The identity Velvet operates with: the named pair, or the default chain's current keys.</summary>
    public async Task<(AwsKeys? Keys, Outcome? Problem)> OperatorAsync(Core.Ports.ISecretSource secrets, CancellationToken ct)
    {
        var (named, missing) = options.Aws.Resolve(secrets);
        if (missing is not null) return (null, Outcome.Permanent($"{options.TokenName}: {missing}"));
        try
        {
            var credentials = named ?? DefaultAWSCredentialsIdentityResolver.GetCredentials(new AmazonSecurityTokenServiceConfig());
            var keys = await credentials.GetCredentialsAsync().ConfigureAwait(false);
            return (new AwsKeys(keys.AccessKey, keys.SecretKey, string.IsNullOrEmpty(keys.Token) ? null : keys.Token), null);
        }
        catch (Exception e) when (AwsErrors.IsExpected(e, ct))
        {
            return (null, AwsErrors.Classify(e, $"{options.TokenName}: finding the AWS identity Velvet operates with"));
        }
    }
}
