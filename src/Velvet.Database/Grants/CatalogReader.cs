using Npgsql;

namespace Velvet.Database.Grants;

/// <summary>
/// Reads a <see cref="CatalogSnapshot"/> in two round trips whatever the number of tables: one batch of six set-based
/// catalog queries (roles, members, schemas, relations grouped by owner and ACL, column grants, default privileges), then one aclexplode() of the
/// distinct relation ACLs. A per-table loop (the runbook's <c>\dp</c> per table) costs one round trip per table instead.
/// </summary>
public static class CatalogReader
{
    // The grantees whose entries matter: the app role, its direct members, PUBLIC (OID 0).
    private const string Grantees = """
        g AS (SELECT oid FROM pg_roles WHERE rolname = $1
              UNION SELECT m.member FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid WHERE r.rolname = $1
              UNION SELECT 0::oid)
        """;

    private const string AclColumns = """
        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END, a.privilege_type, a.is_grantable, pg_get_userbyid(a.grantor)::text
        """;

    private const string RolesSql = """
        SELECT current_database()::text, current_user::text,
               (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
               (SELECT rolcanlogin FROM pg_roles WHERE rolname = $1),
               EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $2)
        """;

    private const string MembersSql = """
        SELECT r.rolname::text, r.rolcanlogin, r.rolinherit
        FROM pg_auth_members m JOIN pg_roles a ON a.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
        WHERE a.rolname = $1 ORDER BY 1
        """;

    private const string SchemasSql = $"""
        WITH {Grantees}
        SELECT n.nspname::text, pg_get_userbyid(n.nspowner)::text, {AclColumns}
        FROM pg_namespace n
        LEFT JOIN LATERAL aclexplode(COALESCE(n.nspacl, acldefault('n', n.nspowner))) a ON a.grantee IN (SELECT oid FROM g)
        WHERE n.nspname = ANY($2)
        """;

    // One row per (schema, kind, owner, ACL) with the names in arrays: a handful of rows for 10,000 tables alike, so the
    // ACL is printed and shipped once per group, not once per table. The distinct ACLs are exploded once below.
    private const string RelationsSql = """
        SELECT n.nspname::text, c.relkind::text, pg_get_userbyid(c.relowner)::text, c.relacl::text,
               array_agg(c.relname::text), array_agg(o.nspname::text), array_agg(o.relname::text)
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN LATERAL (
            SELECT tn.nspname, t.relname FROM pg_depend d
            JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
            WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
              AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
            LIMIT 1) o ON true
        WHERE n.nspname = ANY($2) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        GROUP BY n.nspname, c.relkind, c.relowner, c.relacl
        """;

    // Column grants are found through pg_shdepend (indexed by role), not by scanning every pg_attribute row.
    private const string ColumnsSql = $"""
        WITH {Grantees}
        SELECT n.nspname::text, c.relname::text, at.attname::text, pg_get_userbyid(c.relowner)::text, {AclColumns}
        FROM (SELECT DISTINCT s.objid, s.objsubid FROM pg_shdepend s
              WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND s.refclassid = 'pg_authid'::regclass AND s.refobjid IN (SELECT oid FROM g)
                AND s.classid = 'pg_class'::regclass AND s.objsubid > 0 AND s.deptype = 'a') s
        JOIN pg_class c ON c.oid = s.objid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute at ON at.attrelid = c.oid AND at.attnum = s.objsubid
        CROSS JOIN LATERAL aclexplode(at.attacl) a
        WHERE n.nspname = ANY($2) AND a.grantee IN (SELECT oid FROM g)
        """;

    private const string DefaultsSql = $"""
        WITH {Grantees}
        SELECT CASE WHEN d.defaclnamespace = 0 THEN NULL ELSE n.nspname::text END, d.defaclobjtype::text, {AclColumns}
        FROM pg_default_acl d
        LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
        CROSS JOIN LATERAL aclexplode(d.defaclacl) a
        WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = $3) AND d.defaclobjtype IN ('r', 'S')
          AND (d.defaclnamespace = 0 OR n.nspname = ANY($2)) AND a.grantee IN (SELECT oid FROM g)
        """;

    private const string ExplodeSql = $"""
        WITH {Grantees}
        SELECT k, {AclColumns}
        FROM unnest($2::text[]) k CROSS JOIN LATERAL aclexplode(k::aclitem[]) a
        WHERE a.grantee IN (SELECT oid FROM g)
        """;

    /// <summary>Reads the snapshot for <paramref name="policy"/> on an open connection (inside its transaction, if any).</summary>
    public static async Task<CatalogSnapshot> ReadAsync(NpgsqlConnection connection, GrantsPolicy policy, CancellationToken ct)
    {
        var schemas = policy.Schemas.ToArray();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command(RolesSql, policy.AppRole, (object?)policy.Owner ?? DBNull.Value),
                Command(MembersSql, policy.AppRole),
                Command(SchemasSql, policy.AppRole, schemas),
                Command(RelationsSql, policy.AppRole, schemas),
                Command(ColumnsSql, policy.AppRole, schemas),
                Command(DefaultsSql, policy.AppRole, schemas, (object?)policy.Owner ?? DBNull.Value),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);

