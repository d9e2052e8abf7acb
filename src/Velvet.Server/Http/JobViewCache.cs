using System.Collections.Concurrent;
using System.Text.Json;
using Velvet.Core.Jobs;

namespace Velvet.Server.Http;

/// <summary>
/// The serialized view of recently read jobs (GET …/rotations/{job_id}), so a job that many people or scripts poll
/// costs about one store read per <see cref="ServerServices.JobViewCacheTtl"/> instead of one per request (ADR 0008).
/// <list type="bullet">
/// <item>Writes made through this replica (API actions, its worker) drop the entry at once: a reader always sees its own write.</item>
/// <item>Writes made elsewhere (another replica, the CLI) are seen within the TTL plus one store read — the event stream's bound.</item>
/// <item>One store read at a time per job: concurrent readers of a dropped entry share one read; when an entry
/// expires, one reader refreshes it while the others keep getting the expired view (no stampede).</item>
/// <item>A read that raced a write never publishes its (possibly older) view: each invalidation installs a new marker
/// object, and a read only replaces the exact entry it started from.</item>
/// <item><c>Cache-Control: no-cache</c> on the request reads the store.</item>
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

    /// <summary>A job and its serialized view, as read from the store at one moment.</summary>
    public sealed record Snapshot(RotationJob Job, byte[] Body);

    /// <summary>
    /// A published view (<see cref="View"/> set), or a marker (<see cref="View"/> null) that readers load through.
    /// <see cref="Load"/> is the one store read started from this entry, shared by everyone who finds the entry.
    /// </summary>
    private sealed class Entry(Snapshot? view, long freshUntil)
    {
        public Snapshot? View { get; } = view;
        public long FreshUntil { get; } = freshUntil;
        public Task<Snapshot?>? Load;
    }

    /// <summary>Drops the job's view; called for every write this replica makes.</summary>
    public void Invalidate(Guid jobId)
    {
        // Only jobs someone reads have entries. A new marker also orphans any read in flight from the old entry.
        if (_entries.ContainsKey(jobId)) _entries[jobId] = new Entry(null, 0);
    }

    /// <summary>The job and its UTF-8 JSON view (job + consumers): from memory when fresh, else one shared store read.</summary>
    public async Task<Snapshot?> GetAsync(Guid jobId, bool bypass, CancellationToken ct)
    {
        if (bypass) return await ReadAsync(jobId, ct).ConfigureAwait(false);
        var entry = _entries.GetOrAdd(jobId, _ => new Entry(null, 0));
        if (entry.View is { } view)
        {
            if (_s.Time.GetTimestamp() < entry.FreshUntil) return view;
            // Expired: one reader refreshes in the background, everyone meanwhile gets the expired view.
            _ = StartLoad(jobId, entry);
            return view;
        }
        return await StartLoad(jobId, entry).WaitAsync(ct).ConfigureAwait(false);
    }

    private Task<Snapshot?> StartLoad(Guid jobId, Entry from)
    {
        if (Volatile.Read(ref from.Load) is { } running) return running;
        var mine = new TaskCompletionSource<Snapshot?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var winner = Interlocked.CompareExchange(ref from.Load, mine.Task, null);
        if (winner is not null) return winner;
        _ = LoadAndPublishAsync(jobId, from, mine);
        return mine.Task;
    }

    private async Task LoadAndPublishAsync(Guid jobId, Entry from, TaskCompletionSource<Snapshot?> done)
    {
        try
        {
            // Not the first reader's token: other readers wait on this read too.
            var snapshot = await ReadAsync(jobId, CancellationToken.None).ConfigureAwait(false);
            if (snapshot is null)
            {
                _entries.TryRemove(new KeyValuePair<Guid, Entry>(jobId, from));
            }
            else
            {
                if (_entries.Count >= MaxEntries) _entries.Clear();
                var ttl = (long)(_s.JobViewCacheTtl.TotalSeconds * _s.Time.TimestampFrequency);
                _entries.TryUpdate(jobId, new Entry(snapshot, _s.Time.GetTimestamp() + ttl), from);
            }
            done.SetResult(snapshot);
        }
        catch (Exception ex)
        {
            // Forget the failed read so the next reader tries again; the readers waiting on it get the error.
            _entries.TryUpdate(jobId, new Entry(from.View, from.FreshUntil), from);
            done.SetException(ex);
        }
    }

    private async Task<Snapshot?> ReadAsync(Guid jobId, CancellationToken ct)
    {
        var job = await _s.Store.GetJobAsync(jobId, ct).ConfigureAwait(false);
        if (job is null) return null;
        var rows = await _s.Store.GetConsumerRowsAsync(jobId, ct).ConfigureAwait(false);
        var followups = await LifecycleViews.OfJobAsync(_s.Store, jobId, ct).ConfigureAwait(false);
        return new Snapshot(job, JsonSerializer.SerializeToUtf8Bytes(JobViews.JobWithConsumers(job, rows, followups), JobViews.JsonOptions));
    }

    public void Dispose() => _s.Service.JobChanged -= Invalidate;
}
