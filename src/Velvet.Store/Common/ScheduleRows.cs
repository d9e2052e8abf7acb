using Velvet.Core.Ports;

namespace Velvet.Store.Common;

/// <summary>Schedule-slot SQL fragments and rules both backends share; the column order matches the readers' ordinals.</summary>
internal static class ScheduleRows
{
    public const string Columns = "token_name, env, slot_key, group_key, kind, due_at, claimed_by, claimed_at, job_id, closed_at, outcome";

    public const string Key = "token_name = {0} AND env = {1} AND slot_key = {2}";

    public static string KindName(SlotKind kind) => kind switch { SlotKind.Reminder => "reminder", SlotKind.Health => "health", _ => "job" };

    public static SlotKind ParseKind(string text) => text switch { "reminder" => SlotKind.Reminder, "health" => SlotKind.Health, _ => SlotKind.Job };

    /// <summary>A malformed slot is a caller bug (the scheduler builds them), so it throws.</summary>
    public static void Valid(ScheduleSlot slot, SystemEvent audit)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentException.ThrowIfNullOrWhiteSpace(slot.TokenName);
        ArgumentException.ThrowIfNullOrWhiteSpace(slot.Env);
        ArgumentException.ThrowIfNullOrWhiteSpace(slot.SlotKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(slot.GroupKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(slot.ClaimedBy);
        SubscriberRows.Valid(audit);
    }
}
