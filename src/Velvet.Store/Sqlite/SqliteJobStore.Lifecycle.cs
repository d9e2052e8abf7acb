using Microsoft.Data.Sqlite;
using Velvet.Core.Ports;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

/// <summary>Follow-ups and rotation plans (migration 0008_lifecycle.sql).</summary>
public sealed partial class SqliteJobStore : IFollowupStore, IPlanStore
{
    /// <inheritdoc/>
    public Task<Followup> OpenFollowupAsync(Followup followup, CancellationToken ct) => WriteAsync((w, tx) =>
    {
        using (var insert = w.Create(tx,
            "INSERT INTO followups (job_id, credential_name, env, canonical_consumer_id, fallback_consumer_id, reason, value_fingerprint, created_at) " +
            "VALUES ($job, $cred, $env, $canonical, $fallback, $reason, $fp, $at) ON CONFLICT (job_id, canonical_consumer_id) DO NOTHING"))
        {
            insert.Parameters.AddWithValue("$job", Id(followup.JobId));
            insert.Parameters.AddWithValue("$cred", followup.CredentialName);
            insert.Parameters.AddWithValue("$env", followup.Env);
            insert.Parameters.AddWithValue("$canonical", followup.CanonicalConsumerId);
            insert.Parameters.AddWithValue("$fallback", followup.FallbackConsumerId);
            insert.Parameters.AddWithValue("$reason", followup.Reason);
            insert.Parameters.AddWithValue("$fp", OrNull(followup.ValueFingerprint));
            insert.Parameters.AddWithValue("$at", Time(followup.CreatedAt));
            insert.ExecuteNonQuery();
        }
        using var select = w.Create(tx, $"SELECT {LifecycleRows.FollowupColumns} FROM followups WHERE job_id = $job AND canonical_consumer_id = $canonical");
        select.Parameters.AddWithValue("$job", Id(followup.JobId));
        select.Parameters.AddWithValue("$canonical", followup.CanonicalConsumerId);
        using var r = select.ExecuteReader();
        return r.Read() ? ReadFollowup(r) : throw new InvalidOperationException("a follow-up vanished inside its own transaction");
    }, ct);

    /// <inheritdoc/>
    public Task<Followup?> GetFollowupAsync(long id, CancellationToken ct) =>
        Task.FromResult(Query($"SELECT {LifecycleRows.FollowupColumns} FROM followups WHERE id = $id",
            c => c.Parameters.AddWithValue("$id", id), ReadFollowup, ct).SingleOrDefault());

