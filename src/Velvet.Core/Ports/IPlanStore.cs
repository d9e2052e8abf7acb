namespace Velvet.Core.Ports;

/// <summary>One env of a staged rotation plan and the job that rotates it there.</summary>
public sealed record PlanStage
{
    public required string Env { get; init; }
    public Guid? JobId { get; init; }
    /// <summary>pending, running, done, soaked, failed.</summary>
    public string Status { get; init; } = "pending";
}

/// <summary>
/// A rotation across envs (the runbook's staging → soak ≥ 30 min → prod): each stage's job starts only after the
/// previous stage reached done and soaked with its healthchecks green. Persisted, so it survives restarts.
/// </summary>
public sealed record RotationPlan
{
    public required Guid PlanId { get; init; }
    public required string CredentialName { get; init; }
    public required IReadOnlyList<PlanStage> Stages { get; init; }
    public required TimeSpan Soak { get; init; }
    /// <summary>running (a stage job in flight), soaking, ready (next stage startable), blocked, done, aborted.</summary>
    public required string Status { get; init; }
    /// <summary>Index of the stage in flight, soaking, or next to start.</summary>
    public int Current { get; init; }
    public DateTimeOffset? SoakStartedAt { get; init; }
    public DateTimeOffset? SoakUntil { get; init; }
    public DateTimeOffset? LastCheckAt { get; init; }
    /// <summary>Soak rounds whose healthchecks were all green.</summary>
    public int ChecksPassed { get; init; }
    public string? BlockedReason { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Optimistic concurrency; the store bumps it on every update.</summary>
    public long Version { get; init; }

    public bool IsActive => Status is "running" or "soaking" or "ready";
}

/// <summary>Rotation plans, in the job store's database: <c>JobStoreFactory.Plans(store)</c>.</summary>
public interface IPlanStore
{
    Task CreatePlanAsync(RotationPlan plan, CancellationToken ct);

    Task<RotationPlan?> GetPlanAsync(Guid planId, CancellationToken ct);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<RotationPlan>> ListPlansAsync(bool activeOnly, CancellationToken ct);

    /// <summary>Writes the plan if its <see cref="RotationPlan.Version"/> is still the stored one; the stored version is bumped. False on a lost race.</summary>
    Task<bool> UpdatePlanAsync(RotationPlan plan, CancellationToken ct);
}
