namespace Velvet.Database.DsnCheck;

/// <summary>Role attributes that matter for least privilege (pg_roles columns).</summary>
/// <param name="Superuser">rolsuper: bypasses every permission check and RLS.</param>
/// <param name="BypassRls">rolbypassrls: row-level security policies do not apply.</param>
/// <param name="CreateRole">rolcreaterole: can create roles and grant itself membership.</param>
/// <param name="CreateDb">rolcreatedb: can create databases.</param>
/// <param name="Replication">rolreplication: can open replication connections (reads every row).</param>
public sealed record RoleFlags(bool Superuser, bool BypassRls, bool CreateRole, bool CreateDb, bool Replication)
{
    /// <summary>The attribute names that are set, in upper case as ALTER ROLE spells them.</summary>
    public IEnumerable<string> Names()
    {
        if (Superuser) yield return "SUPERUSER";
        if (BypassRls) yield return "BYPASSRLS";
        if (CreateRole) yield return "CREATEROLE";
        if (CreateDb) yield return "CREATEDB";
        if (Replication) yield return "REPLICATION";
    }
}

/// <summary>A role the inspected login is a member of, directly or through other roles.</summary>
/// <param name="Name">The role.</param>
/// <param name="Path">The membership chain from the login to <paramref name="Name"/>, login first.</param>
/// <param name="Flags">That role's attributes (a member can SET ROLE to it and act with them).</param>
public sealed record MemberRole(string Name, IReadOnlyList<string> Path, RoleFlags Flags)
{
    /// <summary>"app → app_group → rds_superuser".</summary>
    public string Via => string.Join(" → ", Path);
}

/// <summary>What a login role really is on the server, as <see cref="RoleInspector"/> found it.</summary>
public sealed record RoleAttributes
{
    /// <summary>The role the session runs as (current_user).</summary>
    public required string Role { get; init; }

    /// <summary>The database connected to.</summary>
    public required string Database { get; init; }

    /// <summary>server_version, e.g. "15.8".</summary>
    public required string ServerVersion { get; init; }

    /// <summary>The login role's own attributes.</summary>
    public required RoleFlags Flags { get; init; }

    /// <summary>Every role it is a member of (recursively through pg_auth_members), nearest first.</summary>
    public required IReadOnlyList<MemberRole> MemberOf { get; init; }

    /// <summary>
    /// Memberships that give admin power: a role with any attribute of <see cref="RoleFlags"/>, or named in the
    /// admin-role list or the user denylist (<see cref="RoleInspectionOptions"/>).
    /// </summary>
    public required IReadOnlyList<MemberRole> AdminMemberships { get; init; }

    /// <summary>How many tables/views/sequences in this database the role owns, itself or through a role it is a member of.</summary>
    public required int OwnedRelationCount { get; init; }

    /// <summary>Up to 10 of them, schema-qualified, with the owning role when it is not the login itself.</summary>
    public required IReadOnlyList<string> OwnedRelations { get; init; }

    /// <summary>Schemas (outside pg_catalog/information_schema) it owns, itself or through membership.</summary>
    public required IReadOnlyList<string> OwnedSchemas { get; init; }

    /// <summary>Whether it owns the connected database (itself or through membership).</summary>
    public required bool OwnsDatabase { get; init; }

    /// <summary>True when the role owns any relation, schema or the database.</summary>
    public bool OwnsObjects => OwnedRelationCount > 0 || OwnedSchemas.Count > 0 || OwnsDatabase;
}
