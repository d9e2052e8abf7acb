using Velvet.Core.Manifest;

namespace Velvet.Core.Schedules;

/// <summary>
/// Which credentials must never rotate together: those linked by <c>related_to</c> (either direction, transitively), and
/// PostgreSQL role credentials of the same database (same admin URL source), whose alternating logins share one server.
/// Each group's key is its smallest token name.
/// </summary>
public static class Pairing
{
    /// <summary>Token name → group key, for every credential of the manifest.</summary>
    public static IReadOnlyDictionary<string, string> Groups(VelvetManifest manifest)
    {
        var parent = manifest.Credentials.ToDictionary(c => c.TokenName, c => c.TokenName, StringComparer.Ordinal);
        string Find(string x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        void Join(string a, string b)
        {
            if (!parent.ContainsKey(a) || !parent.ContainsKey(b)) return;
            var (ra, rb) = (Find(a), Find(b));
            if (ra == rb) return;
            if (string.CompareOrdinal(ra, rb) < 0) parent[rb] = ra;
            else parent[ra] = rb;
        }
        foreach (var c in manifest.Credentials)
            foreach (var r in c.RelatedTo) Join(c.TokenName, r);
        foreach (var same in manifest.Credentials.Where(c => DatabaseKey(c) is not null).GroupBy(c => (c.Env, DatabaseKey(c))))
        {
            var first = same.First().TokenName;
            foreach (var other in same.Skip(1)) Join(first, other.TokenName);
        }
        return manifest.Credentials.ToDictionary(c => c.TokenName, c => Find(c.TokenName), StringComparer.Ordinal);
    }

    /// <summary>The other members of <paramref name="tokenName"/>'s group.</summary>
    public static IReadOnlyList<string> PairedWith(IReadOnlyDictionary<string, string> groups, string tokenName) =>
        groups.TryGetValue(tokenName, out var g)
            ? groups.Where(kv => kv.Value == g && kv.Key != tokenName).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList()
            : [];

    private static string? DatabaseKey(CredentialSpec c) => c.Vendor.Kind switch
    {
        "postgres-role" => "pg:" + (c.Vendor.Setting("admin_url_secret") ?? c.Vendor.Setting("admin_url_env") ?? "DATABASE_ROOT_URL"),
        "heroku-postgres" => "hpg:" + c.Vendor.Setting("addon"),
        _ => null,
    };
}
