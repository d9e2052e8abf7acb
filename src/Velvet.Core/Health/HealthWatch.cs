using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Schedules;
using EngineLog = Velvet.Core.Engine.Log;

namespace Velvet.Core.Health;

/// <summary>How often the health watch probes, and who it is.</summary>
public sealed record HealthWatchOptions
{
    /// <summary>The manifest's <c>notifications.health.interval</c>; intervals start at multiples of it since the Unix epoch (UTC).</summary>
    public required TimeSpan Interval { get; init; }
    /// <summary>This replica, recorded as the claimer of each interval's slot.</summary>
    public required string Owner { get; init; }
    /// <summary>Actor of the audit event written with each claim.</summary>
    public string Actor { get; init; } = "velvet-health-watch";
}

/// <summary>What one interval's probe found.</summary>
public sealed record HealthWatchPass(string SlotKey, IReadOnlyList<NotificationEvent> Raised, IReadOnlyDictionary<string, HealthStatus> States);

/// <summary>
/// The server's periodic credential health check (docs/operations.md). Each interval exactly one replica probes: it
/// claims the schedule slot <c>velvet.health / ENV / health:INTERVAL_START</c> (the scheduler's claim, so two replicas
/// never probe the same interval), runs the <see cref="HealthProber"/>, and enqueues <c>health_stale</c> when a
/// credential turned STALE or PARTIAL (or got worse) and <c>health_recovered</c> when it is VALID again. Each
/// credential's state is kept in the closed slot's outcome, so the next interval — on any replica, after any
/// restart — compares with it: a credential that stays stale is notified once. UNKNOWN (a 5xx, a timeout) keeps
/// the previous state.
/// </summary>
public sealed class HealthWatch(HealthProber prober, string env, IScheduleStore slots, INotificationStore outbox, HealthWatchOptions options,
    TimeProvider time, ILogger logger)
{
    /// <summary>The slot rows' token name: not a valid credential name (no dots), so it never meets a real schedule.</summary>
    public const string SlotToken = "velvet.health";
    /// <summary>System event kind written with each claimed interval.</summary>
    public const string AuditKind = "velvet.health.watch";
    private const int MaxReason = 300;

    /// <summary>The start of the interval <paramref name="now"/> falls in.</summary>
    public static DateTimeOffset IntervalStart(DateTimeOffset now, TimeSpan interval) =>
        new(now.UtcTicks - now.UtcTicks % interval.Ticks, TimeSpan.Zero);

    /// <summary>The slot key of an interval: <c>health:2026-11-23T06:00Z</c>.</summary>
    public static string SlotKey(DateTimeOffset intervalStart) => "health:" + SchedulePlanner.SlotKeyOf(intervalStart);

    /// <summary>Probes once per interval until cancelled; a failing pass is logged and the next interval tries again.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await TickAsync(ct).ConfigureAwait(false); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                EngineLog.HealthWatchFailed(logger, ex.GetType().Name);
            }
            var now = time.GetUtcNow();
            await Task.Delay(IntervalStart(now, options.Interval) + options.Interval - now, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>This interval's probe when this replica claims it; null when another replica (or an earlier pass) has.</summary>
    public async Task<HealthWatchPass?> TickAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var start = IntervalStart(now, options.Interval);
        var key = SlotKey(start);
        var slot = new ScheduleSlot
        {
            TokenName = SlotToken, Env = env, SlotKey = key, GroupKey = $"{SlotToken}:{key}", Kind = SlotKind.Health, DueAt = start,
            ClaimedBy = options.Owner, ClaimedAt = now,
        };
        var audit = new SystemEvent
        {
            At = now, Actor = options.Actor, Kind = AuditKind,
            Detail = JsonSerializer.Serialize(new Dictionary<string, string> { ["env"] = env, ["slot"] = key, ["claimed_by"] = options.Owner }),
        };
        if (await slots.ClaimSlotAsync(slot, audit, ct).ConfigureAwait(false) != SlotClaim.Claimed) return null;

        var before = await PreviousAsync(start, ct).ConfigureAwait(false);
        var report = await prober.CheckAsync(env, ct).ConfigureAwait(false);
        var states = new Dictionary<string, HealthStatus>(StringComparer.Ordinal);
        var raised = new List<NotificationEvent>();
        foreach (var c in report.Credentials)
        {
            HealthStatus? was = before.TryGetValue(c.TokenName, out var b) ? b : null;
            if ((c.Status == HealthStatus.Unknown ? was : c.Status) is { } known) states[c.TokenName] = known;
            if (Change(was, c.Status) is not { } kind) continue;
            var e = Event(kind, c, key, time.GetUtcNow());
            await outbox.EnqueueNotificationAsync(e, ct).ConfigureAwait(false);
            raised.Add(e);
        }
        // Closed last: a replica dying before this leaves no outcome, and the next interval compares with the one before.
        await slots.CloseSlotAsync(SlotToken, env, key, time.GetUtcNow(), JsonSerializer.Serialize(states.ToDictionary(s => s.Key, s => Name(s.Value))), ct).ConfigureAwait(false);
        EngineLog.HealthWatchProbed(logger, env, key, report.Credentials.Count,
            raised.Count(r => r.Kind == NotificationKinds.HealthStale), raised.Count(r => r.Kind == NotificationKinds.HealthRecovered));
        return new HealthWatchPass(key, raised, states);
    }

    /// <summary>
    /// The notification a change from <paramref name="was"/> (null: never seen) to <paramref name="now"/> raises:
    /// health_stale when it turns STALE or PARTIAL from VALID or unseen, or PARTIAL gets worse to STALE;
    /// health_recovered when a STALE or PARTIAL one is VALID again; nothing otherwise (UNKNOWN never notifies).
    /// </summary>
    public static string? Change(HealthStatus? was, HealthStatus now) => (was, now) switch
    {
        (null or HealthStatus.Valid, HealthStatus.Stale or HealthStatus.Partial) => NotificationKinds.HealthStale,
        (HealthStatus.Partial, HealthStatus.Stale) => NotificationKinds.HealthStale,
        (HealthStatus.Stale or HealthStatus.Partial, HealthStatus.Valid) => NotificationKinds.HealthRecovered,
        _ => null,
    };

    /// <summary>Keyed by the interval, so the claimer enqueues each change once; metadata and the prober's masked reason only.</summary>
    private NotificationEvent Event(string kind, CredentialHealth c, string key, DateTimeOffset now) => new()
    {
        EventKey = $"health:{c.TokenName}:{env}:{key}:{kind}",
        Kind = kind,
        CredentialName = c.TokenName,
        Env = env,
        Status = Name(c.Status),
        Reason = c.Notes.Length <= MaxReason ? c.Notes : c.Notes[..MaxReason] + "…",
        CreatedAt = now,
    };

    /// <summary>The states the latest earlier interval recorded (empty before the first).</summary>
    private async Task<IReadOnlyDictionary<string, HealthStatus>> PreviousAsync(DateTimeOffset start, CancellationToken ct)
    {
        var last = (await slots.ListSlotsAsync(env, ct).ConfigureAwait(false))
            .Where(s => s.TokenName == SlotToken && s.Kind == SlotKind.Health && s.Outcome is not null && s.DueAt < start)
            .MaxBy(s => s.DueAt);
        if (last?.Outcome is not { } outcome) return new Dictionary<string, HealthStatus>();
        var names = JsonSerializer.Deserialize<Dictionary<string, string>>(outcome) ?? [];
        return names.Where(n => Enum.TryParse<HealthStatus>(n.Value, ignoreCase: true, out _))
            .ToDictionary(n => n.Key, n => Enum.Parse<HealthStatus>(n.Value, ignoreCase: true), StringComparer.Ordinal);
    }

    private static string Name(HealthStatus status) => status.ToString().ToLower(CultureInfo.InvariantCulture);
}
