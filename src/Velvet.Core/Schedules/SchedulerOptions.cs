namespace Velvet.Core.Schedules;

/// <summary>Knobs of the scheduler (SPEC §8).</summary>
public sealed record SchedulerOptions
{
    /// <summary>How often a replica looks for due credentials.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>After a paired credential's job is terminal, how long the next one of its group waits.</summary>
    public TimeSpan PairGap { get; init; } = TimeSpan.FromHours(1);
    /// <summary>A claimed slot without a job after this long (its claimer crashed) is started by whoever sees it.</summary>
    public TimeSpan StartGrace { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>Actor recorded on scheduled jobs and schedule events.</summary>
    public string Actor { get; init; } = "velvet-scheduler";
}
