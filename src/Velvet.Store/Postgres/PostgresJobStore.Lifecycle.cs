using Npgsql;
using Velvet.Core.Ports;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

/// <summary>Follow-ups and rotation plans (migration 0009_lifecycle.sql).</summary>
public sealed partial class PostgresJobStore : IFollowupStore, IPlanStore
{
    /// <inheritdoc/>
    public Task<Followup> OpenFollowupAsync(Followup followup, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using (var insert = new NpgsqlCommand(
                "INSERT INTO followups (job_id, credential_name, env, canonical_consumer_id, fallback_consumer_id, reason, value_fingerprint, created_at) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (job_id, canonical_consumer_id) DO NOTHING", conn))
            {
                NpgsqlParameter[] values = [P(followup.JobId), Text(followup.CredentialName), Text(followup.Env), Text(followup.CanonicalConsumerId),
                    Text(followup.FallbackConsumerId), Text(followup.Reason), Text(followup.ValueFingerprint), Time(followup.CreatedAt)];
                insert.Parameters.AddRange(values);
                await insert.ExecuteNonQueryAsync(ct);
            }
            var found = await FollowupsAsync(conn, "WHERE job_id = $1 AND canonical_consumer_id = $2", [P(followup.JobId), Text(followup.CanonicalConsumerId)], ct);
            return found.Single();
        }, ct);

    /// <inheritdoc/>
    public Task<Followup?> GetFollowupAsync(long id, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            return (await FollowupsAsync(conn, "WHERE id = $1", [P(id)], ct)).SingleOrDefault();
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Followup>> ListFollowupsAsync(bool openOnly, CancellationToken ct) =>
        PgRetry.RunAsync<IReadOnlyList<Followup>>(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            return await FollowupsAsync(conn, (openOnly ? "WHERE resolved_at IS NULL " : "") + "ORDER BY id DESC", [], ct);
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Followup>> FollowupsOfJobAsync(Guid jobId, CancellationToken ct) =>
        PgRetry.RunAsync<IReadOnlyList<Followup>>(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            return await FollowupsAsync(conn, "WHERE job_id = $1 ORDER BY id", [P(jobId)], ct);
        }, ct);

    /// <inheritdoc/>
    public Task<bool> ResolveFollowupAsync(long id, string resolvedBy, string resolution, DateTimeOffset at, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var update = new NpgsqlCommand("UPDATE followups SET resolved_at = $1, resolved_by = $2, resolution = $3 WHERE id = $4 AND resolved_at IS NULL", conn);
            NpgsqlParameter[] values = [Time(at), Text(resolvedBy), Text(resolution), P(id)];
            update.Parameters.AddRange(values);
            return await update.ExecuteNonQueryAsync(ct) == 1;
        }, ct);

    /// <inheritdoc/>
    public Task CreatePlanAsync(RotationPlan plan, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var insert = new NpgsqlCommand($"INSERT INTO rotation_plans ({LifecycleRows.PlanColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1)", conn);
            insert.Parameters.AddRange(PlanParameters(plan));
            return await insert.ExecuteNonQueryAsync(ct);
        }, ct);

    /// <inheritdoc/>
    public Task<RotationPlan?> GetPlanAsync(Guid planId, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            return (await PlansAsync(conn, "WHERE plan_id = $1", [P(planId)], ct)).SingleOrDefault();
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<RotationPlan>> ListPlansAsync(bool activeOnly, CancellationToken ct) =>
        PgRetry.RunAsync<IReadOnlyList<RotationPlan>>(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            return await PlansAsync(conn, (activeOnly ? "WHERE status IN ('running', 'soaking', 'ready') " : "") + "ORDER BY created_at DESC", [], ct);
        }, ct);

    /// <inheritdoc/>
    public Task<bool> UpdatePlanAsync(RotationPlan plan, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var update = new NpgsqlCommand(
                "UPDATE rotation_plans SET stages_json = $3, status = $5, current_stage = $6, soak_started_at = $7, soak_until = $8, last_check_at = $9, " +
                "checks_passed = $10, blocked_reason = $11, updated_at = $14, version = version + 1 WHERE plan_id = $1 AND version = $15", conn);
            update.Parameters.AddRange(PlanParameters(plan));
            update.Parameters.Add(P(plan.Version));
            return await update.ExecuteNonQueryAsync(ct) == 1;
        }, ct);

    private static NpgsqlParameter[] PlanParameters(RotationPlan p) =>
    [
        P(p.PlanId), Text(p.CredentialName), Text(LifecycleRows.Stages(p.Stages)), P((long)p.Soak.TotalSeconds), Text(p.Status), P(p.Current),
        Time(p.SoakStartedAt), Time(p.SoakUntil), Time(p.LastCheckAt), P(p.ChecksPassed), Text(p.BlockedReason), Text(p.CreatedBy),
        Time(p.CreatedAt), Time(p.UpdatedAt),
    ];

    private static async Task<List<Followup>> FollowupsAsync(NpgsqlConnection conn, string where, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {LifecycleRows.FollowupColumns} FROM followups {where}", conn);
        cmd.Parameters.AddRange(parameters);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Followup>();
        while (await r.ReadAsync(ct))
        {
            list.Add(new Followup
            {
                Id = r.GetInt64(0), JobId = r.GetGuid(1), CredentialName = r.GetString(2), Env = r.GetString(3),
                CanonicalConsumerId = r.GetString(4), FallbackConsumerId = r.GetString(5), Reason = r.GetString(6),
                ValueFingerprint = r.IsDBNull(7) ? null : r.GetString(7), CreatedAt = r.GetFieldValue<DateTimeOffset>(8),
                ResolvedAt = r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
                ResolvedBy = r.IsDBNull(10) ? null : r.GetString(10), Resolution = r.IsDBNull(11) ? null : r.GetString(11),
            });
        }
        return list;
    }

    private static async Task<List<RotationPlan>> PlansAsync(NpgsqlConnection conn, string where, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {LifecycleRows.PlanColumns} FROM rotation_plans {where}", conn);
        cmd.Parameters.AddRange(parameters);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<RotationPlan>();
        while (await r.ReadAsync(ct))
        {
            list.Add(new RotationPlan
            {
                PlanId = r.GetGuid(0), CredentialName = r.GetString(1), Stages = LifecycleRows.Stages(r.GetString(2)),
                Soak = TimeSpan.FromSeconds(r.GetInt64(3)), Status = r.GetString(4), Current = r.GetInt32(5),
                SoakStartedAt = r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
                SoakUntil = r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7),
                LastCheckAt = r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
                ChecksPassed = r.GetInt32(9), BlockedReason = r.IsDBNull(10) ? null : r.GetString(10),
                CreatedBy = r.GetString(11), CreatedAt = r.GetFieldValue<DateTimeOffset>(12), UpdatedAt = r.GetFieldValue<DateTimeOffset>(13),
                Version = r.GetInt64(14),
            });
        }
        return list;
    }
}
