using Velvet.Dsn;
using ParsedDsn = Velvet.Dsn.Dsn;

namespace Velvet.Database.DsnCheck;

/// <summary>
/// The CI DSN gate (the seed's validate-dsns.sh): each DSN set, parseable, naming a user that is not an admin
/// name; runtime users distinct from each other and from the owner; optionally logged in with to check the real
/// role (no SUPERUSER, BYPASSRLS, CREATEROLE, CREATEDB, REPLICATION, admin memberships or owned objects).
/// </summary>
public static partial class DsnChecker
{
    /// <summary>Runs every check; never throws for a bad DSN or a failed login (those are failed checks).</summary>
    /// <param name="targets">The DSNs.</param>
    /// <param name="options">What to check.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>The report.</returns>
    public static async Task<DsnCheckReport> RunAsync(IReadOnlyList<DsnTarget> targets, DsnCheckOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        var lines = new List<DsnCheckLine>();
        var parsed = new List<(DsnTarget Target, ParsedDsn Dsn)>();
        foreach (var target in targets)
        {
            if (CheckStatic(target, options, lines) is { } dsn)
            {
                parsed.Add((target, dsn));
            }
        }

        CheckDistinctUsers(parsed, lines);
        if (options.Connect)
        {
            foreach (var (target, dsn) in parsed)
            {
                await CheckLiveAsync(target, dsn, options, lines, ct).ConfigureAwait(false);
            }
        }

        return new DsnCheckReport(lines);
    }

    private static ParsedDsn? CheckStatic(DsnTarget target, DsnCheckOptions options, List<DsnCheckLine> lines)
    {
        var subject = target.ToString();
        if (string.IsNullOrWhiteSpace(target.Value))
        {
            lines.Add(new(CheckOutcome.Fail, subject, $"empty or unset: set {target.Variable} to the {target.Label} role's postgres:// URL"));
            return null;
        }

        lines.Add(new(CheckOutcome.Pass, subject, "set"));
        if (!ParsedDsn.TryParse(target.Value, out var dsn, out var error))
        {
            lines.Add(new(CheckOutcome.Fail, subject, $"not a valid DSN: {error}"));
            return null;
        }

        if (dsn.Kind != DsnKind.Postgres)
        {
            lines.Add(new(CheckOutcome.Fail, subject, $"{dsn.Masked} is a SQLite URL: there is no database role to check; set the PostgreSQL URL"));
            return null;
        }

        lines.Add(new(CheckOutcome.Pass, subject, "parses as " + dsn.Masked));
        var denied = target.Kind == DsnTargetKind.Owner ? [] : options.DeniedUsers;
        if (DsnInvariants.CheckDsn(target.Variable, target.Value, denied) is { } violation)
        {
            lines.Add(new(CheckOutcome.Fail, subject, violation.Message));
            return violation.Kind == EnvViolationKind.MissingUser ? null : dsn;
        }

        lines.Add(target.Kind == DsnTargetKind.Owner
            ? new(CheckOutcome.Info, subject, $"user '{dsn.User}' (owner: the denylist does not apply)")
            : new(CheckOutcome.Pass, subject, $"user '{dsn.User}' is not a denylisted admin name"));
        return dsn;
    }

    private static void CheckDistinctUsers(List<(DsnTarget Target, ParsedDsn Dsn)> parsed, List<DsnCheckLine> lines)
    {
        for (var i = 0; i < parsed.Count; i++)
        {
            for (var j = i + 1; j < parsed.Count; j++)
            {
                var (a, b) = (parsed[i], parsed[j]);
                var subject = $"{a.Target.Label} vs {b.Target.Label}";
                if (a.Target.Variable == b.Target.Variable)
                {
                    lines.Add(new(CheckOutcome.Fail, subject, $"both are read from {a.Target.Variable}: name two different variables"));
                    continue;
                }

                // One wording for "same user" everywhere: the Velvet.Dsn invariant's.
                var same = DsnInvariants.CheckEnvInvariants(
                    new Dictionary<string, string> { [a.Target.Variable] = a.Target.Value!, [b.Target.Variable] = b.Target.Value! },
                    new EnvInvariantOptions { ForbiddenVariables = [], DeniedUsers = [], DsnVariables = [a.Target.Variable, b.Target.Variable] })
                    .FirstOrDefault(v => v.Kind == EnvViolationKind.SameUser);
                lines.Add(same is null
                    ? new(CheckOutcome.Pass, subject, $"users differ ({a.Target.Variable} '{a.Dsn.User}' ≠ {b.Target.Variable} '{b.Dsn.User}')")
                    : new(CheckOutcome.Fail, subject, same.Message));
            }
        }
    }
}
