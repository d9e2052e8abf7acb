using System.Collections.Concurrent;
using System.Text.Json;
using Velvet.Core.Jobs;

namespace Velvet.Server.Http;

/// <summary>
/// The serialized view of recently read jobs (GET …/rotations/{job_id}), so a job that many people or scripts poll
/// costs one store read per <see cref="ServerServices.JobViewCacheTtl"/> instead of one per request (ADR 0008).
/// <list type="bullet">
/// <item>Writes made through this replica (API actions, its worker) drop the entry at once: a reader always sees its own write.</item>
/// <item>Writes made elsewhere (another replica, the CLI) are seen within the TTL — the same bound as the event stream's poll.</item>
/// <item>A read that raced a write never stores its (possibly older) view: each invalidation replaces the entry with a
/// new marker object, and a read only publishes over the exact entry it saw before reading the store.</item>
/// <item><c>Cache-Control: no-cache</c> on the request skips the cache.</item>
/// </list>
/// Views carry metadata only (the job view never holds a value), so caching them adds no secret to memory.
/// </summary>
public sealed class JobViewCache : IDisposable
{
    /// <summary>Entries kept at most; beyond it the cache starts over (it is only a shortcut).</summary>
    public const int MaxEntries = 4096;

    private readonly ServerServices _s;
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    public JobViewCache(ServerServices services)
    {
        _s = services;
        _s.Service.JobChanged += Invalidate;
    }

    /// <summary>A cached view (or an invalidation marker, <see cref="Body"/> null).</summary>
    private sealed class Entry(RotationJob? job, byte[]? body, long freshUntil)
    {
        public RotationJob? Job { get; } = job;
        public byte[]? Body { get; } = body;
        public long FreshUntil { get; } = freshUntil;
    }

    /// <summary>Drops the job's view; called for every write this replica makes.</summary>
    public void Invalidate(Guid jobId)
    {
        // Only jobs someone reads have entries; a marker is still needed when a read is in flight (entry present).
        if (_entries.ContainsKey(jobId)) _entries[jobId] = new Entry(null, null, 0);
    }

    /// <summary>The job and its UTF-8 JSON view (job + consumers), from the cache when fresh, else from the store.</summary>
    public async Task<(RotationJob? Job, byte[]? Body)> GetAsync(Guid jobId, bool bypass, CancellationToken ct)
    {
        var now = _s.Time.GetTimestamp();
        _entries.TryGetValue(jobId, out var seen);
        if (!bypass && seen?.Body is not null && now < seen.FreshUntil) return (seen.Job, seen.Body);

        if (seen is null)
        {
            // Publish a marker first, so an invalidation during the read below is noticed.
            seen = new Entry(null, null, 0);
            if (!_entries.TryAdd(jobId, seen) && !_entries.TryGetValue(jobId, out seen)) seen = null;
        }
        var job = await _s.Store.GetJobAsync(jobId, ct).ConfigureAwait(false);
        if (job is null) return (null, null);
        var rows = await _s.Store.GetConsumerRowsAsync(jobId, ct).ConfigureAwait(false);
        var body = JsonSerializer.SerializeToUtf8Bytes(JobViews.JobWithConsumers(job, rows), JobViews.JsonOptions);
        if (seen is not null)
        {
            if (_entries.Count >= MaxEntries) _entries.Clear();
            var ttl = (long)(_s.JobViewCacheTtl.TotalSeconds * _s.Time.TimestampFrequency);
            _entries.TryUpdate(jobId, new Entry(job, body, _s.Time.GetTimestamp() + ttl), seen);
        }
        return (job, body);
    }

    public void Dispose() => _s.Service.JobChanged -= Invalidate;
}
