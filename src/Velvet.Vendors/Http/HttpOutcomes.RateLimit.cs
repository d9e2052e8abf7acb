using System.Globalization;
using Velvet.Core.Ports;

namespace Velvet.Vendors.Http;

public static partial class HttpOutcomes
{
    /// <summary>True when <c>X-RateLimit-Remaining: 0</c>: the primary rate limit is spent (GitHub and others).</summary>
    public static bool RateLimitSpent(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-RateLimit-Remaining", out var values)
        && string.Equals(values.FirstOrDefault()?.Trim(), "0", StringComparison.Ordinal);

    /// <summary>When the spent limit refills: <c>X-RateLimit-Reset</c> in epoch seconds; null when absent or unparseable.</summary>
    public static DateTimeOffset? RateLimitReset(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-RateLimit-Reset", out var values)
        && long.TryParse(values.FirstOrDefault()?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
        && epoch <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(epoch)
            : null;

    /// <summary>
    /// A rate-limited answer (429, or a 403 that is really a limit): transient, waiting for Retry-After when given,
    /// else until <c>X-RateLimit-Reset</c> when the limit is spent, else <paramref name="fallbackWait"/>.
    /// </summary>
    public static Outcome RateLimited(HttpResponseMessage response, string call, TimeProvider time, TimeSpan? fallbackWait = null)
    {
        var status = (int)response.StatusCode;
        var wait = RetryAfter(response, time);
        var note = "";
        if (wait is null && RateLimitSpent(response) && RateLimitReset(response) is { } reset)
        {
            var left = reset - time.GetUtcNow();
            wait = left < TimeSpan.Zero ? TimeSpan.Zero : left;
            note = $" (rate limit spent, resets at {reset.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)})";
        }
        wait ??= fallbackWait;
        var when = wait is { } w ? $"; retry after {Math.Ceiling(w.TotalSeconds):0} s" : "; retry";
        return Outcome.Transient($"{call}: {status} rate limited{note}{when}", status, wait);
    }
}
