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
        var channel = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true });
        Watch watch;
        lock (_watches)
        {
            watch = _watches.GetOrAdd(jobId, id => new Watch(this, id));
            watch.Add(channel.Writer);
        }
        try
        {
            // Backlog first (Last-Event-ID resume), then whatever the shared poll delivers; de-duplicated by sequence.
            var seq = after;
            foreach (var e in await _s.Store.GetEventsAsync(jobId, after, ct).ConfigureAwait(false))
            {
                seq = e.Seq;
                yield return e;
                if (IsTerminal(e)) yield break;
            }
            var job = await _s.Store.GetJobAsync(jobId, ct).ConfigureAwait(false);
            if (job is null || job.Status.IsTerminal()) yield break;
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
        private long _seq = -1;

        public Watch(JobEventHub hub, Guid jobId)
        {
            _hub = hub;
            _jobId = jobId;
            _ = Task.Run(LoopAsync);
        }

        public void Add(ChannelWriter<JobEvent> w)
        {
            lock (_subscribers) _subscribers.Add(w);
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
                // Start from the newest stored event: subscribers read their own backlog.
                var existing = await _hub._s.Store.GetEventsAsync(_jobId, 0, ct).ConfigureAwait(false);
                _seq = existing.Count == 0 ? 0 : existing[^1].Seq;
                while (!ct.IsCancellationRequested)
                {
                    await _wake.WaitAsync(_hub._s.StreamPollInterval, ct).ConfigureAwait(false);
                    var events = await _hub._s.Store.GetEventsAsync(_jobId, _seq, ct).ConfigureAwait(false);
                    if (events.Count == 0) continue;
                    _seq = events[^1].Seq;
                    ChannelWriter<JobEvent>[] targets;
                    lock (_subscribers) targets = [.. _subscribers];
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
