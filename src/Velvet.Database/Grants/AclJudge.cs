namespace Velvet.Database.Grants;

/// <summary>
/// Judges the ACL entries of one object against what the app role should hold, adding a <see cref="Drift"/> per
/// privilege to grant or revoke. The rules are in <see cref="GrantsPlanner"/>'s summary.
/// </summary>
internal sealed class AclJudge(string appRole, IReadOnlySet<string> members, List<Drift> sink)
{
    /// <summary>One privilege to fix, before it is dressed as a drift line of its object.</summary>
    public readonly record struct Finding(string Privilege, string Grantee, DriftAction Action, string ActAs, bool AsGrantor);

    /// <param name="acl">The object's entries (the owner's own entries already removed).</param>
    /// <param name="wanted">What the app role should hold.</param>
    /// <param name="owner">The object owner: grants and revokes it made need no SET ROLE.</param>
    /// <param name="make">Dresses a finding as a drift line of this object.</param>
    /// <param name="publicMayHold">What PUBLIC may hold (default: <paramref name="wanted"/>).</param>
    /// <param name="grantorAlias">A former owner whose grants count as the owner's (ownership is about to move).</param>
    /// <param name="alsoHeld">Privileges the app role holds from elsewhere (all-schemas default privileges).</param>
    /// <param name="grantMissing">False: only report what is held and not wanted.</param>
    public void Judge(IEnumerable<AclItem> acl, IReadOnlyList<string> wanted, string owner, Func<Finding, Drift> make,
        IReadOnlyList<string>? publicMayHold = null, string? grantorAlias = null, IReadOnlySet<string>? alsoHeld = null, bool grantMissing = true)
    {
        var items = acl.ToList();
        if (grantMissing)
        {
            var held = items.Where(a => a.Grantee == appRole).Select(a => a.Privilege).ToHashSet(StringComparer.Ordinal);
            foreach (var privilege in wanted.Where(p => !held.Contains(p) && alsoHeld?.Contains(p) != true))
            {
                sink.Add(make(new Finding(privilege, appRole, DriftAction.Grant, owner, false)));
            }
        }
        foreach (var item in items)
        {
            IReadOnlyList<string> allowed;
            if (item.Grantee == appRole)
            {
                allowed = wanted;
            }
            else if (item.Grantee == Acl.Public)
            {
                allowed = publicMayHold ?? wanted;
            }
            else if (members.Contains(item.Grantee))
            {
                allowed = [];
            }
            else
            {
                continue;
            }
            var byOwner = item.Grantor == owner || item.Grantor == grantorAlias;
            var actAs = byOwner ? owner : item.Grantor;
            if (!allowed.Contains(item.Privilege))
            {
                sink.Add(make(new Finding(item.Privilege, item.Grantee, DriftAction.Revoke, actAs, !byOwner)));
            }
            else if (item.Grantable)
            {
                sink.Add(make(new Finding(item.Privilege, item.Grantee, DriftAction.RevokeGrantOption, actAs, !byOwner)));
            }
        }
    }
}
