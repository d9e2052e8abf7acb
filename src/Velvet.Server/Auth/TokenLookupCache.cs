using System.Collections.Concurrent;
using Velvet.Core.Auth;

namespace Velvet.Server.Auth;

/// <summary>
/// Remembers token rows for <see cref="ServerServices.TokenCacheTtl"/> so an authenticated request does not cost a
/// database round trip each time. The price: a revocation made elsewhere takes effect within that TTL (default 5 s).
/// The secret is still compared (constant time) on every request; only the row is cached.
/// </summary>
public sealed class TokenLookupCache(IServiceTokenStore tokens, ServerServices services)
{
    private readonly ConcurrentDictionary<string, (ServiceToken Token, byte[] Hash, DateTimeOffset Until)?> _rows = new(StringComparer.Ordinal);

    public async Task<(ServiceToken Token, byte[] SecretHash)?> FindAsync(string tokenId, CancellationToken ct)
    {
        var now = services.Time.GetUtcNow();
        if (services.TokenCacheTtl > TimeSpan.Zero && _rows.TryGetValue(tokenId, out var hit) && hit is { } h && h.Until > now)
            return (h.Token, h.Hash);
        var found = await tokens.FindTokenAsync(tokenId, ct).ConfigureAwait(false);
        // Unknown ids are not cached: a flood of garbage ids must not grow memory.
        if (found is { } f && services.TokenCacheTtl > TimeSpan.Zero)
        {
            if (_rows.Count > 10_000) _rows.Clear();
            _rows[tokenId] = (f.Token, f.SecretHash, now + services.TokenCacheTtl);
        }
        return found;
    }
}
