using Npgsql;
using NpgsqlTypes;
using Velvet.Core.Ports;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore : INotificationRetentionStore
{
    /// <inheritdoc/>
    public async Task<NotificationPurgeCount> CountPurgeableNotificationsAsync(RetentionCutoffs cutoffs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        var rows = await ReadListAsync(NotificationRetentionRows.Count("$1", "$2"),
            r => new NotificationPurgeCount((int)r.GetInt64(0), (int)r.GetInt64(1), (int)r.GetInt64(2)), ct,
            Time(cutoffs.DeliveredBefore), Time(cutoffs.FailedBefore)).ConfigureAwait(false);
        return rows[0];
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Runs on the owner connection when the store was opened with one: migration 0007 grants the runtime role no
    /// DELETE on the outbox (retention is the owner's job). Opened with the runtime role alone, PostgreSQL refuses
    /// (unless that role owns the tables, a one-URL setup) and this throws <see cref="NotificationPurgeRefusedException"/>.
    /// </remarks>
    public Task<NotificationPurgeCount> PurgeNotificationsAsync(RetentionCutoffs cutoffs, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return PgRetry.RunAsync(async () =>
        {
            try
            {
                await using var conn = new NpgsqlConnection(_ownerConnectionString);
                await conn.OpenAsync(ct);
                await using var tx = await conn.BeginTransactionAsync(ct);
                var victims = new Dictionary<long, (bool Failed, int Deliveries)>();
                // FOR UPDATE SKIP LOCKED: two replicas purging at once take disjoint events.
                await using (var select = new NpgsqlCommand(NotificationRetentionRows.Batch("$1", "$2", "$3") + " FOR UPDATE OF e SKIP LOCKED", conn, tx))
                {
                    select.Parameters.Add(Time(cutoffs.DeliveredBefore));
                    select.Parameters.Add(Time(cutoffs.FailedBefore));
                    select.Parameters.Add(P(limit));
                    await using var r = await select.ExecuteReaderAsync(ct);
                    while (await r.ReadAsync(ct)) victims[r.GetInt64(0)] = (r.GetInt32(1) == 1, (int)r.GetInt64(2));
                }
                if (victims.Count == 0) return NotificationPurgeCount.Zero;
                // Deliveries go with their event (ON DELETE CASCADE).
                await using (var delete = new NpgsqlCommand("DELETE FROM notification_events WHERE id = ANY($1)", conn, tx))
                {
                    delete.Parameters.Add(new NpgsqlParameter { Value = victims.Keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                    await delete.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                return new NotificationPurgeCount(victims.Values.Count(v => !v.Failed), victims.Values.Count(v => v.Failed), victims.Values.Sum(v => v.Deliveries));
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new NotificationPurgeRefusedException(
                    $"PostgreSQL refused to delete notification rows ({ex.SqlState}: {ex.MessageText}): the runtime role is granted no DELETE on the outbox; " +
                    "apply the migrations (velvet migrate: 0011 grants it), or purge with the owner's connection: velvet notifications purge --owner-url URL", ex);
            }
        }, ct);
    }
}
