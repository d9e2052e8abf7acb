using Npgsql;
using Velvet.Core.Auth;
using Velvet.Core.Results;
using Velvet.Store.Common;
using static Velvet.Store.Postgres.PgValues;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore
{
    /// <inheritdoc/>
    public Task<Result<ServiceToken>> CreateTokenAsync(ServiceToken token, byte[] secretHash, CancellationToken ct)
    {
        TokenRows.Valid(token, secretHash);
        return PgRetry.RunAsync(async () =>
        {
            // ON CONFLICT (name) DO NOTHING waits for a concurrent creator of the same name, then skips: exactly one
            // wins and the others see "no row", never a 23505. A revoked token still holds its name.
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO service_tokens ({TokenRows.Columns}) VALUES ($1, $2, $3, $4, $5, $6, NULL) " +
                $"ON CONFLICT (name) DO NOTHING RETURNING {TokenRows.Columns}", conn);
            insert.Parameters.AddRange(new[] {
                Text(token.TokenId), Text(token.Name), P(secretHash), Text(TokenRows.EncodeScopes(token.ScopeList)),
                Text(token.CreatedBy), Time(token.CreatedAt),
            });
            await using var r = await insert.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) ? Result<ServiceToken>.Ok(ReadToken(r).Token) : Result<ServiceToken>.Fail(TokenRows.NameTaken(token.Name));
        }, ct);
    }

    /// <inheritdoc/>
    public async Task<(ServiceToken Token, byte[] SecretHash)?> FindTokenAsync(string tokenId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        return await PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand($"SELECT {TokenRows.Columns} FROM service_tokens WHERE token_id = $1", conn);
            cmd.Parameters.Add(Text(tokenId));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) ? ReadToken(r) : ((ServiceToken, byte[])?)null;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ServiceToken>> ListTokensAsync(CancellationToken ct) =>
        PgRetry.RunAsync<IReadOnlyList<ServiceToken>>(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand($"SELECT {TokenRows.Columns} FROM service_tokens ORDER BY created_at, name", conn);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var list = new List<ServiceToken>();
            while (await r.ReadAsync(ct)) list.Add(ReadToken(r).Token);
            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> RevokeTokenAsync(string name, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        // Idempotent under retry: a revoke whose commit we did not see finds the row revoked and reports false.
        return PgRetry.RunAsync(async () =>
        {
            await using var conn = await _data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand("UPDATE service_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL", conn);
            cmd.Parameters.AddRange(new[] { Time(at), Text(name) });
            return await cmd.ExecuteNonQueryAsync(ct) == 1;
        }, ct);
    }

    private static (ServiceToken Token, byte[] SecretHash) ReadToken(NpgsqlDataReader r) => (new ServiceToken
    {
        TokenId = r.GetString(0),
        Name = r.GetString(1),
        ScopeList = TokenRows.DecodeScopes(r.GetString(3)),
        CreatedBy = r.GetString(4),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(5),
        RevokedAt = r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
    }, r.GetFieldValue<byte[]>(2));
}
