using Npgsql;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Core.Results;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore : IConsoleUserStore
{
    /// <inheritdoc/>
    public Task<Result<ConsoleUser>> CreateConsoleUserAsync(ConsoleUser user, string passwordHash, CancellationToken ct)
    {
        ConsoleUserRows.Valid(user, passwordHash);
        return PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO console_users ({ConsoleUserRows.Columns}) VALUES ($1, $2, $3, $4, $5, 0, NULL, NULL) " +
                $"ON CONFLICT (name) DO NOTHING RETURNING {ConsoleUserRows.Columns}", conn);
            insert.Parameters.AddRange(new[] { Text(user.Name), Text(user.Role.Name()), Text(passwordHash), Text(user.CreatedBy), Time(user.CreatedAt) });
            await using var r = await insert.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) ? Result<ConsoleUser>.Ok(ReadConsoleUser(r).User) : Result<ConsoleUser>.Fail(ConsoleUserRows.NameTaken(user.Name));
        }, ct);
    }

    /// <inheritdoc/>
    public async Task<(ConsoleUser User, string PasswordHash)?> FindConsoleUserAsync(string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = await QueryConsoleUsersAsync($"SELECT {ConsoleUserRows.Columns} FROM console_users WHERE name = $1", Text(name), ct);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ConsoleUser>> ListConsoleUsersAsync(CancellationToken ct) =>
        (await QueryConsoleUsersAsync($"SELECT {ConsoleUserRows.Columns} FROM console_users ORDER BY name", null, ct)).Select(x => x.User).ToList();

    /// <inheritdoc/>
    public Task<int> RecordFailedSignInAsync(string name, DateTimeOffset at, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand("UPDATE console_users SET failed_sign_ins = failed_sign_ins + 1 WHERE name = $1 RETURNING failed_sign_ins", conn);
            cmd.Parameters.Add(Text(name));
            return await cmd.ExecuteScalarAsync(ct) is int n ? n : 0;
        }, ct);

    /// <inheritdoc/>
    public Task LockConsoleUserAsync(string name, DateTimeOffset until, CancellationToken ct) =>
        SetSignInStateAsync(name, "locked_until = $2", until, ct);

    /// <inheritdoc/>
    public Task RecordSignInAsync(string name, DateTimeOffset at, CancellationToken ct) =>
        SetSignInStateAsync(name, "failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = $2", at, ct);

    /// <inheritdoc/>
    public Task<bool> DeleteConsoleUserAsync(string name, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand("DELETE FROM console_users WHERE name = $1", conn);
            cmd.Parameters.Add(Text(name));
            return await cmd.ExecuteNonQueryAsync(ct) == 1;
        }, ct);

    private Task<int> SetSignInStateAsync(string name, string set, DateTimeOffset at, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand($"UPDATE console_users SET {set} WHERE name = $1", conn);
            cmd.Parameters.AddRange(new[] { Text(name), Time(at) });
            return await cmd.ExecuteNonQueryAsync(ct);
        }, ct);

    private Task<List<(ConsoleUser User, string PasswordHash)>> QueryConsoleUsersAsync(string sql, NpgsqlParameter? p, CancellationToken ct) =>
        PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand(sql, conn);
            if (p is not null) cmd.Parameters.Add(p);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var list = new List<(ConsoleUser, string)>();
            while (await r.ReadAsync(ct)) list.Add(ReadConsoleUser(r));
            return list;
        }, ct);

    private static (ConsoleUser User, string PasswordHash) ReadConsoleUser(NpgsqlDataReader r) => (new ConsoleUser
    {
        Name = r.GetString(0),
        Role = ConsoleUserRows.Role(r.GetString(1)),
        CreatedBy = r.GetString(3),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(4),
        FailedSignIns = r.GetInt32(5),
        LockedUntil = r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
        LastSignInAt = r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7),
    }, r.GetString(2));
}
