namespace Velvet.Database.Roles;

/// <summary>How an app credential maps to database roles.</summary>
public enum RoleMode
{
    /// <summary>One login role; a rotation sets its new password and the old one stops working at once (the seeds' way).</summary>
    InPlace = 0,
    /// <summary>
    /// A NOLOGIN group role holding every grant and two login roles in it; a rotation re-keys the inactive login,
    /// consumers move to it, then the old login is disabled: no moment without a working URL.
    /// </summary>
    Alternating = 1,
}

/// <summary>The roles of one app credential. For <see cref="RoleMode.Alternating"/>, <see cref="Role"/> is the group.</summary>
public sealed record RoleLayout
{
    private RoleLayout(RoleMode mode, string role, IReadOnlyList<string> logins)
    {
        Mode = mode;
        Role = role;
        Logins = logins;
    }

    public RoleMode Mode { get; }

    /// <summary>In place: the login role. Alternating: the NOLOGIN group role that holds the grants.</summary>
    public string Role { get; }

    /// <summary>The roles a URL may log in as: the role itself in place, the two alternating logins otherwise.</summary>
    public IReadOnlyList<string> Logins { get; }

    public static string ModeName(RoleMode mode) => mode == RoleMode.Alternating ? "alternating" : "in_place";

    public static RoleMode? ParseMode(string? text) => text switch
    {
        null or "in_place" => RoleMode.InPlace,
        "alternating" => RoleMode.Alternating,
        _ => null,
    };

    public static RoleLayout InPlace(string role)
    {
        Check(role, "role");
        return new RoleLayout(RoleMode.InPlace, role, [role]);
    }

    /// <summary>Logins default to <c>&lt;group&gt;_a</c> and <c>&lt;group&gt;_b</c>.</summary>
    public static RoleLayout Alternating(string group, string? loginA = null, string? loginB = null)
    {
        Check(group, "role");
        loginA ??= DefaultLogin(group, 'a');
        loginB ??= DefaultLogin(group, 'b');
        Check(loginA, "login role");
        Check(loginB, "login role");
        if (string.Equals(loginA, loginB, StringComparison.Ordinal))
            throw new ArgumentException($"the two login roles must differ; both are '{loginA}'");
        if (string.Equals(loginA, group, StringComparison.Ordinal) || string.Equals(loginB, group, StringComparison.Ordinal))
            throw new ArgumentException($"a login role cannot be the group role '{group}' itself");
        return new RoleLayout(RoleMode.Alternating, group, [loginA, loginB]);
    }

    /// <summary>The default login name for a group, shortened so it stays within PostgreSQL's 63-byte names.</summary>
    public static string DefaultLogin(string group, char suffix) => (group.Length > 61 ? group[..61] : group) + "_" + suffix;

    /// <summary>The other alternating login.</summary>
    public string Other(string login) =>
        Mode != RoleMode.Alternating ? Role
        : string.Equals(login, Logins[0], StringComparison.Ordinal) ? Logins[1] : Logins[0];

    public string Describe() => Mode == RoleMode.InPlace
        ? $"in_place role {Role}"
        : $"alternating logins {Logins[0]}/{Logins[1]} in group {Role}";

    private static void Check(string name, string what)
    {
        if (!PgText.IsRoleName(name))
            throw new ArgumentException($"{what} '{name}' is not a role name Velvet manages: use {PgText.RoleNameRule}");
    }
}
