using System.Collections.Concurrent;
using System.Threading.Channels;
using Velvet.Core.Jobs;

namespace Velvet.Server.Http;

/// <summary>
/// One store poll per watched job, however many streams watch it: 1,000 browsers on one job cost one query per
/// poll interval, not 1,000. Woken at once by this replica's writes; the poll catches other replicas' writes.
/// </summary>
public sealed class JobEventHub : IDisposable
{
    private readonly ServerServices _s;
    private readonly ConcurrentDictionary<Guid, Watch> _watches = new();

    public JobEventHub(ServerServices services)
    {
        _s = services;
        _s.Service.JobChanged += OnChanged;
    }

    private void OnChanged(Guid jobId)
    {
        if (_watches.TryGetValue(jobId, out var w)) w.Wake();
    }

    /// <summary>Events of the job after <paramref name="after"/>, in order, until a terminal status or cancellation.</summary>
    public async IAsyncEnumerable<JobEvent> SubscribeAsync(Guid jobId, long after, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // Backlog first (Last-Event-ID resume), read by this subscriber itself.
        var seq = after;
        foreach (var e in await _s.Store.GetEventsAsync(jobId, after, ct).ConfigureAwait(false))
        {
            seq = e.Seq;
            yield return e;
            if (IsTerminal(e)) yield break;
        }
        var job = await _s.Store.GetJobAsync(jobId, ct).ConfigureAwait(false);
        if (job is null || job.Status.IsTerminal())
        {
            // It may have ended between the backlog read and now: deliver the tail, then stop.
            foreach (var e in await _s.Store.GetEventsAsync(jobId, seq, ct).ConfigureAwait(false)) yield return e;
            yield break;
        }
        var channel = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true });
        Watch watch;
        lock (_watches)
        {
            watch = _watches.GetOrAdd(jobId, id => new Watch(this, id));
            // The shared poll re-reads from the lowest position any subscriber still needs, so nothing stored after
            // this subscriber's backlog is skipped; duplicates are dropped below.
            watch.Add(channel.Writer, seq);
        }
        try
        {
            watch.Wake();
            await foreach (var e in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (e.Seq <= seq) continue;
                seq = e.Seq;
                yield return e;
                if (IsTerminal(e)) yield break;
            }
        }
        finally
        {
            lock (_watches)
            {
                if (watch.Remove(channel.Writer) == 0) _watches.TryRemove(jobId, out _);
            }
        }
    }

    internal static bool IsTerminal(JobEvent e) =>
        e.Kind is "status" && e.ToStatus is { } to && JobStatusNames.TryParse(to, out var st) && st.IsTerminal();

    public void Dispose()
    {
        _s.Service.JobChanged -= OnChanged;
        foreach (var w in _watches.Values) w.Stop();
    }

    /// <summary>The one poller of one job.</summary>
    private sealed class Watch
    {
        private readonly JobEventHub _hub;
        private readonly Guid _jobId;
        private readonly List<ChannelWriter<JobEvent>> _subscribers = [];
        private readonly SemaphoreSlim _wake = new(0);
        private readonly CancellationTokenSource _stop = new();
        private long _seq = long.MaxValue; // lowered by each subscriber to the last event it already has

        public Watch(JobEventHub hub, Guid jobId)
        {
            _hub = hub;
            _jobId = jobId;
            _ = Task.Run(LoopAsync);
        }

        public void Add(ChannelWriter<JobEvent> w, long seq)
        {
            lock (_subscribers)
            {
                _subscribers.Add(w);
                _seq = Math.Min(_seq, seq);
            }
        }

        public int Remove(ChannelWriter<JobEvent> w)
        {
            lock (_subscribers)
            {
                _subscribers.Remove(w);
                w.TryComplete();
                if (_subscribers.Count == 0) Stop();
                return _subscribers.Count;
            }
        }

        public void Wake()
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }

        public void Stop()
        {
            if (!_stop.IsCancellationRequested) _stop.Cancel();
        }

        private async Task LoopAsync()
        {
            var ct = _stop.Token;
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    await _wake.WaitAsync(_hub._s.StreamPollInterval, ct).ConfigureAwait(false);
                    long from;
                    lock (_subscribers) from = _seq;
                    if (from == long.MaxValue) continue;
                    var events = await _hub._s.Store.GetEventsAsync(_jobId, from, ct).ConfigureAwait(false);
                    if (events.Count == 0) continue;
                    ChannelWriter<JobEvent>[] targets;
                    lock (_subscribers)
                    {
                        // Only move forward: a subscriber that joined meanwhile may have lowered _seq again.
                        if (_seq == from) _seq = events[^1].Seq;
                        targets = [.. _subscribers];
                    }
                    foreach (var e in events)
                        foreach (var t in targets) t.TryWrite(e);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                // A failing store: end every stream; clients reconnect with Last-Event-ID and lose nothing.
                lock (_subscribers) foreach (var t in _subscribers) t.TryComplete(ex);
            }
        }
    }
}
