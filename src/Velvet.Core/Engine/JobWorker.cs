using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Velvet.Core.Jobs;

namespace Velvet.Core.Engine;

/// <summary>
/// Background loop that runs automatic steps: woken at once by every job write, and scanning the store
/// every <c>pollInterval</c> so jobs left behind by a crashed process (or another replica's expired lease)
/// are resumed from their persisted state.
/// </summary>
public sealed class JobWorker : IDisposable
{
    private readonly RotationService _service;
    private readonly JobRunner _runner;
    private readonly ILogger<JobWorker> _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;
    private readonly Channel<Guid> _wake = Channel.CreateUnbounded<Guid>();
    private readonly ConcurrentDictionary<Guid, byte> _running = new();
    private readonly ConcurrentDictionary<Guid, byte> _dirty = new();
    private readonly SemaphoreSlim _parallel;

    public JobWorker(RotationService service, JobRunner runner, ILogger<JobWorker> logger, TimeProvider time, TimeSpan? pollInterval = null, int maxParallelJobs = 4)
    {
        _service = service;
        _runner = runner;
        _logger = logger;
        _time = time;
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(2);
        _parallel = new SemaphoreSlim(maxParallelJobs);
        _service.JobChanged += OnChanged;
    }

    private void OnChanged(Guid id) => _wake.Writer.TryWrite(id);

    /// <summary>Runs every non-terminal job once (startup resume). Returns how many were looked at.</summary>
    public async Task<int> ResumeAllAsync(CancellationToken ct)
    {
        var jobs = await _service.Store.ListJobsAsync(new JobQuery { NonTerminalOnly = true, Limit = 10_000 }, ct).ConfigureAwait(false);
        await Task.WhenAll(jobs.Select(j => RunOneAsync(j.JobId, ct))).ConfigureAwait(false);
        return jobs.Count;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        await ResumeAllAsync(ct).ConfigureAwait(false);
        var inflight = new List<Task>();
        while (!ct.IsCancellationRequested)
        {
            using var poll = new CancellationTokenSource(_pollInterval, _time);
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct, poll.Token);
            try
            {
                var id = await _wake.Reader.ReadAsync(tick.Token).ConfigureAwait(false);
                inflight.Add(RunOneAsync(id, ct));
                while (_wake.Reader.TryRead(out var more)) inflight.Add(RunOneAsync(more, ct));
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                inflight.Add(ResumeAllAsync(ct));
            }
            inflight.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(inflight).ConfigureAwait(false);
    }

    private async Task RunOneAsync(Guid id, CancellationToken ct)
    {
        if (!_running.TryAdd(id, 0))
        {
            _dirty[id] = 0; // a run is in progress: make it go round once more
            return;
        }
        await _parallel.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            do
            {
                _dirty.TryRemove(id, out _);
                try { await _runner.RunAsync(id, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
                catch (Exception ex) { Log.WorkerFailed(_logger, id, ex.GetType().Name); }
            }
            while (_dirty.ContainsKey(id) && !ct.IsCancellationRequested);
        }
        finally
        {
            _parallel.Release();
            _running.TryRemove(id, out _);
        }
    }

    public void Dispose()
    {
        _service.JobChanged -= OnChanged;
        _parallel.Dispose();
    }
}
