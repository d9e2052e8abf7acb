using System.Text.RegularExpressions;

namespace Velvet.Database.Roles;

/// <summary>
/// Names and literals spliced into role DDL, which takes no parameters. Role names Velvet manages are checked
/// against <see cref="IsRoleName"/> first and always quoted, so their case is kept and nothing can be injected.
/// </summary>
public static partial class PgText
{
    /// <summary>What a managed role name may look like: a letter or '_', then letters, digits or '_', at most 63.</summary>
    public const string RoleNameRule = "a letter or '_' followed by letters, digits or '_' (at most 63 characters)";

    public static bool IsRoleName(string? name) => name is not null && RoleName().IsMatch(name);

    /// <summary>A double-quoted identifier.</summary>
    public static string Ident(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A standard-conforming string literal.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex RoleName();
}
