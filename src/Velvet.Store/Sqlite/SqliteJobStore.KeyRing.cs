using Microsoft.Data.Sqlite;
using Velvet.Core.Ports;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

public sealed partial class SqliteJobStore : IKeyRingStore
{
    /// <inheritdoc/>
    public Task<IReadOnlyList<KeyRingElement>> ListKeyRingElementsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<KeyRingElement>>(Query(
            $"SELECT {KeyRingRows.Columns} FROM key_ring ORDER BY id", _ => { }, ReadKeyRingElement, ct));

    /// <inheritdoc/>
    public Task<KeyRingElement> AddKeyRingElementAsync(KeyRingElement element, CancellationToken ct)
    {
        KeyRingRows.Valid(element);
        return WriteAsync((w, tx) =>
        {
            using var insert = w.Create(tx,
                "INSERT INTO key_ring (friendly_name, sealed_element, created_at) VALUES ($name, $sealed, $at) RETURNING id");
            insert.Parameters.AddWithValue("$name", element.FriendlyName);
            insert.Parameters.AddWithValue("$sealed", element.SealedElement);
            insert.Parameters.AddWithValue("$at", Time(element.CreatedAt));
            return element with { Id = (long)insert.ExecuteScalar()! };
        }, ct);
    }

    private static KeyRingElement ReadKeyRingElement(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        FriendlyName = r.GetString(1),
        SealedElement = r.GetString(2),
        CreatedAt = ParseTime(r.GetString(3)),
    };
}
