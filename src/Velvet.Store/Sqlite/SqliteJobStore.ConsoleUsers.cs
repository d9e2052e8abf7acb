using Microsoft.Data.Sqlite;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Core.Results;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

public sealed partial class SqliteJobStore : IConsoleUserStore
{
    /// <inheritdoc/>
    public Task<Result<ConsoleUser>> CreateConsoleUserAsync(ConsoleUser user, string passwordHash, CancellationToken ct)
    {
        ConsoleUserRows.Valid(user, passwordHash);
        return WriteAsync((w, tx) =>
        {
            using var insert = w.Create(tx,
                $"INSERT INTO console_users ({ConsoleUserRows.Columns}) VALUES ($name, $role, $hash, $by, $at, 0, NULL, NULL) " +
                "ON CONFLICT (name) DO NOTHING");
            insert.Parameters.AddWithValue("$name", user.Name);
            insert.Parameters.AddWithValue("$role", user.Role.Name());
            insert.Parameters.AddWithValue("$hash", passwordHash);
            insert.Parameters.AddWithValue("$by", user.CreatedBy);
            insert.Parameters.AddWithValue("$at", Time(user.CreatedAt));
            return insert.ExecuteNonQuery() == 0
                ? Result<ConsoleUser>.Fail(ConsoleUserRows.NameTaken(user.Name))
                : Result<ConsoleUser>.Ok(user with { FailedSignIns = 0, LockedUntil = null, LastSignInAt = null });
        }, ct);
    }

    /// <inheritdoc/>
    public Task<(ConsoleUser User, string PasswordHash)?> FindConsoleUserAsync(string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = Query($"SELECT {ConsoleUserRows.Columns} FROM console_users WHERE name = $name",
            c => c.Parameters.AddWithValue("$name", name), ReadConsoleUser, ct);
        return Task.FromResult<(ConsoleUser, string)?>(found.Count == 0 ? null : found[0]);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ConsoleUser>> ListConsoleUsersAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ConsoleUser>>(Query(
            $"SELECT {ConsoleUserRows.Columns} FROM console_users ORDER BY name", _ => { }, r => ReadConsoleUser(r).User, ct));

    /// <inheritdoc/>
    public Task<int> RecordFailedSignInAsync(string name, DateTimeOffset at, CancellationToken ct) => WriteAsync((w, tx) =>
    {
        using var update = w.Create(tx, "UPDATE console_users SET failed_sign_ins = failed_sign_ins + 1 WHERE name = $name RETURNING failed_sign_ins");
        update.Parameters.AddWithValue("$name", name);
        return update.ExecuteScalar() is long n ? (int)n : 0;
    }, ct);

    /// <inheritdoc/>
    public Task LockConsoleUserAsync(string name, DateTimeOffset until, CancellationToken ct) =>
        SetSignInState(name, "locked_until = $at", until, ct);

    /// <inheritdoc/>
    public Task RecordSignInAsync(string name, DateTimeOffset at, CancellationToken ct) =>
        SetSignInState(name, "failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = $at", at, ct);

    /// <inheritdoc/>
    public Task<bool> DeleteConsoleUserAsync(string name, CancellationToken ct) => WriteAsync((w, tx) =>
    {
        using var delete = w.Create(tx, "DELETE FROM console_users WHERE name = $name");
        delete.Parameters.AddWithValue("$name", name);
        return delete.ExecuteNonQuery() == 1;
    }, ct);

    private Task<int> SetSignInState(string name, string set, DateTimeOffset at, CancellationToken ct) => WriteAsync((w, tx) =>
    {
        using var update = w.Create(tx, $"UPDATE console_users SET {set} WHERE name = $name");
        update.Parameters.AddWithValue("$name", name);
        update.Parameters.AddWithValue("$at", Time(at));
        return update.ExecuteNonQuery();
    }, ct);

    private static (ConsoleUser User, string PasswordHash) ReadConsoleUser(SqliteDataReader r) => (new ConsoleUser
    {
        Name = r.GetString(0),
        Role = ConsoleUserRows.Role(r.GetString(1)),
        CreatedBy = r.GetString(3),
        CreatedAt = ParseTime(r.GetString(4)),
        FailedSignIns = r.GetInt32(5),
        LockedUntil = r.IsDBNull(6) ? null : ParseTime(r.GetString(6)),
        LastSignInAt = r.IsDBNull(7) ? null : ParseTime(r.GetString(7)),
    }, r.GetString(2));
}
