using System.Text.Json;
using Velvet.Core.Ports;

namespace Velvet.Store.Common;

/// <summary>Column lists and the stages JSON shared by both dialects' follow-up and plan stores.</summary>
internal static class LifecycleRows
{
    public const string FollowupColumns =
        "id, job_id, credential_name, env, canonical_consumer_id, fallback_consumer_id, reason, value_fingerprint, created_at, resolved_at, resolved_by, resolution";

    public const string PlanColumns =
        "plan_id, credential_name, stages_json, soak_seconds, status, current_stage, soak_started_at, soak_until, last_check_at, checks_passed, blocked_reason, created_by, created_at, updated_at, version";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Stages(IReadOnlyList<PlanStage> stages) => JsonSerializer.Serialize(stages, Json);

    public static IReadOnlyList<PlanStage> Stages(string json) => JsonSerializer.Deserialize<List<PlanStage>>(json, Json) ?? [];
}
