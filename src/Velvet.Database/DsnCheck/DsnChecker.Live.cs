using System.Text.RegularExpressions;
using ParsedDsn = Velvet.Dsn.Dsn;

namespace Velvet.Database.DsnCheck;

public static partial class DsnChecker
{
    private static async Task CheckLiveAsync(DsnTarget target, ParsedDsn dsn, DsnCheckOptions options, List<DsnCheckLine> lines, CancellationToken ct)
    {
        var subject = target.ToString();
        RoleAttributes role;
        try
        {
            role = await RoleInspector.InspectAsync(dsn, options.Inspection, ct).ConfigureAwait(false);
        }
        catch (DsnLoginException ex)
        {
            lines.Add(new(CheckOutcome.Fail, subject, ex.Message));
            return;
        }

        lines.Add(new(CheckOutcome.Pass, subject, $"logs in as {role.Role} on {role.Database} (PostgreSQL {role.ServerVersion})"));
        if (target.Kind == DsnTargetKind.Owner)
        {
            var flags = string.Join(", ", role.Flags.Names());
            lines.Add(new(CheckOutcome.Info, subject,
                $"owner role: {(flags.Length == 0 ? "no admin attributes" : flags)}; owns {role.OwnedRelationCount} table(s)/view(s) (expected: the owner runs migrations)"));
            return;
        }

        var name = QuoteIdent(role.Role);
        Attribute(lines, subject, "SUPERUSER", role.Flags.Superuser, $"every permission check and RLS policy is bypassed: use a restricted role (ALTER ROLE {name} NOSUPERUSER)");
        if (role.Flags.BypassRls && target.AllowBypassRls)
        {
            lines.Add(new(CheckOutcome.Info, subject, $"has BYPASSRLS (allowed for the {target.Label} DSN)"));
        }
        else
        {
            Attribute(lines, subject, "BYPASSRLS", role.Flags.BypassRls, $"row-level security policies do not apply to it: ALTER ROLE {name} NOBYPASSRLS");
        }

        Attribute(lines, subject, "CREATEROLE", role.Flags.CreateRole, $"it can create roles and grant itself their rights: ALTER ROLE {name} NOCREATEROLE");
        Attribute(lines, subject, "CREATEDB", role.Flags.CreateDb, $"it can create databases: ALTER ROLE {name} NOCREATEDB");
        Attribute(lines, subject, "REPLICATION", role.Flags.Replication, $"replication connections read every row: ALTER ROLE {name} NOREPLICATION");
        Memberships(target, role, options, lines, subject, name);
        Ownership(target, role, lines, subject);
    }

    private static void Attribute(List<DsnCheckLine> lines, string subject, string attribute, bool has, string fix) =>
        lines.Add(has ? new(CheckOutcome.Fail, subject, $"has {attribute}: {fix}") : new(CheckOutcome.Pass, subject, "not " + attribute));

    private static void Memberships(DsnTarget target, RoleAttributes role, DsnCheckOptions options, List<DsnCheckLine> lines, string subject, string name)
    {
        var failing = 0;
        foreach (var m in role.AdminMemberships)
        {
            var power = string.Join(", ", m.Flags.Names());
            if (target.AllowBypassRls && OnlyBypassRls(m, options.Inspection))
            {
                lines.Add(new(CheckOutcome.Info, subject, $"member of {m.Name} (via {m.Via}; BYPASSRLS, allowed for the {target.Label} DSN)"));
                continue;
            }

            failing++;
            lines.Add(new(CheckOutcome.Fail, subject,
                $"member of {m.Name} (via {m.Via}{(power.Length == 0 ? "" : "; " + power)}): it can act with that role's rights: REVOKE {QuoteIdent(m.Path[1])} FROM {name}"));
        }

        if (failing == 0)
        {
            lines.Add(new(CheckOutcome.Pass, subject, "member of no admin role"));
        }
    }

    private static bool OnlyBypassRls(MemberRole m, RoleInspectionOptions options) =>
        m.Flags == new RoleFlags(Superuser: false, BypassRls: true, CreateRole: false, CreateDb: false, Replication: false)
        && !options.AdminRoles.Contains(m.Name, StringComparer.OrdinalIgnoreCase)
        && !Velvet.Dsn.DsnPolicy.IsDeniedUser(m.Name, options.DeniedUsers);

    private static void Ownership(DsnTarget target, RoleAttributes role, List<DsnCheckLine> lines, string subject)
    {
        if (!role.OwnsObjects)
        {
            lines.Add(new(CheckOutcome.Pass, subject, "owns no tables, schemas or database"));
            return;
        }

        var owned = new List<string>();
        var fixes = new List<string>();
        if (role.OwnedRelationCount > 0)
        {
            owned.Add($"{role.OwnedRelationCount} table(s)/view(s) ({string.Join(", ", role.OwnedRelations)}{(role.OwnedRelationCount > role.OwnedRelations.Count ? ", …" : "")})");
            fixes.Add("ALTER TABLE … OWNER TO <owner>");
        }

        if (role.OwnedSchemas.Count > 0)
        {
            owned.Add($"schema(s) {string.Join(", ", role.OwnedSchemas)}");
            fixes.Add($"ALTER SCHEMA {role.OwnedSchemas[0]} OWNER TO <owner>");
        }

        if (role.OwnsDatabase)
        {
            owned.Add($"database {role.Database}");
            fixes.Add($"ALTER DATABASE {QuoteIdent(role.Database)} OWNER TO <owner>");
        }

        var what = "owns " + string.Join(" and ", owned);
        lines.Add(target.AllowOwnership
            ? new(CheckOutcome.Info, subject, what + $" (allowed for the {target.Label} DSN)")
            : new(CheckOutcome.Fail, subject, what +
                $": an owner ignores GRANT/REVOKE and can run DDL; hand them to the owner role ({string.Join("; ", fixes)}) and grant this role DML only"));
    }

    private static string QuoteIdent(string name) => PlainIdent().IsMatch(name) ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex("^[a-z_][a-z0-9_$]*$")]
    private static partial Regex PlainIdent();
}
