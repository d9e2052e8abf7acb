namespace Velvet.Dsn;

/// <summary>The shared rules for runtime DSNs: which user names are admin names, which variables are provisioning-only.</summary>
public static class DsnPolicy
{
    /// <summary>
    /// User names a runtime DSN must never log in as: the usual superuser names plus the admin logins of managed
    /// services (RDS, Cloud SQL, Azure, Supabase). Compared case-insensitively.
    /// </summary>
    public static IReadOnlyList<string> DefaultDeniedUsers { get; } =
        ["postgres", "root", "admin", "superuser", "rdsadmin", "cloudsqladmin", "azure_superuser", "supabase_admin"];

    /// <summary>
    /// Provisioning credentials that never belong in a runtime environment. A trailing or embedded <c>*</c>
    /// matches any run of characters; names compare case-insensitively.
    /// </summary>
    public static IReadOnlyList<string> DefaultForbiddenVariables { get; } = ["DATABASE_ROOT_URL", "APP_DB_*", "POSTGRES_ROOT_*"];

    /// <summary>True when <paramref name="user"/> is in <paramref name="deniedUsers"/> (case-insensitive).</summary>
    /// <param name="user">The DSN's user name.</param>
    /// <param name="deniedUsers">The denylist; <see cref="DefaultDeniedUsers"/> when null.</param>
    /// <returns>Whether the user is denylisted.</returns>
    public static bool IsDeniedUser(string? user, IEnumerable<string>? deniedUsers = null) =>
        user is not null && (deniedUsers ?? DefaultDeniedUsers).Contains(user, StringComparer.OrdinalIgnoreCase);

    /// <summary>The first pattern of <paramref name="patterns"/> that <paramref name="name"/> matches, or null.</summary>
    /// <param name="name">A variable name.</param>
    /// <param name="patterns">Names or <c>*</c> patterns, e.g. <c>APP_DB_*</c>.</param>
    /// <returns>The matching pattern, or null.</returns>
    public static string? MatchForbidden(string name, IEnumerable<string> patterns) =>
        patterns.FirstOrDefault(p => Matches(name, p));

    /// <summary>Glob match with <c>*</c> only, case-insensitive.</summary>
    /// <param name="name">The text.</param>
    /// <param name="pattern">The pattern.</param>
    /// <returns>Whether the whole of <paramref name="name"/> matches.</returns>
    public static bool Matches(string name, string pattern)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(pattern);
        var parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return name.Equals(pattern, StringComparison.OrdinalIgnoreCase);
        }

        if (!name.StartsWith(parts[0], StringComparison.OrdinalIgnoreCase) || !name.EndsWith(parts[^1], StringComparison.OrdinalIgnoreCase)
            || name.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }

        var at = parts[0].Length;
        var end = name.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = name.IndexOf(parts[i], at, end - at, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return false;
            }

            at = found + parts[i].Length;
        }

        return true;
    }
}
