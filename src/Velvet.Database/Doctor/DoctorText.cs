using System.Text.RegularExpressions;

namespace Velvet.Database.Doctor;

/// <summary>Names as SQL a person can paste, and the table-name globs of the options.</summary>
internal static partial class DoctorText
{
    /// <summary><c>schema.table</c>, each part quoted only when it needs to be.</summary>
    public static string Qualified(string schema, string name) => Ident(schema) + "." + Ident(name);

    public static string Ident(string name) => Plain().IsMatch(name) ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>True when <paramref name="pattern"/> (a name or glob, optionally <c>schema.</c>-qualified) matches the table.</summary>
    public static bool Matches(string pattern, string schema, string name)
    {
        var dot = pattern.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0 && !Glob(pattern[..dot], schema)) return false;
        return Glob(dot >= 0 ? pattern[(dot + 1)..] : pattern, name);
    }

    public static bool MatchesAny(IEnumerable<string> patterns, string schema, string name) => patterns.Any(p => Matches(p, schema, name));

    /// <summary>At most <paramref name="max"/> items, then "and N more".</summary>
    public static string List(IReadOnlyCollection<string> items, int max = 20) =>
        items.Count <= max ? string.Join(", ", items) : string.Join(", ", items.Take(max)) + $", and {items.Count - max} more";

    private static bool Glob(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex Plain();
}
