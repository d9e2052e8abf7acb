namespace Velvet.Core.Notifications;

/// <summary>Exponential backoff with jitter for notification retries.</summary>
public static class Backoff
{
    /// <summary>
    /// The wait after failed attempt number <paramref name="attempt"/> (1-based): base·2^(attempt-1), capped, then a
    /// random half of it dropped ("equal jitter", so replicas retrying together spread out) — and never less than
    /// the receiver's Retry-After.
    /// </summary>
    /// <param name="jitter">A number in [0, 1).</param>
    public static TimeSpan After(int attempt, TimeSpan baseDelay, TimeSpan max, double jitter, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var exponent = Math.Min(attempt - 1, 30);
        var full = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        var delay = TimeSpan.FromMilliseconds(full / 2 + full / 2 * Math.Clamp(jitter, 0, 1));
        return retryAfter is { } ra && ra > delay ? ra : delay;
    }
}
