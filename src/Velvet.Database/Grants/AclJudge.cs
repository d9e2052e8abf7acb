namespace Velvet.Database.Grants;

/// <summary>
/// Judges the ACL entries of one object against what the app role should hold, listing each privilege to grant or
/// revoke. The rules are in <see cref="GrantsPlanner"/>'s summary. Allocation-free when nothing is wrong: a plan of
/// 10,000 tables judges 10,000 ACLs.
/// </summary>
internal sealed class AclJudge(string appRole, IReadOnlySet<string> members)
{
    /// <summary>One privilege to fix, before it is dressed as a drift line of its object.</summary>
    public readonly record struct Finding(string Privilege, string Grantee, DriftAction Action, string ActAs, bool AsGrantor);

    /// <param name="into">Receives the findings (not cleared).</param>
    /// <param name="acl">The object's entries.</param>
    /// <param name="ignoreGrantee">The object owner: its own entries are not grants to judge.</param>
    /// <param name="wanted">What the app role should hold.</param>
    /// <param name="owner">The role that fixes it: grants and revokes it made need no SET ROLE.</param>
    /// <param name="publicMayHold">What PUBLIC may hold (default: <paramref name="wanted"/>).</param>
    /// <param name="grantorAlias">A former owner whose grants count as the owner's (ownership is about to move).</param>
    /// <param name="alsoHeld">Privileges the app role holds from elsewhere (all-schemas default privileges).</param>
    /// <param name="grantMissing">False: only report what is held and not wanted.</param>
    public void Judge(List<Finding> into, IReadOnlyList<AclItem> acl, string? ignoreGrantee, IReadOnlyList<string> wanted, string owner,
        IReadOnlyList<string>? publicMayHold = null, string? grantorAlias = null, IReadOnlySet<string>? alsoHeld = null, bool grantMissing = true)
    {
        if (grantMissing)
        {
            foreach (var privilege in wanted)
            {
                if (!Holds(acl, ignoreGrantee, privilege) && alsoHeld?.Contains(privilege) != true)
                {
                    into.Add(new Finding(privilege, appRole, DriftAction.Grant, owner, false));
                }
            }
        }
        foreach (var item in acl)
        {
            if (item.Grantee == ignoreGrantee)
            {
                continue;
            }
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
            if (!Contains(allowed, item.Privilege))
            {
                into.Add(new Finding(item.Privilege, item.Grantee, DriftAction.Revoke, actAs, !byOwner));
            }
            else if (item.Grantable)
            {
                into.Add(new Finding(item.Privilege, item.Grantee, DriftAction.RevokeGrantOption, actAs, !byOwner));
            }
        }
    }

    private bool Holds(IReadOnlyList<AclItem> acl, string? ignoreGrantee, string privilege)
    {
        foreach (var item in acl)
        {
            if (item.Grantee == appRole && item.Grantee != ignoreGrantee && item.Privilege == privilege)
            {
                return true;
            }
        }
        return false;
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var s in list)
        {
            if (s == value)
            {
                return true;
            }
        }
        return false;
    }
}
