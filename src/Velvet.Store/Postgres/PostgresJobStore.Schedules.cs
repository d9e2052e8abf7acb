using Npgsql;
using Velvet.Core.Ports;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore : IScheduleStore
{
    private static readonly string SlotKey = string.Format(System.Globalization.CultureInfo.InvariantCulture, ScheduleRows.Key, "$1", "$2", "$3");

    /// <inheritdoc/>
    /// <remarks>
    /// ON CONFLICT without a target covers both the primary key and the open-group index; a conflicting insert of
    /// another transaction is waited for, so the check that follows sees what that claim committed.
    /// </remarks>
    public Task<SlotClaim> ClaimSlotAsync(ScheduleSlot slot, SystemEvent audit, CancellationToken ct)
    {
        ScheduleRows.Valid(slot, audit);
        return PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var insert = new NpgsqlCommand(
                $"INSERT INTO schedule_slots ({ScheduleRows.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING", conn, tx))
            {
                insert.Parameters.AddRange(new[]
                {
                    Text(slot.TokenName), Text(slot.Env), Text(slot.SlotKey), Text(slot.GroupKey), Text(ScheduleRows.KindName(slot.Kind)),
                    Time(slot.DueAt), Text(slot.ClaimedBy), Time(slot.ClaimedAt), P(slot.JobId), Time(slot.ClosedAt), Text(slot.Outcome),
                });
                if (await insert.ExecuteNonQueryAsync(ct) == 1)
                {
                    await using (var evt = InsertSystemEvent(conn, tx, audit)) await evt.ExecuteNonQueryAsync(ct);
                    await tx.CommitAsync(ct);
                    return SlotClaim.Claimed;
                }
            }
            await using var exists = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM schedule_slots WHERE {SlotKey})", conn, tx);
            exists.Parameters.AddRange(new[] { Text(slot.TokenName), Text(slot.Env), Text(slot.SlotKey) });
            var claimed = await exists.ExecuteScalarAsync(ct) is true;
            await tx.RollbackAsync(ct);
            return claimed ? SlotClaim.AlreadyClaimed : SlotClaim.GroupBusy;
        }, ct);
    }

    /// <inheritdoc/>
    public Task SetSlotJobAsync(string tokenName, string env, string slotKey, Guid jobId, CancellationToken ct) =>
        SlotUpdateAsync($"UPDATE schedule_slots SET job_id = $4 WHERE {SlotKey}", [Text(tokenName), Text(env), Text(slotKey), P(jobId)], ct);

    /// <inheritdoc/>
    public Task CloseSlotAsync(string tokenName, string env, string slotKey, DateTimeOffset closedAt, string outcome, CancellationToken ct) =>
        SlotUpdateAsync($"UPDATE schedule_slots SET closed_at = $4, outcome = $5 WHERE {SlotKey} AND closed_at IS NULL",
            [Text(tokenName), Text(env), Text(slotKey), Time(closedAt), Text(outcome)], ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScheduleSlot>> ListSlotsAsync(string env, CancellationToken ct) =>
        PgRetry.RunAsync<IReadOnlyList<ScheduleSlot>>(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand($"SELECT {ScheduleRows.Columns} FROM schedule_slots WHERE env = $1 ORDER BY due_at, token_name", conn);
            cmd.Parameters.Add(Text(env));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var list = new List<ScheduleSlot>();
            while (await r.ReadAsync(ct))
            {
                list.Add(new ScheduleSlot
                {
                    TokenName = r.GetString(0),
                    Env = r.GetString(1),
                    SlotKey = r.GetString(2),
                    GroupKey = r.GetString(3),
                    Kind = ScheduleRows.ParseKind(r.GetString(4)),
                    DueAt = r.GetFieldValue<DateTimeOffset>(5),
                    ClaimedBy = r.GetString(6),
                    ClaimedAt = r.GetFieldValue<DateTimeOffset>(7),
                    JobId = r.IsDBNull(8) ? null : r.GetGuid(8),
                    ClosedAt = r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
                    Outcome = r.IsDBNull(10) ? null : r.GetString(10),
                });
            }
            return list;
        }, ct);

    private Task SlotUpdateAsync(string sql, NpgsqlParameter[] parameters, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.AddRange(parameters);
            return await cmd.ExecuteNonQueryAsync(ct);
        }, ct);
}