        await reader.ReadAsync(ct).ConfigureAwait(false);
        var database = reader.GetString(0);
        var currentUser = reader.GetString(1);
        var superuser = !reader.IsDBNull(2) && reader.GetBoolean(2);
        bool? appCanLogin = reader.IsDBNull(3) ? null : reader.GetBoolean(3);
        var ownerExists = policy.Owner is null || reader.GetBoolean(4);

        await reader.NextResultAsync(ct).ConfigureAwait(false);
        var members = new List<RoleMember>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            members.Add(new RoleMember(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2)));
        }

        await reader.NextResultAsync(ct).ConfigureAwait(false);
        var schemaAcl = new Dictionary<string, (string Owner, List<AclItem> Acl)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var name = reader.GetString(0);
            if (!schemaAcl.TryGetValue(name, out var entry))
            {
                schemaAcl[name] = entry = (reader.GetString(1), []);
            }
            if (!reader.IsDBNull(2))
            {
                entry.Acl.Add(ReadAcl(reader, 2));
            }
        }

        await reader.NextResultAsync(ct).ConfigureAwait(false);
        var rawGroups = new List<(string Schema, RelationKind Kind, string Owner, string? Acl, string[] Names, (string, string)?[] OwnedBy)>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var names = reader.GetFieldValue<string[]>(4);
            var ownerSchemas = reader.GetFieldValue<string?[]>(5);
            var ownerNames = reader.GetFieldValue<string?[]>(6);
            var ownedBy = new (string, string)?[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                ownedBy[i] = ownerNames[i] is { } table ? (ownerSchemas[i]!, table) : null;
            }
            rawGroups.Add((reader.GetString(0), Kind(reader.GetString(1)), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), names, ownedBy));
        }

        await reader.NextResultAsync(ct).ConfigureAwait(false);
        var columnAcl = new Dictionary<(string, string, string), (string Owner, List<AclItem> Acl)>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var key = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
            if (!columnAcl.TryGetValue(key, out var entry))
            {
                columnAcl[key] = entry = (reader.GetString(3), []);
            }
            entry.Acl.Add(ReadAcl(reader, 4));
        }

        await reader.NextResultAsync(ct).ConfigureAwait(false);
        var defaults = new Dictionary<(string?, bool), List<AclItem>>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var key = (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1) == "S");
            if (!defaults.TryGetValue(key, out var list))
            {
                defaults[key] = list = [];
            }
            list.Add(ReadAcl(reader, 2));
        }
        await reader.DisposeAsync().ConfigureAwait(false);

        var exploded = await ExplodeAsync(connection, policy.AppRole,
            rawGroups.Where(r => r.Acl is not null).Select(r => r.Acl!).Distinct(StringComparer.Ordinal).ToArray(), ct).ConfigureAwait(false);

        return new CatalogSnapshot
        {
            Database = database,
            CurrentUser = currentUser,
            IsSuperuser = superuser,
            AppRoleExists = appCanLogin is not null,
            AppRoleCanLogin = appCanLogin ?? false,
            Members = members,
            OwnerExists = ownerExists,
            Schemas = policy.Schemas.Where(schemaAcl.ContainsKey).Select(s => new CatalogSchema(s, schemaAcl[s].Owner, schemaAcl[s].Acl)).ToList(),
            RelationGroups = rawGroups
                .Select(g => new RelationGroup(g.Schema, g.Kind, g.Owner, g.Acl is null ? [] : exploded.GetValueOrDefault(g.Acl, []), g.Names, g.OwnedBy))
                .ToList(),
            Columns = columnAcl.Select(c => new CatalogColumn(c.Key.Item1, c.Key.Item2, c.Key.Item3, c.Value.Owner, c.Value.Acl))
                .OrderBy(c => c.Schema, StringComparer.Ordinal).ThenBy(c => c.Table, StringComparer.Ordinal).ThenBy(c => c.Column, StringComparer.Ordinal)
                .ToList(),
            DefaultAcls = defaults.Select(d => new CatalogDefaultAcl(d.Key.Item1, d.Key.Item2, d.Value)).ToList(),
        };
    }

    private static async Task<Dictionary<string, List<AclItem>>> ExplodeAsync(NpgsqlConnection connection, string appRole, string[] acls, CancellationToken ct)
    {
        var result = new Dictionary<string, List<AclItem>>(StringComparer.Ordinal);
        if (acls.Length == 0)
        {
            return result;
        }
        await using var cmd = new NpgsqlCommand(ExplodeSql, connection) { Parameters = { new() { Value = appRole }, new() { Value = acls } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var key = reader.GetString(0);
            if (!result.TryGetValue(key, out var list))
            {
                result[key] = list = [];
            }
            list.Add(ReadAcl(reader, 1));
        }
        return result;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(p is DBNull
                ? new NpgsqlParameter { Value = p, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
                : new NpgsqlParameter { Value = p });
        }
        return command;
    }

    private static AclItem ReadAcl(NpgsqlDataReader reader, int first) =>
        new(reader.GetString(first), reader.GetString(first + 1), reader.GetBoolean(first + 2), reader.GetString(first + 3));

    private static RelationKind Kind(string relkind) => relkind switch
    {
        "r" => RelationKind.Table,
        "p" => RelationKind.PartitionedTable,
        "v" => RelationKind.View,
        "m" => RelationKind.MaterializedView,
        "f" => RelationKind.ForeignTable,
        _ => RelationKind.Sequence,
    };
}
