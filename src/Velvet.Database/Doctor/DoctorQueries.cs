using Npgsql;

namespace Velvet.Database.Doctor;

/// <summary>The app role's attributes, as the catalog shows them.</summary>
internal sealed record AppRoleInfo(string Name, bool CanLogin, bool IsSuperuser, bool BypassRls, IReadOnlyList<string> Groups);

/// <summary>What the app role may do with one table, and through which grantees it may write or read.</summary>
internal sealed record TableAccess(
    string Schema, string Name, string Owner, bool OwnerEquivalent, bool SchemaUsage,
    bool Select, bool Insert, bool Update, bool Delete, bool Truncate, string? WriteHolders, string? AnyHolders)
{
    public string Qualified => DoctorText.Qualified(Schema, Name);
}

/// <summary>A sequence the app role cannot use (INSERTs into its table's serial column fail).</summary>
internal sealed record SequenceGap(string Schema, string Name, string TableSchema, string Table)
{
    public string Qualified => DoctorText.Qualified(Schema, Name);
}

/// <summary>The doctor's catalog reads: each one query, whatever the number of tables.</summary>
internal static class DoctorQueries
{
    public static async Task<AppRoleInfo?> RoleAsync(NpgsqlConnection conn, string role, CancellationToken ct)
    {
        const string sql = """
            SELECT r.rolname, r.rolcanlogin, r.rolsuper, r.rolbypassrls,
                   ARRAY(SELECT g.rolname::text FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid
                         WHERE am.member = r.oid AND NOT g.rolcanlogin AND g.rolname NOT LIKE 'pg\_%' ORDER BY 1)
            FROM pg_roles r WHERE r.rolname = @role
            """;
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("role", role);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return null;
        return new AppRoleInfo(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetFieldValue<string[]>(4));
    }

    /// <summary>
    /// Every table and partitioned table outside the system schemas, with the app role's effective privileges
    /// (has_table_privilege: direct, through groups and PUBLIC) in ONE query: a per-table loop (the runbook's
    /// <c>\dp</c> per table) does not scale to thousands of tables.
    /// </summary>
    public static async Task<IReadOnlyList<TableAccess>> TablesAsync(NpgsqlConnection conn, string role, CancellationToken ct)
    {
        const string sql = """
            SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner),
                   pg_has_role(@role, c.relowner, 'USAGE'),
                   has_schema_privilege(@role, n.oid, 'USAGE'),
                   has_table_privilege(@role, c.oid, 'SELECT'), has_table_privilege(@role, c.oid, 'INSERT'),
                   has_table_privilege(@role, c.oid, 'UPDATE'), has_table_privilege(@role, c.oid, 'DELETE'),
                   has_table_privilege(@role, c.oid, 'TRUNCATE'),
                   (SELECT string_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END, ', ')
                      FROM aclexplode(c.relacl) a
                     WHERE a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE') AND (a.grantee = 0 OR pg_has_role(@role, a.grantee, 'USAGE'))),
                   (SELECT string_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END, ', ')
                      FROM aclexplode(c.relacl) a
                     WHERE a.grantee = 0 OR pg_has_role(@role, a.grantee, 'USAGE'))
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
            ORDER BY 1, 2
            """;
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 300 };
        cmd.Parameters.AddWithValue("role", role);
        var tables = new List<TableAccess>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            tables.Add(new TableAccess(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4),
                reader.GetBoolean(5), reader.GetBoolean(6), reader.GetBoolean(7), reader.GetBoolean(8), reader.GetBoolean(9),
                reader.IsDBNull(10) ? null : reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11)));
        }
        return tables;
    }

    /// <summary>Sequences owned by a table column (serial / identity) that the app role cannot use.</summary>
    public static async Task<IReadOnlyList<SequenceGap>> SequenceGapsAsync(NpgsqlConnection conn, string role, CancellationToken ct)
    {
        const string sql = """
            SELECT n.nspname, s.relname, tn.nspname, t.relname
            FROM pg_class s
            JOIN pg_namespace n ON n.oid = s.relnamespace
            JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
            JOIN pg_class t ON t.oid = d.refobjid
            JOIN pg_namespace tn ON tn.oid = t.relnamespace
            WHERE s.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
              AND CASE WHEN s.relkind = 'S' THEN NOT has_sequence_privilege(@role, s.oid, 'USAGE') ELSE false END
            ORDER BY 1, 2
            """;
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 300 };
        cmd.Parameters.AddWithValue("role", role);
        var gaps = new List<SequenceGap>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) gaps.Add(new SequenceGap(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        return gaps;
    }
}
