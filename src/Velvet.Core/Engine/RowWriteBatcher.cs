using Velvet.Core.Jobs;
using Velvet.Core.Ports;

namespace Velvet.Core.Engine;

/// <summary>
/// Group commit of one fan-out's row progress. Each write still completes only once it is stored (a row is
/// in_progress in the store before its consumer is called), but the writes that arrive while one transaction is
/// being stored travel together in the next <see cref="IJobStore.UpdateConsumerRowsAsync"/>, so a fan-out to N
/// consumers costs far fewer than 2N store transactions, which every store serialises per job (SQLite's single
/// writer, PostgreSQL's job-row lock).
/// </summary>
internal sealed class RowWriteBatcher(IJobStore store, CancellationToken ct)
{
    private readonly Lock _lock = new();
    private List<Pending> _queue = [];
    private bool _flushing;
    private readonly Dictionary<string, ConsumerRow> _stored = new(StringComparer.Ordinal);

    private sealed record Pending(ConsumerRow Row, JobEvent Event, TaskCompletionSource Done);

    /// <summary>Completes when the row and its event are stored (or faults as the write alone would have).</summary>
    public Task WriteAsync(ConsumerRow row, JobEvent evt)
    {
        var pending = new Pending(row, evt, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        bool lead;
        lock (_lock)
        {
            _queue.Add(pending);
            lead = !_flushing;
            _flushing = true;
        }
        // Off the caller's thread: the caller is a consumer row about to make (or just back from) its call, holding a
        // concurrency slot. A store whose commit runs synchronously (SQLite) would otherwise run this whole loop, batch
        // after batch, before the row's call is even sent or its slot released.
        if (lead) _ = Task.Run(FlushAsync, CancellationToken.None);
        return pending.Done.Task;
    }

    /// <summary>Writes batches until the queue is empty; whoever finds no flush running starts one.</summary>
    private async Task FlushAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    _flushing = false;
                    return;
                }
                batch = _queue;
                _queue = [];
            }
            try
            {
                await store.UpdateConsumerRowsAsync(batch.Select(p => p.Row).ToList(), batch.Select(p => p.Event).ToList(), ct).ConfigureAwait(false);
                Stored(batch);
                foreach (var p in batch) p.Done.TrySetResult();
            }
            catch (Exception) when (batch.Count > 1 && !ct.IsCancellationRequested)
            {
                // One bad write must not fail the others: each is retried alone and gets its own outcome, as without batching.
                foreach (var p in batch) await WriteAloneAsync(p).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                foreach (var p in batch) Fail(p, ex);
            }
        }
    }

    private async Task WriteAloneAsync(Pending p)
    {
        try
        {
            await store.UpdateConsumerRowsAsync([p.Row], [p.Event], ct).ConfigureAwait(false);
            Stored([p]);
            p.Done.TrySetResult();
        }
        catch (Exception ex)
        {
            Fail(p, ex);
        }
    }

    /// <summary>
    /// <paramref name="rows"/> (as read before the fan-out) with every write of this batcher that has been stored laid
    /// over them: what reading the rows back would return once every write has completed, as long as nothing else
    /// wrote them. Only this batcher writes rows during a fan-out (the engine holds the job's lease); an operator's
    /// row change goes through <see cref="IJobStore.UpdateJobAsync"/> and bumps the job's version, so a transition
    /// decided on these rows is refused as a lost race, exactly as one decided on a fresh read would be.
    /// </summary>
    public IReadOnlyList<ConsumerRow> Overlay(IReadOnlyList<ConsumerRow> rows)
    {
        lock (_lock) return rows.Select(r => _stored.TryGetValue(r.ConsumerId, out var w) ? w : r).ToList();
    }

    private void Stored(List<Pending> batch)
    {
        lock (_lock)
        {
            foreach (var p in batch) _stored[p.Row.ConsumerId] = p.Row;
        }
    }

    private void Fail(Pending p, Exception ex)
    {
        if (ex is OperationCanceledException && ct.IsCancellationRequested) p.Done.TrySetCanceled(ct);
        else p.Done.TrySetException(ex);
    }
}
