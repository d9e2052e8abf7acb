using Velvet.Dsn;

namespace Velvet.Database.DsnCheck;

/// <summary>Which role memberships count as admin power for <see cref="RoleInspector"/>.</summary>
public sealed class RoleInspectionOptions
{
    /// <summary>
    /// Built-in and managed-service roles that grant admin-level access: PostgreSQL's predefined data/file roles,
    /// RDS, Cloud SQL, Azure and Supabase admin roles.
    /// </summary>
    public static IReadOnlyList<string> DefaultAdminRoles { get; } =
    [
        "pg_read_all_data", "pg_write_all_data", "pg_read_server_files", "pg_write_server_files", "pg_execute_server_program",
        "rds_superuser", "rds_replication", "cloudsqlsuperuser", "azure_pg_admin", "azure_superuser", "supabase_admin",
    ];

    /// <summary>Admin role names (case-insensitive). Default <see cref="DefaultAdminRoles"/>.</summary>
    public IReadOnlyList<string> AdminRoles { get; init; } = DefaultAdminRoles;

    /// <summary>User names that are admin names (membership in such a role counts). Default <see cref="DsnPolicy.DefaultDeniedUsers"/>.</summary>
    public IReadOnlyList<string> DeniedUsers { get; init; } = DsnPolicy.DefaultDeniedUsers;

    /// <summary>Connect timeout. Default 10 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>True when a membership in <paramref name="role"/> gives admin power.</summary>
    /// <param name="role">The member-of role.</param>
    /// <returns>Whether it counts as an admin membership.</returns>
    public bool IsAdmin(MemberRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return role.Flags.Names().Any()
            || AdminRoles.Contains(role.Name, StringComparer.OrdinalIgnoreCase)
            || DsnPolicy.IsDeniedUser(role.Name, DeniedUsers);
    }
}
