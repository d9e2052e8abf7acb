using System.Collections.Concurrent;
using System.Globalization;

namespace Velvet.Vendors.Heroku;

/// <summary>
/// Heroku's per-account token bucket (~4,500 calls, refilled ~75 a minute; every answer carries RateLimit-Remaining).
/// Once the remaining budget drops below <see cref="Floor"/>, calls on that account are spaced one refill interval
/// apart, so Velvet never spends faster than Heroku refills and leaves the rest for the account's other users.
/// A 429 holds every call on the account for its Retry-After.
/// </summary>
public sealed class HerokuRateGate
{
    public const int DefaultFloor = 100;
    public static readonly TimeSpan DefaultRefillInterval = TimeSpan.FromSeconds(0.8);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _notBefore = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public HerokuRateGate(TimeProvider time, int floor = DefaultFloor, TimeSpan? refillInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(floor);
        _time = time;
        Floor = floor;
        RefillInterval = refillInterval ?? DefaultRefillInterval;
    }

    public int Floor { get; }

    public TimeSpan RefillInterval { get; }

    /// <summary>Waits until the account may be called again; returns how long it waited.</summary>
    public async Task<TimeSpan> WaitAsync(string account, CancellationToken ct)
    {
        if (!_notBefore.TryGetValue(account, out var at)) return TimeSpan.Zero;
        var wait = at - _time.GetUtcNow();
        if (wait <= TimeSpan.Zero) return TimeSpan.Zero;
        await Task.Delay(wait, _time, ct).ConfigureAwait(false);
        return wait;
    }

    /// <summary>Reads the budget left from an answer. Returns the remaining count when the answer carried one.</summary>
    public int? Observe(string account, HttpResponseMessage response, TimeSpan? retryAfter)
    {
        var now = _time.GetUtcNow();
        if ((int)response.StatusCode == 429)
        {
            Hold(account, now + (retryAfter ?? RefillInterval));
            return 0;
        }
        if (!response.Headers.TryGetValues("RateLimit-Remaining", out var values)
            || !int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var remaining))
            return null;
        if (remaining < Floor) Hold(account, now + RefillInterval);
        return remaining;
    }

    private void Hold(string account, DateTimeOffset until) =>
        _notBefore.AddOrUpdate(account, until, (_, earlier) => earlier > until ? earlier : until);
}