    /// <inheritdoc/>
    public Task<IReadOnlyList<Followup>> ListFollowupsAsync(bool openOnly, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Followup>>(Query(
            $"SELECT {LifecycleRows.FollowupColumns} FROM followups {(openOnly ? "WHERE resolved_at IS NULL " : "")}ORDER BY id DESC",
            _ => { }, ReadFollowup, ct));

    /// <inheritdoc/>
    public Task<IReadOnlyList<Followup>> FollowupsOfJobAsync(Guid jobId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Followup>>(Query($"SELECT {LifecycleRows.FollowupColumns} FROM followups WHERE job_id = $job ORDER BY id",
            c => c.Parameters.AddWithValue("$job", Id(jobId)), ReadFollowup, ct));

    /// <inheritdoc/>
    public Task<bool> ResolveFollowupAsync(long id, string resolvedBy, string resolution, DateTimeOffset at, CancellationToken ct) => WriteAsync((w, tx) =>
    {
        using var update = w.Create(tx, "UPDATE followups SET resolved_at = $at, resolved_by = $by, resolution = $how WHERE id = $id AND resolved_at IS NULL");
        update.Parameters.AddWithValue("$at", Time(at));
        update.Parameters.AddWithValue("$by", resolvedBy);
        update.Parameters.AddWithValue("$how", resolution);
        update.Parameters.AddWithValue("$id", id);
        return update.ExecuteNonQuery() == 1;
    }, ct);

    /// <inheritdoc/>
    public Task CreatePlanAsync(RotationPlan plan, CancellationToken ct) => WriteAsync((w, tx) =>
    {
        using var insert = w.Create(tx, $"INSERT INTO rotation_plans ({LifecycleRows.PlanColumns}) VALUES " +
            "($id, $cred, $stages, $soak, $status, $current, $soak_start, $soak_until, $last_check, $passed, $blocked, $by, $created, $updated, 1)");
        BindPlan(insert, plan);
        return insert.ExecuteNonQuery();
    }, ct);

    /// <inheritdoc/>
    public Task<RotationPlan?> GetPlanAsync(Guid planId, CancellationToken ct) =>
        Task.FromResult(Query($"SELECT {LifecycleRows.PlanColumns} FROM rotation_plans WHERE plan_id = $id",
            c => c.Parameters.AddWithValue("$id", Id(planId)), ReadPlan, ct).SingleOrDefault());

    /// <inheritdoc/>
    public Task<IReadOnlyList<RotationPlan>> ListPlansAsync(bool activeOnly, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RotationPlan>>(Query(
            $"SELECT {LifecycleRows.PlanColumns} FROM rotation_plans {(activeOnly ? "WHERE status IN ('running', 'soaking', 'ready') " : "")}ORDER BY created_at DESC",
            _ => { }, ReadPlan, ct));

    /// <inheritdoc/>
    public Task<bool> UpdatePlanAsync(RotationPlan plan, CancellationToken ct) => WriteAsync((w, tx) =>
    {
        using var update = w.Create(tx,
            "UPDATE rotation_plans SET stages_json = $stages, status = $status, current_stage = $current, soak_started_at = $soak_start, " +
            "soak_until = $soak_until, last_check_at = $last_check, checks_passed = $passed, blocked_reason = $blocked, updated_at = $updated, " +
            "version = version + 1 WHERE plan_id = $id AND version = $version");
        BindPlan(update, plan);
        update.Parameters.AddWithValue("$version", plan.Version);
        return update.ExecuteNonQuery() == 1;
    }, ct);

    private static void BindPlan(SqliteCommand cmd, RotationPlan p)
    {
        cmd.Parameters.AddWithValue("$id", Id(p.PlanId));
        cmd.Parameters.AddWithValue("$cred", p.CredentialName);
        cmd.Parameters.AddWithValue("$stages", LifecycleRows.Stages(p.Stages));
        cmd.Parameters.AddWithValue("$soak", (long)p.Soak.TotalSeconds);
        cmd.Parameters.AddWithValue("$status", p.Status);
        cmd.Parameters.AddWithValue("$current", p.Current);
        cmd.Parameters.AddWithValue("$soak_start", TimeOrNull(p.SoakStartedAt));
        cmd.Parameters.AddWithValue("$soak_until", TimeOrNull(p.SoakUntil));
        cmd.Parameters.AddWithValue("$last_check", TimeOrNull(p.LastCheckAt));
        cmd.Parameters.AddWithValue("$passed", p.ChecksPassed);
        cmd.Parameters.AddWithValue("$blocked", OrNull(p.BlockedReason));
        cmd.Parameters.AddWithValue("$by", p.CreatedBy);
        cmd.Parameters.AddWithValue("$created", Time(p.CreatedAt));
        cmd.Parameters.AddWithValue("$updated", Time(p.UpdatedAt));
    }

    private static DateTimeOffset? TimeOf(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : ParseTime(r.GetString(i));

    private static string? TextOf(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static Followup ReadFollowup(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        JobId = Guid.Parse(r.GetString(1)),
        CredentialName = r.GetString(2),
        Env = r.GetString(3),
        CanonicalConsumerId = r.GetString(4),
        FallbackConsumerId = r.GetString(5),
        Reason = r.GetString(6),
        ValueFingerprint = TextOf(r, 7),
        CreatedAt = ParseTime(r.GetString(8)),
        ResolvedAt = TimeOf(r, 9),
        ResolvedBy = TextOf(r, 10),
        Resolution = TextOf(r, 11),
    };

    private static RotationPlan ReadPlan(SqliteDataReader r) => new()
    {
        PlanId = Guid.Parse(r.GetString(0)),
        CredentialName = r.GetString(1),
        Stages = LifecycleRows.Stages(r.GetString(2)),
        Soak = TimeSpan.FromSeconds(r.GetInt64(3)),
        Status = r.GetString(4),
        Current = r.GetInt32(5),
        SoakStartedAt = TimeOf(r, 6),
        SoakUntil = TimeOf(r, 7),
        LastCheckAt = TimeOf(r, 8),
        ChecksPassed = r.GetInt32(9),
        BlockedReason = TextOf(r, 10),
        CreatedBy = r.GetString(11),
        CreatedAt = ParseTime(r.GetString(12)),
        UpdatedAt = ParseTime(r.GetString(13)),
        Version = r.GetInt64(14),
    };
}
