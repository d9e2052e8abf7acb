using Microsoft.Data.Sqlite;
using Velvet.Core.Auth;
using Velvet.Core.Results;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

public sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    public Task<Result<ServiceToken>> CreateTokenAsync(ServiceToken token, byte[] secretHash, CancellationToken ct)
    {
        TokenRows.Valid(token, secretHash);
        return WriteAsync((w, tx) =>
        {
            // The UNIQUE index on name decides; a second writer (another process) waits on the file lock, then skips.
            using var insert = w.Create(tx,
                $"INSERT INTO service_tokens ({TokenRows.Columns}) VALUES ($id, $name, $hash, $scopes, $by, $at, NULL) " +
                "ON CONFLICT (name) DO NOTHING");
            insert.Parameters.AddWithValue("$id", token.TokenId);
            insert.Parameters.AddWithValue("$name", token.Name);
            insert.Parameters.AddWithValue("$hash", secretHash);
            insert.Parameters.AddWithValue("$scopes", TokenRows.EncodeScopes(token.ScopeList));
            insert.Parameters.AddWithValue("$by", token.CreatedBy);
            insert.Parameters.AddWithValue("$at", Time(token.CreatedAt));
            if (insert.ExecuteNonQuery() == 0) return Result<ServiceToken>.Fail(TokenRows.NameTaken(token.Name));
            using var select = w.Create(tx, $"SELECT {TokenRows.Columns} FROM service_tokens WHERE token_id = $id");
            select.Parameters.AddWithValue("$id", token.TokenId);
            using var r = select.ExecuteReader();
            return r.Read() ? Result<ServiceToken>.Ok(ReadToken(r).Token)
                : throw new InvalidOperationException($"token {token.TokenId} vanished inside its own create transaction");
        }, ct);
    }

    /// <inheritdoc/>
    public Task<(ServiceToken Token, byte[] SecretHash)?> FindTokenAsync(string tokenId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        var found = Query($"SELECT {TokenRows.Columns} FROM service_tokens WHERE token_id = $id",
            c => c.Parameters.AddWithValue("$id", tokenId), ReadToken, ct);
        return Task.FromResult<(ServiceToken, byte[])?>(found.Count == 0 ? null : found[0]);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ServiceToken>> ListTokensAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ServiceToken>>(Query(
            $"SELECT {TokenRows.Columns} FROM service_tokens ORDER BY created_at, name", _ => { }, r => ReadToken(r).Token, ct));

    /// <inheritdoc/>
    public Task<bool> RevokeTokenAsync(string name, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        return WriteAsync((w, tx) =>
        {
            using var update = w.Create(tx, "UPDATE service_tokens SET revoked_at = $at WHERE name = $name AND revoked_at IS NULL");
            update.Parameters.AddWithValue("$at", Time(at));
            update.Parameters.AddWithValue("$name", name);
            return update.ExecuteNonQuery() == 1;
        }, ct);
    }

    private static (ServiceToken Token, byte[] SecretHash) ReadToken(SqliteDataReader r) => (new ServiceToken
    {
        TokenId = r.GetString(0),
        Name = r.GetString(1),
        ScopeList = TokenRows.DecodeScopes(r.GetString(3)),
        CreatedBy = r.GetString(4),
        CreatedAt = ParseTime(r.GetString(5)),
        RevokedAt = r.IsDBNull(6) ? null : ParseTime(r.GetString(6)),
    }, (byte[])r.GetValue(2));
}
