namespace Velvet.Cli;

/// <summary>Every exit code of <c>velvet</c>, documented once (docs/operator-guide.md mirrors this table).</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>Unexpected failure (a bug or an infrastructure fault); the message says what.</summary>
    public const int Failure = 1;
    /// <summary>Bad command line or input value.</summary>
    public const int Usage = 2;
    /// <summary>A check failed: invalid manifest, drift, invariant broken.</summary>
    public const int CheckFailed = 3;
    /// <summary>Refused: action not allowed in this status, another rotation in flight, policy.</summary>
    public const int Refused = 4;
    /// <summary>The credential or job does not exist.</summary>
    public const int NotFound = 5;
    /// <summary>Configuration missing or wrong (master key, store location).</summary>
    public const int Config = 6;
    /// <summary>The job stopped in a status that needs a person (verify_failed, distribute_partial, rev_leaked...).</summary>
    public const int NeedsOperator = 7;
}
