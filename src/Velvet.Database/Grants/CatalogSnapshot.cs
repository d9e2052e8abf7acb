namespace Velvet.Database.Grants;

/// <summary>Names used for ACL grantees.</summary>
public static class Acl
{
    /// <summary>The grantee name used for the PUBLIC pseudo-role (OID 0 in an ACL).</summary>
    public const string Public = "PUBLIC";
}

/// <summary>One ACL entry as aclexplode() returns it, role OIDs resolved to names.</summary>
public sealed record AclItem(string Grantee, string Privilege, bool Grantable, string Grantor);

/// <summary>pg_class.relkind values the grants policy manages.</summary>
public enum RelationKind
{
    /// <summary>An ordinary table (r).</summary>
    Table = 1,
    /// <summary>A partitioned table (p).</summary>
    PartitionedTable = 2,
    /// <summary>A view (v).</summary>
    View = 3,
    /// <summary>A materialized view (m).</summary>
    MaterializedView = 4,
    /// <summary>A foreign table (f).</summary>
    ForeignTable = 5,
    /// <summary>A sequence (S).</summary>
    Sequence = 6,
}

/// <summary>A login or group role that is a direct member of the app role.</summary>
public sealed record RoleMember(string Name, bool CanLogin, bool Inherits);

/// <summary>A schema of the policy and the ACL entries of the grantees the policy cares about.</summary>
public sealed record CatalogSchema(string Name, string Owner, IReadOnlyList<AclItem> Acl);

/// <summary>A table, view or sequence in a policy schema.</summary>
/// <param name="OwnedBy">For a sequence owned by a table column (serial, identity): that table's (schema, name).</param>
public sealed record CatalogRelation(string Schema, string Name, RelationKind Kind, string Owner, IReadOnlyList<AclItem> Acl, (string Schema, string Name)? OwnedBy)
{
    /// <summary><c>schema.name</c> as written in drift lines.</summary>
    public string Display => Schema + "." + Name;

    /// <summary>True for the kinds that hold rows and take DML grants (not sequences).</summary>
    public bool IsTableLike => Kind != RelationKind.Sequence;
}

/// <summary>
/// Relations of one schema that share kind, owner and ACL: read as one row, judged once per distinct wanted set. Ten
/// thousand tables created by one owner and granted alike make a handful of groups.
/// </summary>
/// <param name="Names">The relation names.</param>
/// <param name="OwnedBy">Per name: for a sequence owned by a table column, that table's (schema, name); else null.</param>
public sealed record RelationGroup(string Schema, RelationKind Kind, string Owner, IReadOnlyList<AclItem> Acl,
    IReadOnlyList<string> Names, IReadOnlyList<(string Schema, string Name)?> OwnedBy)
{
    /// <summary>The group's relations one by one.</summary>
    public IEnumerable<CatalogRelation> Relations() =>
        Names.Select((name, i) => new CatalogRelation(Schema, name, Kind, Owner, Acl, OwnedBy[i]));
}

/// <summary>Column-level ACL entries of one column (only columns with entries for the grantees of interest).</summary>
public sealed record CatalogColumn(string Schema, string Table, string Column, string TableOwner, IReadOnlyList<AclItem> Acl);

/// <summary>A pg_default_acl row of the policy owner: for one schema, or for all schemas when <see cref="Schema"/> is null.</summary>
/// <param name="OnSequences">False: ON TABLES; true: ON SEQUENCES.</param>
public sealed record CatalogDefaultAcl(string? Schema, bool OnSequences, IReadOnlyList<AclItem> Acl);

/// <summary>
/// Everything the grants planner needs, read in a constant number of set-based queries. ACL entries are kept only for
/// the grantees the policy judges: the app role, its direct members, and PUBLIC.
/// </summary>
public sealed record CatalogSnapshot
{
    /// <summary>current_database().</summary>
    public required string Database { get; init; }
    /// <summary>The role this connection acts as.</summary>
    public required string CurrentUser { get; init; }
    /// <summary>Whether <see cref="CurrentUser"/> is a superuser.</summary>
    public required bool IsSuperuser { get; init; }
    /// <summary>Whether the policy's app role exists.</summary>
    public required bool AppRoleExists { get; init; }
    /// <summary>Whether the app role can log in itself (false for a NOLOGIN group role).</summary>
    public required bool AppRoleCanLogin { get; init; }
    /// <summary>Direct members of the app role (the login roles of a group, e.g. app_a/app_b).</summary>
    public required IReadOnlyList<RoleMember> Members { get; init; }
    /// <summary>Whether the policy's owner role exists (true when the policy names none).</summary>
    public required bool OwnerExists { get; init; }
    /// <summary>The policy schemas that exist.</summary>
    public required IReadOnlyList<CatalogSchema> Schemas { get; init; }
    /// <summary>Tables, views and sequences of the policy schemas, grouped by schema, kind, owner and ACL.</summary>
    public required IReadOnlyList<RelationGroup> RelationGroups { get; init; }

    /// <summary>Every relation one by one, ordered by schema and name (allocates one object per relation).</summary>
    public IReadOnlyList<CatalogRelation> Relations() => RelationGroups.SelectMany(g => g.Relations())
        .OrderBy(r => r.Schema, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    /// <summary>Columns with column-level grants to the app role or its members.</summary>
    public required IReadOnlyList<CatalogColumn> Columns { get; init; }
    /// <summary>The owner's default privileges (TABLES, SEQUENCES) in the policy schemas and for all schemas.</summary>
    public required IReadOnlyList<CatalogDefaultAcl> DefaultAcls { get; init; }
}
