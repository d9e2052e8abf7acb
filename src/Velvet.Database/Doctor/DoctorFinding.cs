namespace Velvet.Database.Doctor;

/// <summary>How bad a finding is. Any <see cref="Error"/> makes <c>velvet db doctor</c> exit 3.</summary>
public enum DoctorSeverity
{
    /// <summary>For information; nothing to fix.</summary>
    Info = 0,
    /// <summary>Works, but not as the two-URL model intends (e.g. running as the owner with the flag off).</summary>
    Warning = 1,
    /// <summary>Broken now, or broken as soon as the flag is on.</summary>
    Error = 2,
}

/// <summary>One diagnosis: a stable id (scenario letter first, as in the two-URL runbook), what is wrong, the exact fix.</summary>
public sealed record DoctorFinding(string Id, DoctorSeverity Severity, string What, string Fix);

/// <summary>What the doctor looked at (masked) and what it found.</summary>
public sealed record DoctorReport
{
    public required string OwnerVariable { get; init; }
    public required string AppVariable { get; init; }
    public required string FlagVariable { get; init; }
    /// <summary>Masked owner URL, or null when unset.</summary>
    public string? OwnerUrl { get; init; }
    /// <summary>Masked app URL, or null when unset or unparseable.</summary>
    public string? AppUrl { get; init; }
    /// <summary>The flag as set (a flag value is no secret), or null when unset.</summary>
    public string? Flag { get; init; }
    public bool FlagOn { get; init; }
    /// <summary>The runtime's startup log line for this environment (no password), or null when it refuses to start.</summary>
    public string? RuntimeLogLine { get; init; }
    /// <summary>The message the runtime fails fast with, or null when it starts.</summary>
    public string? RuntimeFailure { get; init; }
    /// <summary>The role the app URL logs in as (or is expected to).</summary>
    public string? AppRole { get; init; }
    public required IReadOnlyList<DoctorFinding> Findings { get; init; }

    public bool Healthy => Findings.All(f => f.Severity != DoctorSeverity.Error);
}
