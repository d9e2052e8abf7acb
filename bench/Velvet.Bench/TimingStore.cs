using System.Collections.Concurrent;
using System.Diagnostics;
using Velvet.Core.Jobs;
using Velvet.Core.Ports;
using Velvet.Core.Results;
using Velvet.Core.Secrets;

namespace Velvet.Bench;

/// <summary>Decorator that counts the store calls of a run and the time callers spent in them (--profile).</summary>
internal sealed class TimingStore(IJobStore inner) : IJobStore
{
    private readonly ConcurrentDictionary<string, (long Calls, long Ticks, long Items)> _stats = new(StringComparer.Ordinal);

    public void Reset() => _stats.Clear();

    public IEnumerable<string> Report() => _stats.OrderByDescending(kv => kv.Value.Ticks).Select(kv =>
        $"  {kv.Key,-26} {kv.Value.Calls,6} calls  {Stats.F(kv.Value.Ticks * 1000.0 / Stopwatch.Frequency, 0),7} ms summed over callers" +
        (kv.Value.Items > 0 ? $"  {kv.Value.Items} rows+events ({Stats.F((double)kv.Value.Items / kv.Value.Calls, 1)}/call)" : ""));

    private async Task<T> Time<T>(string name, Func<Task<T>> call, int items = 0)
    {
        var start = Stopwatch.GetTimestamp();
        try { return await call(); }
        finally
        {
            var ticks = Stopwatch.GetTimestamp() - start;
            _stats.AddOrUpdate(name, (1, ticks, items), (_, s) => (s.Calls + 1, s.Ticks + ticks, s.Items + items));
        }
    }

    private Task Time(string name, Func<Task> call, int items = 0) => Time(name, async () => { await call(); return true; }, items);

    public Task MigrateAsync(CancellationToken ct) => inner.MigrateAsync(ct);
    public Task<Result<JobCreated>> CreateJobAsync(NewJob job, JobEvent created, CancellationToken ct) => Time(nameof(CreateJobAsync), () => inner.CreateJobAsync(job, created, ct));
    public Task<RotationJob?> GetJobAsync(Guid jobId, CancellationToken ct) => Time(nameof(GetJobAsync), () => inner.GetJobAsync(jobId, ct));
    public Task<IReadOnlyList<ConsumerRow>> GetConsumerRowsAsync(Guid jobId, CancellationToken ct) => Time(nameof(GetConsumerRowsAsync), () => inner.GetConsumerRowsAsync(jobId, ct));
    public Task<IReadOnlyList<RotationJob>> ListJobsAsync(JobQuery query, CancellationToken ct) => Time(nameof(ListJobsAsync), () => inner.ListJobsAsync(query, ct));
    public Task<Result<RotationJob>> UpdateJobAsync(RotationJob updated, IReadOnlyList<ConsumerRow> rows, IReadOnlyList<JobEvent> events, CancellationToken ct) =>
        Time(nameof(UpdateJobAsync), () => inner.UpdateJobAsync(updated, rows, events, ct));
    public Task UpdateConsumerRowsAsync(IReadOnlyList<ConsumerRow> rows, IReadOnlyList<JobEvent> events, CancellationToken ct) =>
        Time(nameof(UpdateConsumerRowsAsync), () => inner.UpdateConsumerRowsAsync(rows, events, ct), rows.Count + events.Count);
    public Task<IReadOnlyList<JobEvent>> GetEventsAsync(Guid jobId, long afterSeq, CancellationToken ct) => Time(nameof(GetEventsAsync), () => inner.GetEventsAsync(jobId, afterSeq, ct));
    public Task<bool> TryAcquireLeaseAsync(Guid jobId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct) =>
        Time(nameof(TryAcquireLeaseAsync), () => inner.TryAcquireLeaseAsync(jobId, owner, now, until, ct));
    public Task ReleaseLeaseAsync(Guid jobId, string owner, CancellationToken ct) => Time(nameof(ReleaseLeaseAsync), () => inner.ReleaseLeaseAsync(jobId, owner, ct));
    public Task PutSecretAsync(Guid jobId, SealedSecret secret, CancellationToken ct) => Time(nameof(PutSecretAsync), () => inner.PutSecretAsync(jobId, secret, ct));
    public Task<SealedSecret?> GetSecretAsync(Guid jobId, CancellationToken ct) => Time(nameof(GetSecretAsync), () => inner.GetSecretAsync(jobId, ct));
}
