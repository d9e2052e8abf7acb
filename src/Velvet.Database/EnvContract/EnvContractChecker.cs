using Velvet.Dsn;

namespace Velvet.Database.EnvContract;

/// <summary>
/// Reads every source of an <see cref="EnvContract"/> and checks each runtime container's environment with the
/// Velvet.Dsn invariants: no provisioning variable (reported per occurrence with file:line), and DSNs written in
/// the files that parse, name a non-admin user and differ between app and service.
/// </summary>
public static class EnvContractChecker
{
    /// <summary>Loads the sources and checks them.</summary>
    /// <param name="contract">The contract.</param>
    /// <returns>The report.</returns>
    /// <exception cref="EnvFileException">A source is missing (and not optional) or malformed.</exception>
    public static EnvCheckReport Check(EnvContract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var notes = new List<string>();
        var containers = ReadSources(contract, notes);
        foreach (var listed in contract.Runtime.Concat(contract.Provisioning).Where(n => !containers.ContainsKey(n)))
        {
            notes.Add($"'{listed}' is listed in {contract.File} but found in no source");
        }

        return new EnvCheckReport([.. containers.Select(c => CheckContainer(contract, c.Key, c.Value))], notes);
    }

    private static Dictionary<string, List<EnvEntry>> ReadSources(EnvContract contract, List<string> notes)
    {
        var containers = new Dictionary<string, List<EnvEntry>>(StringComparer.Ordinal);
        List<EnvEntry> Of(string name) => containers.TryGetValue(name, out var list) ? list : containers[name] = [];
        foreach (var source in contract.Sources)
        {
            if (!File.Exists(source.Path))
            {
                if (source.Optional)
                {
                    notes.Add($"optional source {source.Display} not found: skipped");
                    continue;
                }

                throw new EnvFileException(source.DeclaredAt, $"source file {source.Display} not found (paths are relative to the contract; mark it optional: true if it may be absent)");
            }

            switch (source.Kind)
            {
                case EnvSourceKind.Compose:
                    foreach (var (service, entries) in ComposeReader.Read(source.Path, source.Display, contract.Display))
                    {
                        Of(service).AddRange(entries);
                    }

                    break;
                case EnvSourceKind.Dotenv:
                    Of(source.Container!).AddRange(DotenvReader.Read(source.Path, source.Display));
                    break;
                default:
                    Of(source.Container!).AddRange(HerokuConfigReader.Read(source.Path, source.Display));
                    break;
            }
        }

        return containers;
    }

    private static ContainerReport CheckContainer(EnvContract contract, string name, List<EnvEntry> entries)
    {
        var role = contract.RoleOf(name);
        var effective = new Dictionary<string, EnvEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            effective[entry.Name] = entry; // later sources win, as compose's environment: wins over env_file:
        }

        var isChecked = role == ContainerRole.Runtime || (role == ContainerRole.Unlisted && contract.UnlistedAsRuntime);
        if (!isChecked)
        {
            return new ContainerReport(name, role, false, effective.Count, [], []);
        }

        // Values known only at deploy time count as present (forbidden names) but are not parsed as DSNs.
        var env = effective.ToDictionary(e => e.Key, e => e.Value.HasLiteralValue ? e.Value.Value! : "", StringComparer.Ordinal);
        var findings = new List<EnvFinding>();
        foreach (var violation in DsnInvariants.CheckEnvInvariants(env, contract.Invariants))
        {
            var where = violation.Kind == EnvViolationKind.ForbiddenVariable
                ? entries.Where(e => e.Name == violation.Variable).Select(e => e.Location)
                : [effective[violation.Variable].Location];
            findings.AddRange(where.Select(at => new EnvFinding(name, at, violation)));
        }

        var notes = contract.Invariants.DsnVariables
            .Where(v => effective.TryGetValue(v, out var e) && !e.HasLiteralValue)
            .Select(v => $"{v} at {effective[v].Location} is set at deploy time ({(effective[v].Interpolated ? "${…}" : "no value in the file")}): " +
                "its DSN is not checked here; run `velvet dsn check` where it is set")
            .ToList();
        return new ContainerReport(name, role, true, effective.Count, findings, notes);
    }
}
