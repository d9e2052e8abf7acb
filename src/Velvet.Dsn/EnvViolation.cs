namespace Velvet.Dsn;

/// <summary>What kind of rule a runtime environment breaks.</summary>
public enum EnvViolationKind
{
    /// <summary>A provisioning variable (e.g. <c>DATABASE_ROOT_URL</c>, <c>APP_DB_*</c>) is present.</summary>
    ForbiddenVariable = 1,

    /// <summary>A runtime DSN variable is set but does not parse.</summary>
    UnparseableDsn = 2,

    /// <summary>A runtime DSN names no user, so its role cannot be checked.</summary>
    MissingUser = 3,

    /// <summary>A runtime DSN logs in as a denylisted (superuser/admin) name.</summary>
    DeniedUser = 4,

    /// <summary>Two runtime DSNs log in as the same user.</summary>
    SameUser = 5,
}

/// <summary>One broken rule. <see cref="Message"/> names the variable and the fix and never contains a password.</summary>
/// <param name="Kind">Which rule.</param>
/// <param name="Variable">The variable at fault.</param>
/// <param name="Message">What is wrong and what to do (values masked).</param>
public sealed record EnvViolation(EnvViolationKind Kind, string Variable, string Message)
{
    /// <summary>For <see cref="EnvViolationKind.SameUser"/>: the other variable; for a forbidden variable: the pattern it matched.</summary>
    public string? Related { get; init; }

    /// <summary>Returns <see cref="Message"/>.</summary>
    /// <returns>The message.</returns>
    public override string ToString() => Message;
}
