namespace Velvet.Database.Grants;

/// <summary>
/// Compares a catalog snapshot with a policy. Pure (no I/O), so the same snapshot always gives the same plan, and a plan
/// taken right after an apply is empty.
/// <list type="bullet">
/// <item>The app role must hold exactly the wanted privileges: missing ones are granted, others revoked.</item>
/// <item>Members of the app role (the login roles of a group) get everything through the group: direct grants are revoked.</item>
/// <item>PUBLIC may hold only what the app role is meant to hold (a PUBLIC grant is a grant to the app role too).</item>
/// <item>Column-level grants are revoked (the policy is table-level; a column UPDATE on an audit table is a hole).</item>
/// </list>
/// </summary>
public static class GrantsPlanner
{
    /// <summary>Checks the snapshot fits the policy (throws <see cref="GrantsException"/>), then lists the drift.</summary>
    public static GrantsPlan Plan(GrantsPolicy policy, CatalogSnapshot snapshot)
    {
        Validate(policy, snapshot);
        var members = snapshot.Members.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var drift = new List<Drift>();
        var judge = new AclJudge(policy.AppRole, members, drift);

        foreach (var schema in snapshot.Schemas)
        {
            var quoted = SqlIdent.Quote(schema.Name);
            judge.Judge(schema.Acl.Where(a => a.Grantee != schema.Owner), ["USAGE"], schema.Owner,
                p => new Drift
                {
                    Target = DriftTarget.Schema, Label = "schema", Name = schema.Name, SqlObject = "SCHEMA " + quoted,
                    Privilege = p.Privilege, Grantee = p.Grantee, Action = p.Action, ActAs = p.ActAs, AsGrantor = p.AsGrantor,
                });
        }
        if (policy.DefaultPrivileges && policy.Owner is { } owner)
        {
            PlanDefaults(policy, owner, snapshot, judge);
        }
        foreach (var relation in snapshot.Relations)
        {
            PlanRelation(policy, relation, members, drift, judge);
        }
        var owners = snapshot.Relations.ToDictionary(r => (r.Schema, r.Name), r => r);
        foreach (var column in snapshot.Columns)
        {
            var wanted = owners.TryGetValue((column.Schema, column.Table), out var table) ? policy.WantedOn(table) : [];
            var name = $"{column.Schema}.{column.Table}.{column.Column}";
            // Column grants are never wanted for the app role or its members; PUBLIC may keep what the table grants the app.
            judge.Judge(column.Acl.Where(a => a.Grantee != column.TableOwner), [], column.TableOwner,
                p => new Drift
                {
                    Target = DriftTarget.Relation, Label = "column", Name = name,
                    SqlObject = "TABLE " + SqlIdent.Qualified(column.Schema, column.Table), SqlColumn = SqlIdent.Quote(column.Column),
                    Privilege = p.Privilege, Grantee = p.Grantee, Action = p.Action, ActAs = p.ActAs, AsGrantor = p.AsGrantor,
                },
                publicMayHold: wanted);
        }
        return new GrantsPlan(policy, snapshot, Sort(drift), Notes(policy, snapshot));
    }

    private static void PlanRelation(GrantsPolicy policy, CatalogRelation relation, HashSet<string> members, List<Drift> drift, AclJudge judge)
    {
        var label = relation.Kind switch
        {
            RelationKind.Sequence => "sequence",
            RelationKind.View => "view",
            RelationKind.MaterializedView => "materialized view",
            RelationKind.ForeignTable => "foreign table",
            _ => "table",
        };
        var sqlObject = (relation.Kind == RelationKind.Sequence ? "SEQUENCE " : "TABLE ") + SqlIdent.Qualified(relation.Schema, relation.Name);
        var owner = relation.Owner;
        if (owner == policy.AppRole || members.Contains(owner))
        {
            // The app role owns it: it can do anything (DDL included). Ownership moves to the policy owner; the owner's
            // implicit privileges move with it, so the app role's are judged as if it held none.
            drift.Add(new Drift
            {
                Target = DriftTarget.Relation, Label = label, Name = relation.Display, SqlObject = sqlObject,
                Privilege = "OWNER", Grantee = owner, Action = DriftAction.ChangeOwner, ActAs = owner,
                Ownership = (owner, policy.Owner),
                ImpliedByTable = relation.OwnedBy is not null,
            });
            owner = policy.Owner ?? owner;
        }
        judge.Judge(relation.Acl.Where(a => a.Grantee != relation.Owner), policy.WantedOn(relation), owner,
            p => new Drift
            {
                Target = DriftTarget.Relation, Label = label, Name = relation.Display, SqlObject = sqlObject,
                Privilege = p.Privilege, Grantee = p.Grantee, Action = p.Action, ActAs = p.ActAs, AsGrantor = p.AsGrantor,
            },
            grantorAlias: relation.Owner);
    }

