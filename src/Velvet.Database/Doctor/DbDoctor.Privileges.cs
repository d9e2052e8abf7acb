using Npgsql;
using Velvet.Database.Roles;

namespace Velvet.Database.Doctor;

public sealed partial class DbDoctor
{
    /// <summary>
    /// The app role against every table at once: C (missing grants, schema usage, sequences), D (owns tables, is a
    /// superuser), append-only tables it can rewrite, migration journals it can touch.
    /// </summary>
    private async Task CheckPrivilegesAsync(NpgsqlConnection conn, string role, string? ownerUser, CancellationToken ct)
    {
        var info = await DoctorQueries.RoleAsync(conn, role, ct).ConfigureAwait(false);
        if (info is null) return; // B was reported already
        if (info.IsSuperuser || info.BypassRls)
        {
            Add("D.app-role-superuser", DoctorSeverity.Error,
                $"the app role {role} is {(info.IsSuperuser ? "a superuser" : "BYPASSRLS")}: it is owner-equivalent, no REVOKE binds it",
                $"as a superuser: ALTER ROLE {PgText.Ident(role)} NOSUPERUSER NOBYPASSRLS;");
            return;
        }
        // Alternating logins hold no grants themselves: fixes go to their group (the role that holds every grant).
        var grantee = info.Groups.Count == 1 ? info.Groups[0] : role;
        var tables = await DoctorQueries.TablesAsync(conn, role, ct).ConfigureAwait(false);

        var owned = tables.Where(t => t.OwnerEquivalent).ToList();
        if (owned.Count > 0)
        {
            var newOwner = ownerUser is not null && !string.Equals(ownerUser, role, StringComparison.Ordinal) ? DoctorText.Ident(ownerUser) : "<owner role>";
            Add("D.app-role-owns-tables", DoctorSeverity.Error,
                $"the app role {role} owns (or has the privileges of the owner of) {owned.Count} table(s): an owner is not bound by REVOKE, so the runtime can rewrite them: " +
                DoctorText.List(owned.Select(t => $"{t.Qualified} (owner {t.Owner})").ToList()),
                "give them back to the owner (run as the owner or a superuser): " + string.Join(" ", owned.Take(20).Select(t => $"ALTER TABLE {t.Qualified} OWNER TO {newOwner};")) +
                (owned.Count > 20 ? $" … ({owned.Count - 20} more; or REASSIGN OWNED BY {PgText.Ident(owned[0].Owner)} TO {newOwner};)" : ""));
        }
        var notOwned = tables.Where(t => !t.OwnerEquivalent).ToList();
        CheckMissingGrants(notOwned, role, grantee);
        await CheckSequencesAsync(conn, role, grantee, ct).ConfigureAwait(false);
        CheckAppendOnly(notOwned, role);
        CheckMigrationTables(notOwned, role);
    }

    /// <summary>Scenario C: SELECT and INSERT are what every app table needs (the runbook's least-privilege matrix).</summary>
    private void CheckMissingGrants(IReadOnlyList<TableAccess> tables, string role, string grantee)
    {
        var schemas = tables.Where(t => !t.SchemaUsage && !IsMigration(t)).Select(t => t.Schema).Distinct(StringComparer.Ordinal).ToList();
        if (schemas.Count > 0)
        {
            Add("C.schema-usage", DoctorSeverity.Error,
                $"the app role {role} has no USAGE on schema {string.Join(", ", schemas)}: every table in it answers \"permission denied for schema\"",
                string.Join(" ", schemas.Select(s => $"GRANT USAGE ON SCHEMA {DoctorText.Ident(s)} TO {DoctorText.Ident(grantee)};")));
        }
        var missing = tables.Where(t => !IsMigration(t) && (!t.Select || !t.Insert)).ToList();
        if (missing.Count == 0) return;
        var details = missing.Select(t => $"{t.Qualified} (missing {string.Join(", ", new[] { t.Select ? null : "SELECT", t.Insert ? null : "INSERT" }.OfType<string>())})").ToList();
        var grants = missing.Take(50).Select(t => IsAppendOnly(t)
            ? $"GRANT SELECT, INSERT ON {t.Qualified} TO {DoctorText.Ident(grantee)};"
            : $"GRANT SELECT, INSERT, UPDATE, DELETE ON {t.Qualified} TO {DoctorText.Ident(grantee)};");
        Add("C.permission-denied", DoctorSeverity.Error,
            $"{missing.Count} table(s) lack grants for the app role {role}; its queries on them fail with \"permission denied for table\": {DoctorText.List(details)}",
            string.Join(" ", grants) + (missing.Count > 50 ? $" … ({missing.Count - 50} more)" : "") +
            " Then add the GRANT to the migration that created each table, or apply the grants policy (velvet grants apply --policy FILE), which also sets default privileges so future tables are covered.");
    }

    private async Task CheckSequencesAsync(NpgsqlConnection conn, string role, string grantee, CancellationToken ct)
    {
        var gaps = (await DoctorQueries.SequenceGapsAsync(conn, role, ct).ConfigureAwait(false))
            .Where(g => !DoctorText.MatchesAny(options.MigrationTables, g.TableSchema, g.Table)).ToList();
        if (gaps.Count == 0) return;
        Add("C.sequence-usage", DoctorSeverity.Error,
            $"the app role {role} cannot use {gaps.Count} sequence(s), so INSERTs that take the next id fail with \"permission denied for sequence\": {DoctorText.List(gaps.Select(g => g.Qualified).ToList())}",
            string.Join(" ", gaps.Take(50).Select(g => $"GRANT USAGE ON SEQUENCE {g.Qualified} TO {DoctorText.Ident(grantee)};")));
    }

    private void CheckAppendOnly(IReadOnlyList<TableAccess> tables, string role)
    {
        var writable = tables.Where(t => IsAppendOnly(t) && (t.Update || t.Delete || t.Truncate)).ToList();
        if (writable.Count == 0) return;
        Add("append-only-writable", DoctorSeverity.Error,
            $"the app role {role} can rewrite {writable.Count} append-only table(s): " + DoctorText.List(writable.Select(t => $"{t.Qualified} ({string.Join(", ", Writes(t))})").ToList()),
            string.Join(" ", writable.Select(t => $"REVOKE UPDATE, DELETE, TRUNCATE ON {t.Qualified} FROM {t.WriteHolders ?? DoctorText.Ident(role)};")) +
            " (revoked from the role that holds the grant: the app role, its group, or PUBLIC)");
    }

    private void CheckMigrationTables(IReadOnlyList<TableAccess> tables, string role)
    {
        var touched = tables.Where(t => IsMigration(t) && (t.Select || t.Insert || t.Update || t.Delete || t.Truncate)).ToList();
        if (touched.Count == 0) return;
        Add("migration-table-access", DoctorSeverity.Error,
            $"the app role {role} can access migration journal(s) {string.Join(", ", touched.Select(t => t.Qualified))}: a compromised session could mark a migration as applied",
            string.Join(" ", touched.Select(t => $"REVOKE ALL ON TABLE {t.Qualified} FROM {t.AnyHolders ?? DoctorText.Ident(role)};")));
    }

    private bool IsAppendOnly(TableAccess t) => DoctorText.MatchesAny(options.AppendOnly, t.Schema, t.Name);

    private bool IsMigration(TableAccess t) => DoctorText.MatchesAny(options.MigrationTables, t.Schema, t.Name);

    private static IEnumerable<string> Writes(TableAccess t) =>
        new[] { t.Update ? "UPDATE" : null, t.Delete ? "DELETE" : null, t.Truncate ? "TRUNCATE" : null }.OfType<string>();
}
