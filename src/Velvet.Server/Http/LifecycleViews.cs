using Velvet.Core.Ports;

namespace Velvet.Server.Http;

/// <summary>Wire shapes of follow-ups and rotation plans (snake_case through the shared JSON options). Never a value.</summary>
public static class LifecycleViews
{
    /// <summary>The job's follow-ups (none when the store keeps none).</summary>
    public static async Task<IReadOnlyList<Followup>> OfJobAsync(IJobStore store, Guid jobId, CancellationToken ct) =>
        store is IFollowupStore followups ? await followups.FollowupsOfJobAsync(jobId, ct).ConfigureAwait(false) : [];

    public static object Followup(Followup f) => new
    {
        id = f.Id,
        status = f.IsOpen ? "open" : "resolved",
        job_id = f.JobId,
        credential = f.CredentialName,
        env = f.Env,
        canonical_consumer = f.CanonicalConsumerId,
        fallback_consumer = f.FallbackConsumerId,
        reason = f.Reason,
        value_fingerprint = f.ValueFingerprint,
        created_at = f.CreatedAt,
        resolved_at = f.ResolvedAt,
        resolved_by = f.ResolvedBy,
        resolution = f.Resolution,
        action = f.IsOpen ? $"write the value to {f.CanonicalConsumerId} (it is in {f.FallbackConsumerId}), then: velvet followups resolve {f.Id}" : null,
    };

    public static object Plan(RotationPlan p) => new
    {
        plan_id = p.PlanId,
        credential = p.CredentialName,
        status = p.Status,
        current_stage = p.Current,
        stages = p.Stages.Select(s => new { env = s.Env, job_id = s.JobId, status = s.Status }),
        soak_minutes = (int)p.Soak.TotalMinutes,
        soak_started_at = p.SoakStartedAt,
        soak_until = p.SoakUntil,
        last_check_at = p.LastCheckAt,
        checks_passed = p.ChecksPassed,
        blocked_reason = p.BlockedReason,
        created_by = p.CreatedBy,
        created_at = p.CreatedAt,
        updated_at = p.UpdatedAt,
    };
}
