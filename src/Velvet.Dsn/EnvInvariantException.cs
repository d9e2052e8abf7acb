namespace Velvet.Dsn;

/// <summary>A runtime environment breaks the DSN invariants; <see cref="Violations"/> lists every one (values masked).</summary>
public sealed class EnvInvariantException : DsnConfigurationException
{
    /// <summary>Creates the exception with no violations.</summary>
    public EnvInvariantException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a plain message.</summary>
    /// <param name="message">The message.</param>
    public EnvInvariantException(string message)
        : base(message)
    {
        Violations = [];
    }

    /// <summary>Creates the exception with a plain message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public EnvInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
        Violations = [];
    }

    /// <summary>Creates the exception listing every violation in its message.</summary>
    /// <param name="violations">The violations.</param>
    public EnvInvariantException(IReadOnlyList<EnvViolation> violations)
        : base(Describe(violations))
    {
        Violations = violations;
    }

    /// <summary>Every violation found.</summary>
    public IReadOnlyList<EnvViolation> Violations { get; }

    private static string Describe(IReadOnlyList<EnvViolation> violations) =>
        $"runtime environment breaks {violations.Count} database invariant(s):" +
        string.Concat(violations.Select(v => Environment.NewLine + "  - " + v.Message));
}
