using Npgsql;

namespace Velvet.Database.Roles;

/// <summary>One role as the catalog shows it.</summary>
public sealed record RoleInfo(
    string Name, bool CanLogin, bool IsSuperuser, bool BypassRls, RoleMarker? Marker, IReadOnlyList<string> MemberOf, bool AdminHasPrivileges);

/// <summary>What the admin connection may do.</summary>
public sealed record AdminInfo(string User, bool IsSuperuser, bool CanCreateRole, bool CanSignalBackends, bool RdsPasswordExists, bool InRdsPassword)
{
    /// <summary>May set passwords and LOGIN on non-superuser roles (on RDS, also needs rds_password).</summary>
    public bool CanManageRoles => IsSuperuser || (CanCreateRole && (!RdsPasswordExists || InRdsPassword));
}

/// <summary>The admin and the layout's roles at one moment.</summary>
public sealed record RoleSnapshot(AdminInfo Admin, IReadOnlyDictionary<string, RoleInfo> Roles)
{
    public RoleInfo? Find(string name) => Roles.GetValueOrDefault(name);

    /// <summary>The logins of the layout that can log in now.</summary>
    public IReadOnlyList<RoleInfo> Enabled(RoleLayout layout) => layout.Logins.Select(Find).Where(r => r is { CanLogin: true }).Select(r => r!).ToList();
}

/// <summary>Catalog reads for role management (pg_roles, pg_auth_members, role comments). Reads only.</summary>
public static class RoleInspector
{
    public static async Task<RoleSnapshot> ReadAsync(NpgsqlConnection conn, RoleLayout layout, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        var admin = await AdminAsync(conn, ct, tx).ConfigureAwait(false);
        var names = layout.Logins.Append(layout.Role).Distinct(StringComparer.Ordinal).ToArray();
        var roles = new Dictionary<string, RoleInfo>(StringComparer.Ordinal);
        const string sql = """
            SELECT r.rolname, r.rolcanlogin, r.rolsuper, r.rolbypassrls, shobj_description(r.oid, 'pg_authid'),
                   ARRAY(SELECT g.rolname::text FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid WHERE am.member = r.oid ORDER BY 1),
                   pg_has_role(current_user, r.oid, 'USAGE')
            FROM pg_roles r WHERE r.rolname = ANY(@names)
            """;
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue("names", names);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var name = reader.GetString(0);
            roles[name] = new RoleInfo(name, reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3),
                RoleMarker.Parse(reader.IsDBNull(4) ? null : reader.GetString(4)), reader.GetFieldValue<string[]>(5), reader.GetBoolean(6));
        }
        return new RoleSnapshot(admin, roles);
    }

    public static async Task<AdminInfo> AdminAsync(NpgsqlConnection conn, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        const string sql = """
            SELECT current_user::text, r.rolsuper, r.rolcreaterole,
                   r.rolsuper OR pg_has_role(current_user, 'pg_signal_backend', 'USAGE'),
                   EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_password'),
                   CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_password')
                        THEN pg_has_role(current_user, 'rds_password', 'MEMBER') ELSE false END
            FROM pg_roles r WHERE r.rolname = current_user
            """;
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) throw new InvalidOperationException("current_user is not in pg_roles");
        return new AdminInfo(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetBoolean(4), reader.GetBoolean(5));
    }

    /// <summary>Sessions of a role now (other than ours), optionally only those started before a time.</summary>
    public static async Task<int> SessionsAsync(NpgsqlConnection conn, string role, DateTimeOffset? startedBefore, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = @role AND pid <> pg_backend_pid() AND (@before::timestamptz IS NULL OR backend_start < @before)", conn);
        cmd.Parameters.AddWithValue("role", role);
        cmd.Parameters.Add(new NpgsqlParameter("before", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)startedBefore?.UtcDateTime ?? DBNull.Value });
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
