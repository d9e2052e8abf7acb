using Velvet.Dsn;

namespace Velvet.Database.DsnCheck;

/// <summary>What a checked DSN is for.</summary>
public enum DsnTargetKind
{
    /// <summary>Used by a runtime container: must be a restricted role.</summary>
    Runtime = 1,

    /// <summary>The owner/migration URL: must parse and differ from the runtime users; its privileges are expected.</summary>
    Owner = 2,
}

/// <summary>One DSN to check, read from a variable.</summary>
/// <param name="Label">"app", "service", "owner": how the output names it.</param>
/// <param name="Variable">The variable it was read from.</param>
/// <param name="Value">Its value (a secret), or null when unset.</param>
/// <param name="Kind">Runtime or owner.</param>
public sealed record DsnTarget(string Label, string Variable, string? Value, DsnTargetKind Kind = DsnTargetKind.Runtime)
{
    /// <summary>BYPASSRLS is expected (the seed's service user). Other attributes still fail.</summary>
    public bool AllowBypassRls { get; init; }

    /// <summary>Owning tables/schemas is accepted (setups where this role runs migrations under FORCE ROW LEVEL SECURITY).</summary>
    public bool AllowOwnership { get; init; }

    /// <summary>Redacted: a target never prints its value.</summary>
    /// <returns>"label VARIABLE".</returns>
    public override string ToString() => $"{Label} {Variable}";
}

/// <summary>Options for <see cref="DsnChecker"/>.</summary>
public sealed class DsnCheckOptions
{
    /// <summary>Log in with each DSN and check the real role attributes.</summary>
    public bool Connect { get; init; }

    /// <summary>User names no runtime DSN may use. Default <see cref="DsnPolicy.DefaultDeniedUsers"/>.</summary>
    public IReadOnlyList<string> DeniedUsers { get; init; } = DsnPolicy.DefaultDeniedUsers;

    /// <summary>Admin roles and timeout for <see cref="Connect"/>.</summary>
    public RoleInspectionOptions Inspection { get; init; } = new();
}

/// <summary>Result of one check.</summary>
public enum CheckOutcome
{
    /// <summary>The check passed (✓).</summary>
    Pass = 1,

    /// <summary>The check failed (✗): exit code 3.</summary>
    Fail = 2,

    /// <summary>Reported, not judged (·).</summary>
    Info = 3,
}

/// <summary>One line of the report. Never holds a password: DSNs appear masked only.</summary>
/// <param name="Outcome">Pass, fail or info.</param>
/// <param name="Subject">What was checked, e.g. "app DATABASE_URL".</param>
/// <param name="Text">The finding, and for a failure what to do.</param>
public sealed record DsnCheckLine(CheckOutcome Outcome, string Subject, string Text)
{
    /// <summary>"✓ app DATABASE_URL: set".</summary>
    /// <returns>The line as printed.</returns>
    public string Render() => $"{Outcome switch { CheckOutcome.Pass => "✓", CheckOutcome.Fail => "✗", _ => "·" }} {Subject}: {Text}";
}

/// <summary>Every check, in order.</summary>
/// <param name="Lines">The checks.</param>
public sealed record DsnCheckReport(IReadOnlyList<DsnCheckLine> Lines)
{
    /// <summary>How many checks failed.</summary>
    public int Failures => Lines.Count(l => l.Outcome == CheckOutcome.Fail);

    /// <summary>True when nothing failed.</summary>
    public bool Passed => Failures == 0;

    /// <summary>"dsn check: ok (9 checks)" or "dsn check: 2 of 9 checks failed".</summary>
    public string Summary
    {
        get
        {
            var judged = Lines.Count(l => l.Outcome != CheckOutcome.Info);
            return Passed ? $"dsn check: ok ({judged} checks)" : $"dsn check: {Failures} of {judged} checks failed";
        }
    }
}
