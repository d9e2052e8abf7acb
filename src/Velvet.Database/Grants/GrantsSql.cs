namespace Velvet.Database.Grants;

/// <summary>A role whose privileges a statement needs, and the object that needs them (for the refusal message).</summary>
/// <param name="Membership">True: membership (SET ROLE, ALTER DEFAULT PRIVILEGES FOR ROLE, ALTER ... OWNER); false: its privileges.</param>
public sealed record RoleNeed(string Role, bool Membership, string Object);

/// <summary>One statement of an apply, and whose privileges it needs.</summary>
public sealed record GrantStatement(string Sql, IReadOnlyList<RoleNeed> Needs);

/// <summary>
/// Turns drift into SQL. Objects that need the same change share one statement (chunks of <see cref="ChunkSize"/>), so
/// fixing 10,000 tables is a few dozen statements, not 10,000. Order: ownership, then revokes, then grants.
/// </summary>
public static class GrantsSql
{
    /// <summary>At most this many objects per GRANT/REVOKE.</summary>
    public const int ChunkSize = 500;

    /// <summary>The statements that make the database match the plan's policy.</summary>
    public static IReadOnlyList<GrantStatement> Build(GrantsPlan plan)
    {
        var statements = new List<GrantStatement>();
        foreach (var d in plan.Drift.Where(d => d.Action == DriftAction.ChangeOwner && !d.ImpliedByTable))
        {
            var (now, wanted) = d.Ownership!.Value;
            if (wanted is null)
            {
                throw new GrantsException(GrantsFailure.Refused,
                    $"{d.ObjectText} is owned by the app role {now}; set owner: in {plan.Policy.SourcePath} so apply can give it to the owner role");
            }
            statements.Add(new GrantStatement($"ALTER {d.Label.ToUpperInvariant()} {d.SqlObject[(d.SqlObject.IndexOf(' ', StringComparison.Ordinal) + 1)..]} OWNER TO {SqlIdent.Quote(wanted)};",
                [new RoleNeed(now, true, d.ObjectText), new RoleNeed(wanted, true, d.ObjectText)]));
        }
        foreach (var action in new[] { DriftAction.RevokeGrantOption, DriftAction.Revoke, DriftAction.Grant })
        {
            var ofAction = plan.Drift.Where(d => d.Action == action).ToList();
            statements.AddRange(ObjectStatements(ofAction.Where(d => d.Target != DriftTarget.DefaultPrivileges && d.SqlColumn is null)));
            statements.AddRange(ColumnStatements(ofAction.Where(d => d.SqlColumn is not null)));
            statements.AddRange(DefaultStatements(ofAction.Where(d => d.Target == DriftTarget.DefaultPrivileges)));
        }
        return statements;
    }

    private static IEnumerable<GrantStatement> ObjectStatements(IEnumerable<Drift> drift)
    {
        // Per object: the privileges to change for one grantee (and grantor); then objects with the same change together.
        var perObject = drift
            .GroupBy(d => (d.SqlObject, d.Action, d.Grantee, d.ActAs, d.AsGrantor))
            .Select(g => (g.Key, Privileges: string.Join(", ", Privileges.Sorted(g.Select(d => d.Privilege))), g.First().ObjectText));
        foreach (var group in perObject.GroupBy(o => (Kind: o.Key.SqlObject[..o.Key.SqlObject.IndexOf(' ', StringComparison.Ordinal)],
                     o.Key.Action, o.Key.Grantee, o.Key.AsGrantor, Grantor: o.Key.AsGrantor ? o.Key.ActAs : "", o.Privileges)))
        {
            foreach (var chunk in group.Chunk(ChunkSize))
            {
                var names = string.Join(", ", chunk.Select(o => o.Key.SqlObject[(group.Key.Kind.Length + 1)..]));
                var sql = Verb(group.Key.Action, group.Key.Privileges) + $" ON {group.Key.Kind} {names} " + To(group.Key.Action, group.Key.Grantee);
                yield return new GrantStatement(AsGrantor(sql, group.Key.AsGrantor, group.Key.Grantor),
                    chunk.Select(o => new RoleNeed(o.Key.ActAs, o.Key.AsGrantor, o.ObjectText)).ToList());
            }
        }
    }

    private static IEnumerable<GrantStatement> ColumnStatements(IEnumerable<Drift> drift)
    {
        foreach (var group in drift.GroupBy(d => (d.SqlObject, d.Action, d.Grantee, d.ActAs, d.AsGrantor, d.Privilege)))
        {
            var columns = string.Join(", ", group.Select(d => d.SqlColumn).Distinct(StringComparer.Ordinal));
            var sql = Verb(group.Key.Action, $"{group.Key.Privilege} ({columns})") + $" ON {group.Key.SqlObject} " + To(group.Key.Action, group.Key.Grantee);
            yield return new GrantStatement(AsGrantor(sql, group.Key.AsGrantor, group.Key.ActAs),
                group.Select(d => new RoleNeed(d.ActAs, d.AsGrantor, d.ObjectText)).ToList());
        }
    }

    private static IEnumerable<GrantStatement> DefaultStatements(IEnumerable<Drift> drift)
    {
        foreach (var group in drift.GroupBy(d => (d.SqlObject, d.Action, d.Grantee, d.ActAs)))
        {
            var (prefix, objects) = (group.Key.SqlObject[..group.Key.SqlObject.IndexOf('|', StringComparison.Ordinal)],
                group.Key.SqlObject[(group.Key.SqlObject.IndexOf('|', StringComparison.Ordinal) + 1)..]);
            var privileges = string.Join(", ", Privileges.Sorted(group.Select(d => d.Privilege)));
            yield return new GrantStatement($"{prefix} {Verb(group.Key.Action, privileges)} ON {objects} {To(group.Key.Action, group.Key.Grantee)}",
                [new RoleNeed(group.Key.ActAs, true, group.First().ObjectText)]);
        }
    }

    private static string Verb(DriftAction action, string privileges) => action switch
    {
        DriftAction.Grant => "GRANT " + privileges,
        DriftAction.RevokeGrantOption => "REVOKE GRANT OPTION FOR " + privileges,
        _ => "REVOKE " + privileges,
    };

    private static string To(DriftAction action, string grantee) =>
        (action == DriftAction.Grant ? "TO " : "FROM ") + SqlIdent.Grantee(grantee) + ";";

    // PostgreSQL 15 revokes only grants made by the current role (GRANTED BY must be the current user), so a grant
    // made by a third role is revoked as that role.
    private static string AsGrantor(string sql, bool asGrantor, string grantor) =>
        asGrantor ? $"SET ROLE {SqlIdent.Quote(grantor)}; {sql} RESET ROLE;" : sql;
}
