using System.Globalization;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;

namespace Velvet.Core.Schedules;

/// <summary>
/// Computes every credential's next due time from the manifest, the finished rotations and the claimed slots.
/// Pure: the same inputs give the same plan on every replica, so all of them agree on slot keys.
/// </summary>
/// <remarks>
/// Anchor = the later of the last finished rotation and the last claimed slot's due time; next due = the first
/// cadence time after the anchor. A credential with no anchor (Velvet never rotated it, no slot yet) is due at once,
/// under the slot key <c>initial</c>: its age is unknown.
/// </remarks>
public static class SchedulePlanner
{
    public const string InitialSlot = "initial";

    /// <param name="pairGap">How long after a paired credential's job is terminal the next one of its group waits.</param>
    public static IReadOnlyList<SchedulePlan> Plan(VelvetManifest manifest, string env, IReadOnlyList<ScheduleSlot> slots,
        RotationHistory.History history, DateTimeOffset now, TimeSpan pairGap)
    {
        var groups = Pairing.Groups(manifest);
        var open = slots.Where(s => s.ClosedAt is null && s.Kind == SlotKind.Job).ToList();
        return manifest.Credentials.Select(c => PlanOne(c, env, groups, slots, open, history, now, pairGap)).ToList();
    }

    /// <summary>The slot key of a due time: minute precision, UTC, sortable.</summary>
    public static string SlotKeyOf(DateTimeOffset due) => due.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    private static SchedulePlan PlanOne(CredentialSpec c, string env, IReadOnlyDictionary<string, string> groups, IReadOnlyList<ScheduleSlot> slots,
        List<ScheduleSlot> open, RotationHistory.History history, DateTimeOffset now, TimeSpan pairGap)
    {
        var lastRotations = history.LastRotations;
        var cadence = Cadence.From(c.Schedule);
        var group = groups.TryGetValue(c.TokenName, out var g) ? g : c.TokenName;
        var last = lastRotations.TryGetValue(c.TokenName, out var job) ? job.StatusChangedAt : (DateTimeOffset?)null;
        var plan = new SchedulePlan
        {
            Credential = c, Cadence = cadence, GroupKey = group, PairedWith = Pairing.PairedWith(groups, c.TokenName),
            LastRotatedAt = last, State = ScheduleState.Unscheduled,
        };
        if (cadence is null) return plan;
        if (!c.Active || c.Env != env)
            return plan with { State = ScheduleState.Inactive, Note = c.Active ? $"belongs to env {c.Env}" : "active: false" };

        var lastSlot = slots.Where(s => s.TokenName == c.TokenName).MaxBy(s => s.DueAt);
        var anchor = Max(last, lastSlot?.DueAt);
        var (due, key) = anchor is { } a && cadence.NextAfter(a) is { } next ? (next, SlotKeyOf(next)) : (now, InitialSlot);
        if (anchor is not null && key == InitialSlot) return plan with { State = ScheduleState.Waiting, Note = "the cron expression has no further occurrence" };
        plan = plan with { NextDueAt = due, SlotKey = key };

        if (c.Mode == RotationMode.ManualOnly)
            return plan with { State = ScheduleState.Reminder, Note = $"manual_only: a reminder is raised when due; runbook {c.RunbookUrl}" };
        if (open.FirstOrDefault(s => s.TokenName == c.TokenName) is { } own)
            return plan with { State = ScheduleState.Running, OpenJobId = own.JobId, Note = $"slot {own.SlotKey} open" + (own.JobId is { } j ? $": job {j}" : ": job starting") };
        if (due > now) return plan with { State = ScheduleState.Waiting };
        if (open.FirstOrDefault(s => s.GroupKey == group) is { } busy)
            return plan with
            {
                State = ScheduleState.Deferred, OpenJobId = busy.JobId,
                Note = $"paired with {busy.TokenName}, whose slot {busy.SlotKey} is open" + (busy.JobId is { } j ? $" (job {j})" : "") + ": waits until that job is terminal plus the pair gap",
            };
        // Jobs started by hand hold no slot: a paired credential's running (or just finished) job defers this one too.
        foreach (var other in plan.PairedWith)
        {
            if (!history.Latest.TryGetValue(other, out var theirs)) continue;
            if (!theirs.Status.IsTerminal() || now < theirs.StatusChangedAt + pairGap)
                return plan with
                {
                    State = ScheduleState.Deferred, OpenJobId = theirs.JobId,
                    Note = $"paired with {other}, whose job {theirs.JobId} is {theirs.Status.Name()}" + (theirs.Status.IsTerminal() ? $" since {theirs.StatusChangedAt:u}" : "") + ": waits until that job is terminal plus the pair gap",
                };
        }
        return plan with { State = ScheduleState.Due };
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
