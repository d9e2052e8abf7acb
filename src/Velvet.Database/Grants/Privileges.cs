namespace Velvet.Database.Grants;

/// <summary>Privilege names as aclexplode() and GRANT spell them, in one canonical order for stable output.</summary>
public static class Privileges
{
    /// <summary>The DML a policy may grant on tables.</summary>
    public static readonly IReadOnlyList<string> TableDml = ["SELECT", "INSERT", "UPDATE", "DELETE"];

    /// <summary>What an append-only table gets: read and add, never change or remove.</summary>
    public static readonly IReadOnlyList<string> AppendOnly = ["SELECT", "INSERT"];

    /// <summary>What a policy may grant on sequences. USAGE alone allows nextval and currval.</summary>
    public static readonly IReadOnlyList<string> Sequence = ["USAGE", "SELECT", "UPDATE"];

    private static readonly string[] Order =
        ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN", "USAGE", "CREATE"];

    /// <summary>Sorts privileges into the canonical order (unknown names last, alphabetically).</summary>
    public static IReadOnlyList<string> Sorted(IEnumerable<string> privileges) =>
        privileges.Distinct(StringComparer.Ordinal)
            .OrderBy(p => Array.IndexOf(Order, p) is var i && i < 0 ? int.MaxValue : i)
            .ThenBy(p => p, StringComparer.Ordinal)
            .ToList();

    /// <summary>Position of a privilege in the canonical order (for sorting drift lines).</summary>
    public static int Rank(string privilege) => Array.IndexOf(Order, privilege) is var i && i < 0 ? Order.Length : i;
}
