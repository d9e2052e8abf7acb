namespace Velvet.Database.Grants;

/// <summary>What PostgreSQL did with one attempted operation.</summary>
public enum ProveOutcome
{
    /// <summary>Refused with 42501 (insufficient privilege).</summary>
    Refused = 1,
    /// <summary>Passed the privilege check (ran, or failed later for another reason such as a trigger).</summary>
    Allowed = 2,
    /// <summary>Failed before the privilege check (lock timeout, a statement Velvet could not build): proves nothing.</summary>
    Inconclusive = 3,
}

/// <summary>One operation tried as the app role inside the rolled-back transaction.</summary>
/// <param name="Detail">SQLSTATE and message of a failure, or the column an UPDATE was allowed on.</param>
public sealed record ProveCheck(string Table, TableClass Class, string Operation, bool ShouldBeAllowed, ProveOutcome Outcome, string? Detail)
{
    /// <summary>True when PostgreSQL did what the policy says.</summary>
    public bool Passed => Outcome == (ShouldBeAllowed ? ProveOutcome.Allowed : ProveOutcome.Refused);

    /// <summary>The result column: <c>refused (42501)</c>, <c>allowed</c>, <c>ALLOWED</c>, <c>REFUSED (42501)</c>.</summary>
    public string Result => (Outcome, ShouldBeAllowed) switch
    {
        (ProveOutcome.Refused, false) => "refused (42501)",
        (ProveOutcome.Allowed, true) => "allowed",
        (ProveOutcome.Allowed, false) => "ALLOWED" + (Detail is null ? "" : $" ({Detail})") + " <- the policy forbids it",
        (ProveOutcome.Refused, true) => "REFUSED (42501) <- the policy grants it; the app will fail here",
        _ => $"INCONCLUSIVE ({Detail})",
    };
}

/// <summary>Everything prove tried, as whom.</summary>
public sealed record ProveResult(string ConnectedAs, bool IsSuperuser, bool ActsAsAppRole, IReadOnlyList<ProveCheck> Checks)
{
    /// <summary>True when every check passed.</summary>
    public bool Passed => Checks.All(c => c.Passed);
}
