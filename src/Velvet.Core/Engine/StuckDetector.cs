using Velvet.Core.Jobs;

namespace Velvet.Core.Engine;

/// <summary>A stuck job and why (SPEC §2).</summary>
public sealed record StuckJob(RotationJob Job, string Reason, TimeSpan InStatusFor);

public static class StuckDetector
{
    public static IReadOnlyList<StuckJob> Find(IEnumerable<RotationJob> jobs, DateTimeOffset now, TimeSpan after)
    {
        var stuck = new List<StuckJob>();
        foreach (var job in jobs.Where(j => !j.Status.IsTerminal()))
        {
            var age = now - job.StatusChangedAt;
            if (job.Status.NeedsPerson())
                stuck.Add(new StuckJob(job, $"{job.Status.Name()} needs an operator", age));
            else if (job.Details.WaitingFor is { } waiting)
                stuck.Add(new StuckJob(job, $"{job.Status.Name()} waits for {waiting}", age));
            else if (age > after)
                stuck.Add(new StuckJob(job, $"no change in {job.Status.Name()} for {(int)age.TotalMinutes} min (limit {(int)after.TotalMinutes} min)", age));
        }
        return stuck.OrderByDescending(s => s.InStatusFor).ToList();
    }
}
