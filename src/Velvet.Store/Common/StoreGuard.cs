using Velvet.Core.Jobs;

namespace Velvet.Store.Common;

/// <summary>Argument checks shared by both stores. A mismatch is a caller bug, so it throws.</summary>
internal static class StoreGuard
{
    /// <summary>Rows and events handed in with a job must all belong to it, or one job's write could land on another.</summary>
    public static void BelongTo(Guid jobId, IReadOnlyList<ConsumerRow> rows, IReadOnlyList<JobEvent> events)
    {
        foreach (var r in rows)
        {
            if (r.JobId != jobId) throw new ArgumentException($"consumer row '{r.ConsumerId}' belongs to job {r.JobId}, not {jobId}", nameof(rows));
        }
        foreach (var e in events)
        {
            if (e.JobId != jobId) throw new ArgumentException($"event '{e.Kind}' belongs to job {e.JobId}, not {jobId}", nameof(events));
        }
    }

    /// <summary>The consumer rows and the created event of a new job must carry its id.</summary>
    public static void ValidNew(NewJob job, JobEvent created)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(created);
        BelongTo(job.Job.JobId, job.Rows, [created]);
    }

    /// <summary>Distinct job ids in a stable order, so writers lock jobs in the same order and never deadlock.</summary>
    public static Guid[] JobIds(IReadOnlyList<ConsumerRow> rows, IReadOnlyList<JobEvent> events) =>
        rows.Select(r => r.JobId).Concat(events.Select(e => e.JobId)).Distinct().Order().ToArray();
}