    private static void PlanDefaults(GrantsPolicy policy, string owner, CatalogSnapshot snapshot, AclJudge judge)
    {
        var ownerSql = SqlIdent.Quote(owner);
        foreach (var onSequences in new[] { false, true })
        {
            var objects = onSequences ? "sequences" : "tables";
            var wanted = onSequences ? policy.SequencePrivileges : policy.TablePrivileges;
            var global = snapshot.DefaultAcls.FirstOrDefault(d => d.Schema is null && d.OnSequences == onSequences)?.Acl ?? [];
            foreach (var schema in snapshot.Schemas)
            {
                var local = snapshot.DefaultAcls.FirstOrDefault(d => d.Schema == schema.Name && d.OnSequences == onSequences)?.Acl ?? [];
                // What a new object gets is the union of the all-schemas and the per-schema entries.
                var held = global.Concat(local).Where(a => a.Grantee == policy.AppRole).Select(a => a.Privilege).ToHashSet(StringComparer.Ordinal);
                judge.Judge(local, wanted, owner, p => DefaultDrift(owner, schema.Name, objects, $"ALTER DEFAULT PRIVILEGES FOR ROLE {ownerSql} IN SCHEMA {SqlIdent.Quote(schema.Name)}", p),
                    alsoHeld: held);
            }
            // All-schemas entries never add what the policy wants (that is set per schema); they may only hold less.
            judge.Judge(global, wanted, owner, p => DefaultDrift(owner, null, objects, $"ALTER DEFAULT PRIVILEGES FOR ROLE {ownerSql}", p),
                grantMissing: false);
        }
    }

    private static Drift DefaultDrift(string owner, string? schema, string objects, string sqlPrefix, AclJudge.Finding p) => new()
    {
        Target = DriftTarget.DefaultPrivileges,
        Label = "default privileges",
        Name = schema is null ? $"for {owner} on {objects} (all schemas)" : $"for {owner} in schema {schema} on {objects}",
        SqlObject = sqlPrefix + "|" + objects.ToUpperInvariant(),
        Privilege = p.Privilege, Grantee = p.Grantee, Action = p.Action, ActAs = owner, AsGrantor = false,
    };

    private static List<Drift> Sort(List<Drift> drift) => drift
        .OrderBy(d => d.Target)
        .ThenBy(d => d.Name, StringComparer.Ordinal)
        .ThenBy(d => d.Label, StringComparer.Ordinal)
        .ThenBy(d => d.Action == DriftAction.ChangeOwner ? 0 : 1)
        .ThenBy(d => Privileges.Rank(d.Privilege))
        .ThenBy(d => d.Grantee, StringComparer.Ordinal)
        .ThenBy(d => d.Action)
        .ThenBy(d => d.ActAs, StringComparer.Ordinal)
        .ToList();

    private static void Validate(GrantsPolicy policy, CatalogSnapshot snapshot)
    {
        if (policy.Database is { } database && database != snapshot.Database)
        {
            throw new GrantsException(GrantsFailure.Config,
                $"the policy is for database \"{database}\" ({policy.At("database")}) but the connection is to \"{snapshot.Database}\": " +
                "point the DSN at the right database, or fix database: in the policy");
        }
        if (!snapshot.AppRoleExists)
        {
            throw new GrantsException(GrantsFailure.Config,
                $"role \"{policy.AppRole}\" does not exist in this cluster (app_role at {policy.At("app_role")}): " +
                "create it with velvet db provision, or fix app_role in the policy");
        }
        if (!snapshot.OwnerExists)
        {
            throw new GrantsException(GrantsFailure.Config,
                $"role \"{policy.Owner}\" does not exist in this cluster (owner at {policy.At("owner")}): " +
                "name the role that runs migrations and owns the tables");
        }
        var missing = policy.Schemas.Where(s => snapshot.Schemas.All(c => c.Name != s)).ToList();
        if (missing.Count > 0)
        {
            throw new GrantsException(GrantsFailure.Config,
                $"schema(s) {string.Join(", ", missing.Select(s => "\"" + s + "\""))} do not exist in database \"{snapshot.Database}\" " +
                $"(schemas at {policy.At("schemas")}): create them with a migration, or remove them from the policy");
        }
    }

    private static List<string> Notes(GrantsPolicy policy, CatalogSnapshot snapshot)
    {
        var notes = new List<string>();
        var logins = snapshot.Members.Where(m => m.CanLogin).ToList();
        if (!snapshot.AppRoleCanLogin && logins.Count == 0)
        {
            notes.Add($"note: {policy.AppRole} cannot log in and has no login members: nothing can connect with these grants (velvet db provision creates login roles)");
        }
        foreach (var member in snapshot.Members.Where(m => !m.Inherits))
        {
            notes.Add($"note: {member.Name} is a member of {policy.AppRole} with NOINHERIT: its sessions get {policy.AppRole}'s privileges only after SET ROLE");
        }
        return notes;
    }
}
