using Amazon.Runtime;
using Velvet.Core.Ports;

namespace Velvet.Vendors.Aws;

/// <summary>
/// AWS answers as outcomes (vendor-apis §5): throttling, 5xx and network failures are transient; rejected
/// credentials, denials and bad requests are permanent. AWS error messages name principals and resources, never
/// parameter values, so they may be quoted.
/// </summary>
public static class AwsErrors
{
    private static readonly HashSet<string> Throttled = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "TooManyUpdates", "RequestLimitExceeded", "TooManyRequestsException", "ServiceUnavailable", "InternalServerError",
        "ServiceFailure", "InternalFailure",
    };

    private static readonly HashSet<string> Rejected = new(StringComparer.Ordinal)
    {
        "UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredTokenException", "ExpiredToken",
    };

    /// <summary>True when the error says the signing credentials themselves are bad.</summary>
    public static bool IsRejected(AmazonServiceException e) => e.ErrorCode is { } code && Rejected.Contains(code);

    public static bool IsDenied(AmazonServiceException e) => e.ErrorCode is "AccessDeniedException" or "AccessDenied";

    /// <summary>Classifies an exception the SDK threw; <paramref name="what"/> says what was attempted (e.g. "PutParameter /app/db").</summary>
    public static Outcome Classify(Exception e, string what, Func<AmazonServiceException, string>? denied = null) => e switch
    {
        AmazonServiceException s when IsDenied(s) =>
            Outcome.Permanent(denied?.Invoke(s) ?? $"{what}: AWS denied it ({s.Message}); fix the policy, don't rotate", (int)s.StatusCode),
        AmazonServiceException s when IsRejected(s) =>
            Outcome.Permanent($"{what}: AWS rejected Velvet's own credentials ({s.ErrorCode}: {s.Message}); check the access key Velvet signs with", (int)s.StatusCode),
        AmazonServiceException s when (s.ErrorCode is { } code && Throttled.Contains(code)) || (int)s.StatusCode >= 500 =>
            Outcome.Transient($"{what}: AWS answered {s.ErrorCode ?? ((int)s.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)} ({s.Message}); retry with backoff", (int)s.StatusCode),
        AmazonServiceException s =>
            Outcome.Permanent($"{what}: AWS answered {s.ErrorCode ?? "an error"} ({s.Message})", (int)s.StatusCode),
        AmazonClientException c when c.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) =>
            Outcome.Permanent($"{what}: the default AWS credential chain found no credentials ({c.Message}); give Velvet a role or AWS_* variables, " +
                "or name a key pair in the secret source with access_key_id_name and secret_access_key_name"),
        _ => Outcome.Transient($"{what}: AWS did not answer ({e.GetType().Name}: {e.Message}); retry"),
    };

    /// <summary>Errors <see cref="Classify"/> handles: AWS answers, network failures and timeouts (not caller cancellation).</summary>
    public static bool IsExpected(Exception e, CancellationToken ct) =>
        e is AmazonServiceException or HttpRequestException or TimeoutException or AmazonClientException or IOException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);
}
