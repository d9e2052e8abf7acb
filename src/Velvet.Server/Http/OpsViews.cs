using Velvet.Core.Health;
using Velvet.Core.Inventory;
using Velvet.Core.Schedules;

namespace Velvet.Server.Http;

/// <summary>JSON shapes of the inventory, the schedule and the health check, shared by the API and the CLI. Never a value.</summary>
public static class OpsViews
{
    public static object Inventory(InventoryReport r) => new
    {
        env = r.Env,
        generated_at = r.GeneratedAt,
        credentials = r.Credentials.Select(c => new
        {
            token_name = c.TokenName,
            env = c.Env,
            vendor = c.Vendor,
            mode = c.Mode,
            active = c.Active,
            cadence = c.Cadence,
            last_rotated_at = c.LastRotatedAt,
            last_rotation_job = c.LastRotationJob,
            age_days = c.Age is { } a ? Math.Round(a.TotalDays, 2) : (double?)null,
            cadence_days = c.CadenceInterval is { } i ? Math.Round(i.TotalDays, 2) : (double?)null,
            overdue = c.Overdue,
            next_due_at = c.NextDueAt,
            schedule_state = Name(c.ScheduleState),
            copies = c.Copies.Select(x => new
            {
                consumer_id = x.ConsumerId,
                kind = x.Kind,
                location = x.Label,
                target = x.Target,
                active = x.Active,
                canonical = x.Canonical,
                last_written_at = x.LastWrittenAt,
                written_fingerprint = x.WrittenFingerprint,
                written_by_job = x.WrittenBy,
                followup = x.FollowupNote,
            }),
            followups = c.Followups.Select(f => new
            {
                id = f.Id,
                status = "open",
                job_id = f.JobId,
                canonical_consumer = f.CanonicalConsumerId,
                fallback_consumer = f.FallbackConsumerId,
                fallback_target = f.FallbackTarget,
                reason = f.Reason,
                since = f.Since,
                note = f.Note,
            }),
        }),
    };

    public static object Schedule(IReadOnlyList<SchedulePlan> plans, DateTimeOffset now) => new
    {
        generated_at = now,
        schedules = plans.Select(p => new
        {
            token_name = p.TokenName,
            env = p.Credential.Env,
            cadence = p.Cadence?.Text,
            auto_advance = p.Cadence is null || p.State == ScheduleState.Reminder ? null : Scheduler.Policy(p.Credential),
            state = Name(p.State),
            last_rotated_at = p.LastRotatedAt,
            next_due_at = p.NextDueAt,
            slot = p.SlotKey,
            overdue = p.Overdue(now),
            paired_with = p.PairedWith,
            open_job = p.OpenJobId,
            note = p.Note,
        }),
    };

    public static object Health(HealthReport r) => new
    {
        env = r.Env,
        checked_at = r.CheckedAt,
        any_stale = r.AnyStale,
        credentials = r.Credentials.Select(c => new
        {
            token_name = c.TokenName,
            vendor = c.Vendor,
            status = Name(c.Status),
            notes = c.Notes,
            probes = c.Probes.Select(p => new
            {
                consumer_id = p.ConsumerId,
                kind = p.Kind,
                check = p.Check,
                target = p.Target,
                status = Name(p.Status),
                reason = p.Reason,
                http_status = p.HttpStatus,
            }),
        }),
    };

    /// <summary>VALID, STALE, PARTIAL, UNKNOWN: the session log's words.</summary>
    public static string Name(HealthStatus s) => s.ToString().ToUpperInvariant();

    public static string Name(ScheduleState s) => s.ToString().ToLowerInvariant();
}
