using Velvet.Dsn;

namespace Velvet.Database.EnvContract;

/// <summary>A broken rule in one container, where it is written. Never holds a value (DSNs appear masked).</summary>
/// <param name="Container">The container/app.</param>
/// <param name="Location">The file:line of the variable.</param>
/// <param name="Violation">What is wrong.</param>
public sealed record EnvFinding(string Container, SourceLocation Location, EnvViolation Violation)
{
    /// <summary>"✗ app: docker-compose.yml:14: DATABASE_ROOT_URL is a provisioning credential …".</summary>
    /// <returns>The line.</returns>
    public string Render() => $"✗ {Container}: {Location}: {Violation.Message}";
}

/// <summary>One container's outcome.</summary>
/// <param name="Name">The container/app.</param>
/// <param name="Role">Its role in the contract.</param>
/// <param name="Checked">Whether its environment was checked (runtime, or unlisted with <c>unlisted: runtime</c>).</param>
/// <param name="VariableCount">How many variables it gets (distinct names).</param>
/// <param name="Findings">Broken rules.</param>
/// <param name="Notes">Things not checked and why.</param>
public sealed record ContainerReport(string Name, ContainerRole Role, bool Checked, int VariableCount, IReadOnlyList<EnvFinding> Findings, IReadOnlyList<string> Notes)
{
    /// <summary>The lines to print for this container.</summary>
    /// <returns>The lines.</returns>
    public IEnumerable<string> Render()
    {
        if (Role == ContainerRole.Unlisted)
        {
            yield return Checked
                ? $"· {Name}: named in neither runtime: nor provisioning: of the contract: checked as runtime (list it to silence this)"
                : $"· {Name}: named in neither runtime: nor provisioning: of the contract: ignored (unlisted: ignore)";
        }

        if (Role == ContainerRole.Provisioning)
        {
            yield return $"· {Name}: provisioning: may hold provisioning credentials ({VariableCount} variable(s), not checked)";
        }
        else if (Checked && Findings.Count == 0)
        {
            yield return $"✓ {Name}: runtime: no provisioning credentials, DSNs ok ({VariableCount} variable(s))";
        }

        foreach (var finding in Findings)
        {
            yield return finding.Render();
        }

        foreach (var note in Notes)
        {
            yield return $"· {Name}: {note}";
        }
    }
}

/// <summary>The outcome of <see cref="EnvContractChecker.Check"/>.</summary>
/// <param name="Containers">Every container found, in source order.</param>
/// <param name="Notes">Contract-level notes (listed containers found nowhere, optional sources skipped).</param>
public sealed record EnvCheckReport(IReadOnlyList<ContainerReport> Containers, IReadOnlyList<string> Notes)
{
    /// <summary>Every finding.</summary>
    public IEnumerable<EnvFinding> Findings => Containers.SelectMany(c => c.Findings);

    /// <summary>True when no runtime container breaks a rule.</summary>
    public bool Passed => !Findings.Any();

    /// <summary>All lines to print, summary last.</summary>
    /// <returns>The lines.</returns>
    public IEnumerable<string> Render() =>
        Containers.SelectMany(c => c.Render()).Concat(Notes.Select(n => "· note: " + n)).Append(Summary);

    /// <summary>"env check: ok, 3 runtime container(s) clean" or "env check: 4 violation(s) in 2 runtime container(s)".</summary>
    public string Summary
    {
        get
        {
            var checkedCount = Containers.Count(c => c.Checked);
            var failing = Containers.Count(c => c.Findings.Count > 0);
            return Passed
                ? $"env check: ok, {checkedCount} runtime container(s) clean"
                : $"env check: {Findings.Count()} violation(s) in {failing} runtime container(s)";
        }
    }
}
