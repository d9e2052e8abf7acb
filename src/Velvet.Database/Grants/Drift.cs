namespace Velvet.Database.Grants;

/// <summary>What must happen to make one privilege match the policy.</summary>
public enum DriftAction
{
    /// <summary>Wanted, not held: GRANT.</summary>
    Grant = 1,
    /// <summary>Held, not wanted: REVOKE.</summary>
    Revoke = 2,
    /// <summary>The privilege is wanted but held WITH GRANT OPTION: REVOKE GRANT OPTION FOR.</summary>
    RevokeGrantOption = 3,
    /// <summary>The object is owned by the app role (or a member): owners hold every privilege, so ownership moves.</summary>
    ChangeOwner = 4,
}

/// <summary>What kind of object a drift line is about (also its order in the output).</summary>
public enum DriftTarget
{
    /// <summary>A schema (USAGE, CREATE).</summary>
    Schema = 1,
    /// <summary>ALTER DEFAULT PRIVILEGES for the owner, one schema or all schemas.</summary>
    DefaultPrivileges = 2,
    /// <summary>A table, view or sequence, or a column of one.</summary>
    Relation = 3,
}

/// <summary>The object a drift line is about, shared by all its lines (a fresh table has four).</summary>
/// <param name="Target">Output order (schema, default privileges, relations).</param>
/// <param name="Label"><c>table</c>, <c>sequence</c>, <c>schema</c>, <c>column</c>, <c>default privileges</c>...</param>
/// <param name="Name">The object as printed: <c>public.orders</c>, <c>public.t.col</c>, <c>for owner in schema public on tables</c>.</param>
/// <param name="SqlObject">The SQL object clause (<c>TABLE public.orders</c>, <c>SCHEMA public</c>); for defaults the ALTER DEFAULT PRIVILEGES prefix.</param>
/// <param name="SqlColumn">For a column privilege: the quoted column name.</param>
public sealed record DriftObject(DriftTarget Target, string Label, string Name, string SqlObject, string? SqlColumn = null)
{
    /// <summary>The object column: <c>table public.orders</c>.</summary>
    public string Text { get; } = Label + " " + Name;
}

/// <summary>
/// One line of a plan: object, privilege, now → wanted. Also carries what <see cref="GrantsSql"/> needs to fix it.
/// </summary>
public sealed record Drift
{
    /// <summary>The object (shared by its lines).</summary>
    public required DriftObject Object { get; init; }

    /// <summary>Output order (schema, default privileges, relations).</summary>
    public DriftTarget Target => Object.Target;

    /// <summary><c>table</c>, <c>sequence</c>, <c>schema</c>, <c>column</c>, <c>default privileges</c>...</summary>
    public string Label => Object.Label;

    /// <summary>The object as printed.</summary>
    public string Name => Object.Name;

    /// <summary>The SQL object clause.</summary>
    public string SqlObject => Object.SqlObject;

    /// <summary>For a column privilege: the quoted column name.</summary>
    public string? SqlColumn => Object.SqlColumn;

    /// <summary>The privilege (SELECT, USAGE...), or OWNER for <see cref="DriftAction.ChangeOwner"/>.</summary>
    public required string Privilege { get; init; }

    /// <summary>The role holding or missing the privilege: the app role, a member of it, or PUBLIC.</summary>
    public required string Grantee { get; init; }

    /// <summary>The fix.</summary>
    public required DriftAction Action { get; init; }

    /// <summary>The role whose privileges the fix needs: the object owner, or the third-party grantor of a grant.</summary>
    public required string ActAs { get; init; }

    /// <summary>True when the fix must SET ROLE to <see cref="ActAs"/> (a grant made by someone other than the owner).</summary>
    public bool AsGrantor { get; init; }

    /// <summary>For <see cref="DriftAction.ChangeOwner"/>: who owns it now and who should.</summary>
    public (string Now, string? Wanted)? Ownership { get; init; }

    /// <summary>For an owned sequence whose table changes owner too: fixed by that table's statement, so no SQL of its own.</summary>
    public bool ImpliedByTable { get; init; }

    /// <summary>The privilege column of the output: <c>UPDATE</c>, <c>UPDATE to PUBLIC</c>, <c>GRANT OPTION FOR SELECT</c>.</summary>
    public string PrivilegeText(string appRole)
    {
        var text = Action == DriftAction.RevokeGrantOption ? "GRANT OPTION FOR " + Privilege : Privilege;
        if (Action != DriftAction.ChangeOwner && Grantee != appRole)
        {
            text += " to " + Grantee;
        }
        return AsGrantor ? text + " (granted by " + ActAs + ")" : text;
    }

    /// <summary>The now → wanted column: <c>missing -> grant</c>, <c>granted -> revoke</c>, <c>app -> owner</c>.</summary>
    public string Change => Action switch
    {
        DriftAction.Grant => "missing -> grant",
        DriftAction.ChangeOwner => $"owned by {Ownership?.Now} -> owned by {Ownership?.Wanted ?? "(set owner: in the policy)"}",
        _ => "granted -> revoke",
    };

    /// <summary>The object column: <c>table public.orders</c>.</summary>
    public string ObjectText => Object.Text;
}
