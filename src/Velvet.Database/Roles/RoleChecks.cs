namespace Velvet.Database.Roles;

/// <summary>
/// What must hold before Velvet touches a layout's roles, each problem with its fix: the admin may manage roles and
/// end sessions, the roles exist in the expected shape, and exactly one login is active.
/// </summary>
public static class RoleChecks
{
    /// <summary>The admin's missing rights, or null.</summary>
    public static string? Admin(RoleTarget target, RoleSnapshot snapshot)
    {
        var admin = snapshot.Admin;
        var role = target.Layout.Role;
        if (admin.IsSuperuser) return null;
        var host = target.Admin.Host;
        if (admin.RdsPasswordExists && !admin.InRdsPassword)
            return ManagedServiceErrors.RdsPassword(target.Provider, host, admin.User, role).ToString();
        if (!admin.CanCreateRole)
            return ManagedServiceErrors.CreateRoleMissing(ManagedServiceErrors.Resolve(target.Provider, host), null, admin.User, role, target.AdminSource).ToString();
        var loginsWithoutPrivileges = target.Layout.Logins.Where(l => snapshot.Find(l) is { AdminHasPrivileges: false }).ToList();
        if (!admin.CanSignalBackends && loginsWithoutPrivileges.Count > 0)
            return ManagedServiceErrors.SignalBackend(admin.User, string.Join(", ", loginsWithoutPrivileges)).ToString();
        return null;
    }

    /// <summary>Missing or misshapen roles, or null.</summary>
    public static string? Layout(RoleTarget target, RoleSnapshot snapshot)
    {
        var layout = target.Layout;
        var provision = ProvisionCommand(layout);
        var missing = layout.Logins.Append(layout.Role).Distinct(StringComparer.Ordinal).Where(r => snapshot.Find(r) is null).ToList();
        if (missing.Count > 0)
            return $"role {string.Join(" and ", missing)} does not exist. Fix: create the roles with: {provision}";
        foreach (var login in layout.Logins)
        {
            var info = snapshot.Find(login)!;
            if (info.IsSuperuser || info.BypassRls)
                return $"{login} is {(info.IsSuperuser ? "a superuser" : "BYPASSRLS")}: an app role must never be. Fix: as a superuser: ALTER ROLE {PgText.Ident(login)} NOSUPERUSER NOBYPASSRLS;";
        }
        if (layout.Mode == RoleMode.InPlace) return null;
        var group = snapshot.Find(layout.Role)!;
        if (group.CanLogin)
            return $"group role {layout.Role} can log in; it must be NOLOGIN (it holds the grants, the two logins log in). Fix: ALTER ROLE {PgText.Ident(layout.Role)} NOLOGIN;";
        var outside = layout.Logins.Where(l => !snapshot.Find(l)!.MemberOf.Contains(layout.Role, StringComparer.Ordinal)).ToList();
        if (outside.Count > 0)
            return $"{string.Join(" and ", outside)} {(outside.Count == 1 ? "is" : "are")} not in group {layout.Role}, so {(outside.Count == 1 ? "it lacks" : "they lack")} its grants. Fix: " +
                string.Join(" ", outside.Select(l => $"GRANT {PgText.Ident(layout.Role)} TO {PgText.Ident(l)};"));
        return null;
    }

    /// <summary>The login the consumers use now, or why it cannot be told.</summary>
    /// <param name="target">The credential's roles.</param>
    /// <param name="snapshot">The catalog now.</param>
    /// <param name="currentUser">The user of the current URL, when Velvet has it (tells two enabled logins apart).</param>
    public static (string? Login, string? Problem) Active(RoleTarget target, RoleSnapshot snapshot, string? currentUser)
    {
        var layout = target.Layout;
        var restore = ProvisionCommand(layout) + " --reset-password";
        if (layout.Mode == RoleMode.InPlace)
        {
            var info = snapshot.Find(layout.Role)!;
            if (!info.CanLogin)
                return (null, $"{layout.Role} cannot log in (NOLOGIN){Revoked(info)}. Fix: restore it with: {restore}");
            return (layout.Role, null);
        }
        var enabled = snapshot.Enabled(layout);
        switch (enabled.Count)
        {
            case 1:
                return (enabled[0].Name, null);
            case 0:
                return (null, $"neither {layout.Logins[0]} nor {layout.Logins[1]} can log in{Revoked(snapshot.Find(layout.Logins[0])!)}. Fix: enable one with: {restore}");
        }
        if (currentUser is not null && layout.Logins.Contains(currentUser, StringComparer.Ordinal))
            return (currentUser, null);
        return (null, $"both {layout.Logins[0]} and {layout.Logins[1]} can log in: an earlier rotation stopped between mint and revoke. " +
            "Fix: finish or abort that job (velvet jobs list), or give Velvet the current URL so it knows which login the consumers use, " +
            $"or disable the login no consumer uses: ALTER ROLE <login> NOLOGIN;");
    }

    /// <summary>The provision command for a layout (the password goes to a file, never the terminal).</summary>
    public static string ProvisionCommand(RoleLayout layout) => layout.Mode == RoleMode.InPlace
        ? $"velvet db provision --role {layout.Role} --write-env-file PATH --env-key NAME"
        : $"velvet db provision --mode alternating --role {layout.Role} --login-roles {layout.Logins[0]},{layout.Logins[1]} --write-env-file PATH --env-key NAME";

    private static string Revoked(RoleInfo info) =>
        info.Marker is { Kind: RoleMarkKind.Revoked } m ? $"; Velvet revoked it ({m.Tag} at {m.At:u})" : "";
}
