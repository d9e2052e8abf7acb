using Npgsql;
using Velvet.Core.Ports;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore : IKeyRingStore
{
    /// <inheritdoc/>
    public Task<IReadOnlyList<KeyRingElement>> ListKeyRingElementsAsync(CancellationToken ct) =>
        PgRetry.RunAsync<IReadOnlyList<KeyRingElement>>(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand($"SELECT {KeyRingRows.Columns} FROM key_ring ORDER BY id", conn);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var list = new List<KeyRingElement>();
            while (await r.ReadAsync(ct)) list.Add(ReadKeyRingElement(r));
            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<KeyRingElement> AddKeyRingElementAsync(KeyRingElement element, CancellationToken ct)
    {
        KeyRingRows.Valid(element);
        return PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO key_ring (friendly_name, sealed_element, created_at) VALUES ($1, $2, $3) RETURNING {KeyRingRows.Columns}", conn);
            insert.Parameters.AddRange(new[] { Text(element.FriendlyName), Text(element.SealedElement), Time(element.CreatedAt) });
            await using var r = await insert.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            return ReadKeyRingElement(r);
        }, ct);
    }

    private static KeyRingElement ReadKeyRingElement(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        FriendlyName = r.GetString(1),
        SealedElement = r.GetString(2),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(3),
    };
}
