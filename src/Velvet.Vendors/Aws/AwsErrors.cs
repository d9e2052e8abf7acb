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

    /// <summary>True when the error code says the signing credentials themselves are bad.</summary>
    public static bool IsRejected(string? code) => code is not null && Rejected.Contains(code);

    public static bool IsDenied(string? code) => code is "AccessDeniedException" or "AccessDenied";

    /// <summary>Classifies an exception the SDK threw; <paramref name="what"/> says what was attempted (e.g. "PutParameter /app/db").</summary>
    public static Outcome Classify(Exception e, string what, Func<AmazonServiceException, string>? denied = null) => e switch
    {
        AmazonServiceException s => Classify(s.ErrorCode, s.Message, (int)s.StatusCode, what, denied is null ? null : () => denied(s)),
        AmazonClientException c when c.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) =>
            Outcome.Permanent($"{what}: the default AWS credential chain found no credentials ({c.Message}); give Velvet a role or AWS_* variables, " +
                "or name a key pair in the secret source with access_key_id_name and secret_access_key_name"),
        _ => Outcome.Transient($"{what}: AWS did not answer ({e.GetType().Name}: {e.Message}); retry"),
    };

    /// <summary>Classifies an AWS error answer by its code (SDK exception or Query API ErrorResponse).</summary>
    public static Outcome Classify(string? code, string message, int status, string what, Func<string>? denied = null)
    {
        if (IsDenied(code)) return Outcome.Permanent(denied?.Invoke() ?? $"{what}: AWS denied it ({message}); fix the policy, don't rotate", status);
        if (IsRejected(code))
            return Outcome.Permanent($"{what}: AWS rejected Velvet's own credentials ({code}: {message}); check the access key Velvet signs with", status);
        if ((code is not null && Throttled.Contains(code)) || status >= 500)
            return Outcome.Transient($"{what}: AWS answered {code ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({message}); retry with backoff", status);
        return Outcome.Permanent($"{what}: AWS answered {code ?? "an error"} ({message})", status);
    }

    /// <summary>Errors <see cref="Classify"/> handles: AWS answers, network failures and timeouts (not caller cancellation).</summary>
    public static bool IsExpected(Exception e, CancellationToken ct) =>
        e is AmazonServiceException or HttpRequestException or TimeoutException or AmazonClientException or IOException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);
}
