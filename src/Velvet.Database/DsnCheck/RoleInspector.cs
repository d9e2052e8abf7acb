using Npgsql;
using Velvet.Dsn;
using ParsedDsn = Velvet.Dsn.Dsn;

namespace Velvet.Database.DsnCheck;

/// <summary>
/// Logs in with a DSN and reports what the role really is: attributes, admin memberships (recursively through
/// pg_auth_members) and owned objects. Read-only: it runs SELECTs on the catalogs and nothing else.
/// </summary>
public static class RoleInspector
{
    /// <summary>The login role and every role it reaches through pg_auth_members, with the chain.</summary>
    private const string Reach = """
        WITH RECURSIVE up(oid, path) AS (
            SELECT m.roleid, ARRAY[m.member, m.roleid]
            FROM pg_auth_members m JOIN pg_roles me ON me.oid = m.member WHERE me.rolname = current_user
            UNION ALL
            SELECT m.roleid, up.path || m.roleid FROM pg_auth_members m JOIN up ON m.member = up.oid
            WHERE m.roleid <> ALL (up.path)
        ), owners AS (SELECT oid FROM pg_roles WHERE rolname = current_user UNION SELECT oid FROM up)
        """;

    /// <summary>Inspects the role a DSN logs in as.</summary>
    /// <param name="dsn">A PostgreSQL DSN.</param>
    /// <param name="options">Admin-role lists and timeout; defaults when null.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>The role's attributes.</returns>
    /// <exception cref="DsnLoginException">The login failed; the message is masked and names the SQLSTATE.</exception>
    public static Task<RoleAttributes> InspectAsync(ParsedDsn dsn, RoleInspectionOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dsn);
        return InspectAsync(dsn.ToConnectionString(), dsn.Masked, options, ct);
    }

    /// <summary>Inspects the role an Npgsql connection string (or any DSN form) logs in as.</summary>
    /// <param name="connectionString">The connection string.</param>
    /// <param name="options">Admin-role lists and timeout; defaults when null.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>The role's attributes.</returns>
    /// <exception cref="DsnLoginException">The login failed; the message is masked and names the SQLSTATE.</exception>
    public static Task<RoleAttributes> InspectAsync(string connectionString, RoleInspectionOptions? options = null, CancellationToken ct = default)
    {
        var dsn = ParsedDsn.Parse(connectionString);
        return InspectAsync(dsn.ToConnectionString(), dsn.Masked, options, ct);
    }

    private static async Task<RoleAttributes> InspectAsync(string connectionString, string masked, RoleInspectionOptions? options, CancellationToken ct)
    {
        options ??= new RoleInspectionOptions();
        var csb = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            Timeout = Math.Max(1, (int)Math.Ceiling(options.Timeout.TotalSeconds)),
            ApplicationName = "velvet dsn check",
        };
        await using var conn = new NpgsqlConnection(csb.ConnectionString);
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            throw DsnLoginException.From(ex, masked, csb.Username, csb.Password);
        }

        var (role, database, version, flags) = await ReadSelfAsync(conn, ct).ConfigureAwait(false);
        var memberOf = await ReadMembershipsAsync(conn, ct).ConfigureAwait(false);
        var (count, relations) = await ReadOwnedRelationsAsync(conn, role, ct).ConfigureAwait(false);
        var schemas = await ReadListAsync(conn, Reach + """
            SELECT quote_ident(nspname) FROM pg_namespace
            WHERE nspowner IN (SELECT oid FROM owners) AND nspname NOT IN ('information_schema') AND nspname !~ '^pg_'
            ORDER BY 1
            """, ct).ConfigureAwait(false);
        var ownsDb = (await ReadListAsync(conn, Reach +
            "SELECT 'yes' FROM pg_database WHERE datname = current_database() AND datdba IN (SELECT oid FROM owners)", ct).ConfigureAwait(false)).Count > 0;
        return new RoleAttributes
        {
            Role = role,
            Database = database,
            ServerVersion = version,
            Flags = flags,
            MemberOf = memberOf,
            AdminMemberships = [.. memberOf.Where(options.IsAdmin)],
            OwnedRelationCount = count,
            OwnedRelations = relations,
            OwnedSchemas = schemas,
            OwnsDatabase = ownsDb,
        };
    }

    private static async Task<(string Role, string Database, string Version, RoleFlags Flags)> ReadSelfAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT current_user, current_database(), current_setting('server_version'),
                   rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication
            FROM pg_roles WHERE rolname = current_user
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await r.ReadAsync(ct).ConfigureAwait(false))
        {
            throw new InvalidOperationException("current_user is not in pg_roles");
        }

        // "15.8 (Debian 15.8-1)" → "15.8"
        return (r.GetString(0), r.GetString(1), r.GetString(2).Split(' ')[0], Flags(r, 3));
    }

    private static async Task<IReadOnlyList<MemberRole>> ReadMembershipsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Reach + """
            SELECT DISTINCT ON (up.oid) r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb, r.rolreplication,
                   ARRAY(SELECT pg_get_userbyid(x) FROM unnest(up.path) WITH ORDINALITY AS t(x, i) ORDER BY i)
            FROM up JOIN pg_roles r ON r.oid = up.oid
            ORDER BY up.oid, cardinality(up.path)
            """, conn);
        var roles = new List<MemberRole>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            roles.Add(new MemberRole(r.GetString(0), r.GetFieldValue<string[]>(6), Flags(r, 1)));
        }

        return [.. roles.OrderBy(m => m.Path.Count).ThenBy(m => m.Name, StringComparer.Ordinal)];
    }

    private static async Task<(int Count, IReadOnlyList<string> Sample)> ReadOwnedRelationsAsync(NpgsqlConnection conn, string role, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Reach + """
            SELECT format('%I.%I', n.nspname, c.relname), pg_get_userbyid(c.relowner), count(*) OVER ()
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relowner IN (SELECT oid FROM owners) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
            ORDER BY 1 LIMIT 10
            """, conn);
        var sample = new List<string>();
        var count = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var owner = r.GetString(1);
            sample.Add(owner == role ? r.GetString(0) : $"{r.GetString(0)} (owned by {owner})");
            count = (int)r.GetInt64(2);
        }

        return (count, sample);
    }

    private static async Task<IReadOnlyList<string>> ReadListAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(r.GetString(0));
        }

        return list;
    }

    private static RoleFlags Flags(NpgsqlDataReader r, int first) =>
        new(r.GetBoolean(first), r.GetBoolean(first + 1), r.GetBoolean(first + 2), r.GetBoolean(first + 3), r.GetBoolean(first + 4));
}
