using System.Collections.Concurrent;

namespace Velvet.Core.Health;

/// <summary>
/// Keeps health probes from burning a vendor's API quota: per key (a vendor or consumer kind) one call at a time, and
/// at least <see cref="MinInterval"/> between the end of one call and the start of the next. Different keys run in parallel.
/// </summary>
public sealed class ProbeThrottle(TimeSpan minInterval, TimeProvider time)
{
    private sealed class Lane
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public DateTimeOffset? LastEnded { get; set; }
    }

    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    public TimeSpan MinInterval => minInterval;

    public async Task<T> RunAsync<T>(string key, Func<Task<T>> call, CancellationToken ct)
    {
        var lane = _lanes.GetOrAdd(key, _ => new Lane());
        await lane.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (lane.LastEnded is { } ended && ended + minInterval - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
                await Task.Delay(wait, time, ct).ConfigureAwait(false);
            try { return await call().ConfigureAwait(false); }
            finally { lane.LastEnded = time.GetUtcNow(); }
        }
        finally
        {
            lane.Gate.Release();
        }
    }
}
