using Microsoft.Data.Sqlite;
using Velvet.Core.Ports;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

public sealed partial class SqliteJobStore : IScheduleStore
{
    private static readonly string SlotKey = string.Format(System.Globalization.CultureInfo.InvariantCulture, ScheduleRows.Key, "$token", "$env", "$slot");

    /// <inheritdoc/>
    public Task<SlotClaim> ClaimSlotAsync(ScheduleSlot slot, SystemEvent audit, CancellationToken ct)
    {
        ScheduleRows.Valid(slot, audit);
        // The IMMEDIATE transaction holds the write lock: the insert and the check of why it did nothing see one state.
        return WriteAsync((w, tx) =>
        {
            using (var insert = w.Create(tx,
                $"INSERT INTO schedule_slots ({ScheduleRows.Columns}) VALUES ($token, $env, $slot, $group, $kind, $due, $by, $at, $job, $closed, $outcome) ON CONFLICT DO NOTHING"))
            {
                BindSlotKey(insert, slot.TokenName, slot.Env, slot.SlotKey);
                insert.Parameters.AddWithValue("$group", slot.GroupKey);
                insert.Parameters.AddWithValue("$kind", ScheduleRows.KindName(slot.Kind));
                insert.Parameters.AddWithValue("$due", Time(slot.DueAt));
                insert.Parameters.AddWithValue("$by", slot.ClaimedBy);
                insert.Parameters.AddWithValue("$at", Time(slot.ClaimedAt));
                insert.Parameters.AddWithValue("$job", slot.JobId is { } j ? Id(j) : DBNull.Value);
                insert.Parameters.AddWithValue("$closed", TimeOrNull(slot.ClosedAt));
                insert.Parameters.AddWithValue("$outcome", OrNull(slot.Outcome));
                if (insert.ExecuteNonQuery() == 1)
                {
                    InsertSystemEvent(w, tx, audit);
                    return SlotClaim.Claimed;
                }
            }
            using var exists = w.Create(tx, $"SELECT EXISTS (SELECT 1 FROM schedule_slots WHERE {SlotKey})");
            BindSlotKey(exists, slot.TokenName, slot.Env, slot.SlotKey);
            return exists.ExecuteScalar() is 1L ? SlotClaim.AlreadyClaimed : SlotClaim.GroupBusy;
        }, ct);
    }

    /// <inheritdoc/>
    public Task SetSlotJobAsync(string tokenName, string env, string slotKey, Guid jobId, CancellationToken ct) =>
        WriteAsync((w, tx) =>
        {
            using var update = w.Create(tx, $"UPDATE schedule_slots SET job_id = $job WHERE {SlotKey}");
            BindSlotKey(update, tokenName, env, slotKey);
            update.Parameters.AddWithValue("$job", Id(jobId));
            return update.ExecuteNonQuery();
        }, ct);

    /// <inheritdoc/>
    public Task CloseSlotAsync(string tokenName, string env, string slotKey, DateTimeOffset closedAt, string outcome, CancellationToken ct) =>
        WriteAsync((w, tx) =>
        {
            using var update = w.Create(tx, $"UPDATE schedule_slots SET closed_at = $closed, outcome = $outcome WHERE {SlotKey} AND closed_at IS NULL");
            BindSlotKey(update, tokenName, env, slotKey);
            update.Parameters.AddWithValue("$closed", Time(closedAt));
            update.Parameters.AddWithValue("$outcome", outcome);
            return update.ExecuteNonQuery();
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScheduleSlot>> ListSlotsAsync(string env, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ScheduleSlot>>(Query(
            $"SELECT {ScheduleRows.Columns} FROM schedule_slots WHERE env = $env ORDER BY due_at, token_name",
            c => c.Parameters.AddWithValue("$env", env), ReadSlot, ct));

    private static void BindSlotKey(SqliteCommand cmd, string tokenName, string env, string slotKey)
    {
        cmd.Parameters.AddWithValue("$token", tokenName);
        cmd.Parameters.AddWithValue("$env", env);
        cmd.Parameters.AddWithValue("$slot", slotKey);
    }

    private static ScheduleSlot ReadSlot(SqliteDataReader r) => new()
    {
        TokenName = r.GetString(0),
        Env = r.GetString(1),
        SlotKey = r.GetString(2),
        GroupKey = r.GetString(3),
        Kind = ScheduleRows.ParseKind(r.GetString(4)),
        DueAt = ParseTime(r.GetString(5)),
        ClaimedBy = r.GetString(6),
        ClaimedAt = ParseTime(r.GetString(7)),
        JobId = r.IsDBNull(8) ? null : Guid.Parse(r.GetString(8)),
        ClosedAt = r.IsDBNull(9) ? null : ParseTime(r.GetString(9)),
        Outcome = r.IsDBNull(10) ? null : r.GetString(10),
    };
}
