using System.Collections;

namespace Velvet.Dsn;

/// <summary>
/// The runtime side of the provisioning/runtime boundary: no provisioning credential in the environment, runtime
/// DSNs that parse, name distinct users, and never a superuser/admin name. Call
/// <see cref="AssertEnvInvariants(EnvInvariantOptions?)"/> at startup.
/// </summary>
public static class DsnInvariants
{
    /// <summary>Throws when the process environment breaks an invariant.</summary>
    /// <param name="options">What to enforce; defaults when null.</param>
    /// <exception cref="EnvInvariantException">Lists every violation (values masked).</exception>
    public static void AssertEnvInvariants(EnvInvariantOptions? options = null) =>
        AssertEnvInvariants(ProcessEnvironment(), options);

    /// <summary>Throws when <paramref name="env"/> breaks an invariant.</summary>
    /// <param name="env">Variable name → value.</param>
    /// <param name="options">What to enforce; defaults when null.</param>
    /// <exception cref="EnvInvariantException">Lists every violation (values masked).</exception>
    public static void AssertEnvInvariants(IReadOnlyDictionary<string, string> env, EnvInvariantOptions? options = null)
    {
        var violations = CheckEnvInvariants(env, options);
        if (violations.Count > 0)
        {
            throw new EnvInvariantException(violations);
        }
    }

    /// <summary>Every invariant the process environment breaks, without throwing.</summary>
    /// <param name="options">What to enforce; defaults when null.</param>
    /// <returns>The violations; empty when the environment is fine.</returns>
    public static IReadOnlyList<EnvViolation> CheckEnvInvariants(EnvInvariantOptions? options = null) =>
        CheckEnvInvariants(ProcessEnvironment(), options);

    /// <summary>Every invariant <paramref name="env"/> breaks, without throwing.</summary>
    /// <param name="env">Variable name → value. A present but empty variable counts as present for forbidden names.</param>
    /// <param name="options">What to enforce; defaults when null.</param>
    /// <returns>The violations, forbidden variables first (by name), then DSN problems; empty when fine.</returns>
    public static IReadOnlyList<EnvViolation> CheckEnvInvariants(IReadOnlyDictionary<string, string> env, EnvInvariantOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        options ??= new EnvInvariantOptions();
        var violations = new List<EnvViolation>();
        foreach (var (name, value) in env.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (DsnPolicy.MatchForbidden(name, options.ForbiddenVariables) is { } pattern)
            {
                violations.Add(new EnvViolation(EnvViolationKind.ForbiddenVariable, name,
                    $"{name} is a provisioning credential (forbidden: {pattern}) and must not be in a runtime environment{Holding(value)}: " +
                    "remove it; only the provisioning container may hold it") { Related = pattern });
            }
        }

        var users = new List<(string Variable, string User)>();
        foreach (var variable in options.DsnVariables.Distinct(StringComparer.Ordinal))
        {
            if (!env.TryGetValue(variable, out var value) || string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (CheckDsn(variable, value, options.DeniedUsers) is { } violation)
            {
                violations.Add(violation);
            }

            if (Dsn.TryParse(value, out var dsn, out _) && dsn is { Kind: DsnKind.Postgres, User: { } user })
            {
                users.Add((variable, user));
            }
        }

        for (var i = 0; i < users.Count; i++)
        {
            for (var j = i + 1; j < users.Count; j++)
            {
                if (string.Equals(users[i].User, users[j].User, StringComparison.Ordinal))
                {
                    violations.Add(new EnvViolation(EnvViolationKind.SameUser, users[i].Variable,
                        $"{users[i].Variable} and {users[j].Variable} both log in as '{users[i].User}': they must be different roles " +
                        "(role isolation); point each at its own user") { Related = users[j].Variable });
                }
            }
        }

        return violations;
    }

    /// <summary>Checks one runtime DSN on its own: parses, names a user, not denylisted. SQLite DSNs pass.</summary>
    /// <param name="variable">The variable's name (for the message).</param>
    /// <param name="value">Its value.</param>
    /// <param name="deniedUsers">The denylist; <see cref="DsnPolicy.DefaultDeniedUsers"/> when null.</param>
    /// <returns>The violation, or null when the DSN is fine.</returns>
    public static EnvViolation? CheckDsn(string variable, string value, IReadOnlyList<string>? deniedUsers = null)
    {
        ArgumentNullException.ThrowIfNull(variable);
        deniedUsers ??= DsnPolicy.DefaultDeniedUsers;
        if (!Dsn.TryParse(value, out var dsn, out var error))
        {
            return new EnvViolation(EnvViolationKind.UnparseableDsn, variable, $"{variable} is not a valid DSN: {error}");
        }

        if (dsn.Kind != DsnKind.Postgres)
        {
            return null;
        }

        if (dsn.User is null)
        {
            return new EnvViolation(EnvViolationKind.MissingUser, variable,
                $"{variable} names no user ({dsn.Masked}), so its role cannot be checked: write postgres://USER:PASSWORD@HOST:PORT/DB");
        }

        return DsnPolicy.IsDeniedUser(dsn.User, deniedUsers)
            ? new EnvViolation(EnvViolationKind.DeniedUser, variable,
                $"{variable} logs in as '{dsn.User}', a superuser/admin name (denylist: {string.Join(", ", deniedUsers)}): " +
                $"use the restricted runtime role ({dsn.Masked})")
            : null;
    }

    /// <summary>" (holds postgres://root@db:5432/app)" for a URI value; nothing for anything else (it may be a bare password).</summary>
    private static string Holding(string value) =>
        value.Contains("://", StringComparison.Ordinal) && Dsn.TryParse(value, out var dsn, out _) ? $" (holds {dsn.Masked})" : "";

    private static Dictionary<string, string> ProcessEnvironment()
    {
        var env = new Dictionary<string, string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            env[(string)entry.Key] = entry.Value as string ?? "";
        }

        return env;
    }
}
