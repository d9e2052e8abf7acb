using Velvet.Core.Auth;
using Velvet.Core.Results;

namespace Velvet.Store.Common;

/// <summary>Service-token rules and encodings both backends share.</summary>
internal static class TokenRows
{
    public const string Columns = "token_id, name, secret_hash, scopes, created_by, created_at, revoked_at";

    /// <summary>A malformed token row is a caller bug (the CLI and API validate input first), so it throws.</summary>
    public static void Valid(ServiceToken token, byte[] secretHash)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(secretHash);
        ArgumentException.ThrowIfNullOrWhiteSpace(token.Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(token.CreatedBy);
        if (token.TokenId.Length != 12 || !token.TokenId.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException($"token id '{token.TokenId}' is not 12 lower-case hex digits", nameof(token));
        if (secretHash.Length != 32) throw new ArgumentException($"the secret hash is {secretHash.Length} bytes, expected a SHA-256 (32)", nameof(secretHash));
        if (token.ScopeList.Count == 0) throw new ArgumentException($"token '{token.Name}' has no scopes", nameof(token));
        foreach (var s in token.ScopeList)
        {
            if (!Scopes.All.Contains(s))
                throw new ArgumentException($"token '{token.Name}' has unknown scope '{s}'; allowed: {string.Join(", ", Scopes.All)}", nameof(token));
        }
        if (token.RevokedAt is not null) throw new ArgumentException($"token '{token.Name}' cannot be created revoked", nameof(token));
    }

    /// <summary>Space-separated, de-duplicated, in <see cref="Scopes.All"/> order.</summary>
    public static string EncodeScopes(IReadOnlyList<string> scopes) => string.Join(' ', Scopes.All.Where(scopes.Contains));

    public static IReadOnlyList<string> DecodeScopes(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static Invalid NameTaken(string name) =>
        new($"a service token named '{name}' already exists (revoked tokens keep their name); choose another name", "name");
}
