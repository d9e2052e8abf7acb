using Velvet.Core.Ports;
using Velvet.Vendors.Http;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.GitHub;

/// <summary>
/// GitHub's failed answers as outcomes. A 403 is a rate limit when <c>X-RateLimit-Remaining: 0</c> or
/// <c>Retry-After</c> says so (transient, wait for the reset), else a permission problem (permanent: fix the token's
/// permissions, do not rotate). Messages come from the status and headers only, never from the body.
/// </summary>
public static class GitHubErrors
{
    /// <summary>GitHub's advice for a secondary limit without Retry-After: wait at least a minute.</summary>
    public static readonly TimeSpan DefaultRateLimitWait = TimeSpan.FromSeconds(60);

    public static bool IsRateLimit(HttpResponseMessage response) =>
        (int)response.StatusCode == 429
        || ((int)response.StatusCode == 403 && (HttpOutcomes.RateLimitSpent(response) || response.Headers.RetryAfter is not null));

    public static Outcome Classify(HttpResponseMessage response, string call, GitHubSecretOptions options, TimeProvider time)
    {
        var status = (int)response.StatusCode;
        if (IsRateLimit(response)) return HttpOutcomes.RateLimited(response, call, time, DefaultRateLimitWait);
        if (HttpOutcomes.IsTransient(status)) return HttpOutcomes.Transient(response, call, time);
        var advice = status switch
        {
            401 => $"401 bad credentials: GitHub rejected the token in {options.TokenName} (token_name); renew that token and give it to Velvet " +
                   $"({EnvSecretSource.VariableFor(options.TokenName)}); the credential being rotated is not at fault, do not rotate it",
            403 => $"403 forbidden: the token in {options.TokenName} may not write Actions secrets of {options.Target}; give it the fine-grained " +
                   "permission \"Secrets: write\"" + (options.Environment is null ? "" : " and \"Environments: write\"") +
                   " (classic token: scope repo) and at least write access to the repository. Fix the token's permissions, do not rotate",
            404 => $"404 not found: {options.Target} does not exist or the token in {options.TokenName} cannot see it (GitHub answers 404 for " +
                   "private repositories a token has no access to); check owner, repo" + (options.Environment is null ? "" : ", environment (it must already exist)") +
                   " and the token's repository access",
            422 => "422 validation failed: GitHub refused the secret; check secret_name, then retry_failed (every push fetches a fresh public key)",
            _ => $"{status} {HttpOutcomes.Reason(status)}: GitHub refused the request; fix the consumer's settings, do not rotate",
        };
        return Outcome.Permanent($"{call}: {advice}", status);
    }
}
