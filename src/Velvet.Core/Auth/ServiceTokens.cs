using System.Security.Cryptography;
using System.Text;
using Velvet.Core.Results;

namespace Velvet.Core.Auth;

/// <summary>What a service token may do (SPEC §5).</summary>
public static class Scopes
{
    public const string Read = "read";
    public const string Rotate = "rotate";
    public const string Revoke = "revoke";
    public const string Admin = "admin";
    public static IReadOnlyList<string> All { get; } = [Read, Rotate, Revoke, Admin];

    /// <summary>admin implies every scope; rotate and revoke imply read.</summary>
    public static bool Grants(IReadOnlyCollection<string> held, string wanted) =>
        held.Contains(Admin) || held.Contains(wanted) || wanted == Read && (held.Contains(Rotate) || held.Contains(Revoke));
}

/// <summary>A stored service token: never the token itself, only its id and a hash of its secret part.</summary>
public sealed record ServiceToken
{
    public required string Name { get; init; }
    /// <summary>Public, non-secret id embedded in the token (<c>vlt_&lt;id&gt;_…</c>), used to find the row.</summary>
    public required string TokenId { get; init; }
    public required IReadOnlyList<string> ScopeList { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>Persistence of service tokens (the authz table).</summary>
public interface IServiceTokenStore
{
    /// <summary>Stores a new token; a name already in use (revoked or not) → <see cref="Invalid"/> naming it.</summary>
    Task<Result<ServiceToken>> CreateTokenAsync(ServiceToken token, byte[] secretHash, CancellationToken ct);

    /// <summary>The token row and its secret hash by token id, revoked or not; null when unknown.</summary>
    Task<(ServiceToken Token, byte[] SecretHash)?> FindTokenAsync(string tokenId, CancellationToken ct);

    Task<IReadOnlyList<ServiceToken>> ListTokensAsync(CancellationToken ct);

    /// <summary>Marks the named token revoked; false when no such (unrevoked) token.</summary>
    Task<bool> RevokeTokenAsync(string name, DateTimeOffset at, CancellationToken ct);
}

/// <summary>Token format, generation and verification: <c>vlt_&lt;12 hex id&gt;_&lt;43 base64url secret&gt;</c>.</summary>
public static class ServiceTokenFormat
{
    public const string Prefix = "vlt_";

    /// <summary>A new token (shown once) and what to store about it.</summary>
    public static (string Token, string TokenId, byte[] SecretHash) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return ($"{Prefix}{id}_{secret}", id, Hash(secret));
    }

    /// <summary>Splits a presented token; false for anything not shaped like one.</summary>
    public static bool TryParse(string? presented, out string tokenId, out string secret)
    {
        tokenId = secret = "";
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var rest = presented.AsSpan(Prefix.Length);
        var sep = rest.IndexOf('_');
        if (sep != 12 || rest.Length - sep - 1 < 32) return false;
        tokenId = rest[..sep].ToString();
        secret = rest[(sep + 1)..].ToString();
        return true;
    }

    /// <summary>SHA-256 of the secret part: the token has 256 bits of entropy, so a fast hash is enough.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Constant-time comparison of a presented secret with the stored hash.</summary>
    public static bool Matches(string secret, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
