namespace Velvet.Dsn;

/// <summary>
/// Chooses the database URL an app connects with at startup (the two-URL model): flag on → the restricted
/// app-role URL, failing fast when it is missing; flag off → the owner URL (emergency rollback); owner URL unset
/// or SQLite → local SQLite, regardless of the flag.
/// </summary>
public static class RuntimeDatabaseUrl
{
    /// <summary>Resolves from the process environment.</summary>
    /// <param name="options">Variable names; the runbook's defaults when null.</param>
    /// <returns>The chosen URL and its log line.</returns>
    /// <exception cref="DsnConfigurationException">The configuration cannot be used; the message says what to set.</exception>
    public static RuntimeUrlResolution Resolve(RuntimeUrlOptions? options = null) =>
        Resolve(Environment.GetEnvironmentVariable, options);

    /// <summary>Resolves from a dictionary of variables (tests, or an app's own configuration).</summary>
    /// <param name="env">Variable name → value.</param>
    /// <param name="options">Variable names; the runbook's defaults when null.</param>
    /// <returns>The chosen URL and its log line.</returns>
    /// <exception cref="DsnConfigurationException">The configuration cannot be used; the message says what to set.</exception>
    public static RuntimeUrlResolution Resolve(IReadOnlyDictionary<string, string> env, RuntimeUrlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        return Resolve(name => env.TryGetValue(name, out var v) ? v : null, options);
    }

    /// <summary>Resolves from an environment lookup.</summary>
    /// <param name="env">Returns a variable's value, or null when unset.</param>
    /// <param name="options">Variable names; the runbook's defaults when null.</param>
    /// <returns>The chosen URL and its log line.</returns>
    /// <exception cref="DsnConfigurationException">The configuration cannot be used; the message says what to set.</exception>
    public static RuntimeUrlResolution Resolve(Func<string, string?> env, RuntimeUrlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        options ??= new RuntimeUrlOptions();
        var owner = Read(env, options.OwnerVariable);
        var flagText = Read(env, options.FlagVariable);
        if (owner is null)
        {
            return Sqlite(options.SqliteFallbackUrl, null, flagText, options);
        }

        if (!Dsn.TryParse(owner, out var ownerDsn, out var ownerError))
        {
            throw new DsnConfigurationException(
                $"{options.OwnerVariable} is not a valid DSN ({ownerError}): set it to a postgres:// URL, a sqlite:/// URL, or unset it for local SQLite.");
        }

        if (ownerDsn.Kind == DsnKind.Sqlite)
        {
            return Sqlite(owner, options.OwnerVariable, flagText, options);
        }

        if (!ParseFlag(flagText, options))
        {
            return new RuntimeUrlResolution(RuntimeRole.Owner, options.OwnerVariable, owner, ownerDsn, false, [], options);
        }

        var fallback = $"or set {options.FlagVariable}=0 to fall back to {options.OwnerVariable} (owner credential, emergency rollback)";
        var app = Read(env, options.AppRoleVariable) ?? throw new DsnConfigurationException(
            $"{options.AppRoleVariable} is required when {options.FlagVariable}={flagText} and {options.OwnerVariable} resolves to a Postgres URL. " +
            $"Set {options.AppRoleVariable} to the restricted role's URL, {fallback}.");
        if (!Dsn.TryParse(app, out var appDsn, out var appError))
        {
            throw new DsnConfigurationException(
                $"{options.AppRoleVariable} is not a valid DSN ({appError}): re-seed it from its canonical copy, {fallback}.");
        }

        if (appDsn.Kind != DsnKind.Postgres)
        {
            throw new DsnConfigurationException(
                $"{options.AppRoleVariable} must be a PostgreSQL URL when {options.OwnerVariable} is one: set it to the restricted role's postgres:// URL, {fallback}.");
        }

        var warnings = new List<string>();
        if (appDsn.User is not null && string.Equals(appDsn.User, ownerDsn.User, StringComparison.Ordinal))
        {
            warnings.Add($"{options.AppRoleVariable} logs in as '{appDsn.User}', the same user as {options.OwnerVariable}: " +
                "the role separation has no effect (was the app-role URL overwritten with the owner URL?); re-seed it from its canonical copy.");
        }

        return new RuntimeUrlResolution(RuntimeRole.AppRole, options.AppRoleVariable, app, appDsn, true, warnings, options);
    }

    private static RuntimeUrlResolution Sqlite(string url, string? variable, string? flagText, RuntimeUrlOptions options)
    {
        if (!Dsn.TryParse(url, out var dsn, out var error) || dsn.Kind != DsnKind.Sqlite)
        {
            throw new DsnConfigurationException(
                $"{nameof(RuntimeUrlOptions.SqliteFallbackUrl)} must be a sqlite: URL ({error ?? "it is a server URL"}).");
        }

        // The runbook: the SQLite path applies whatever the flag says, so the flag is not validated here.
        var flagOn = TryParseFlag(flagText, out var on) && on;
        IReadOnlyList<string> warnings = flagOn
            ? [$"{options.FlagVariable}={flagText} has no effect: {options.OwnerVariable} is {(variable is null ? "not set" : "a SQLite URL")}, so the app uses local SQLite."]
            : [];
        return new RuntimeUrlResolution(RuntimeRole.Sqlite, variable, url, dsn, flagOn, warnings, options);
    }

    /// <summary>
    /// Reads the role-separation flag's value as <see cref="Resolve(Func{string, string?}, RuntimeUrlOptions?)"/> does:
    /// <c>1</c> or <c>true</c> (any case) is on; <c>0</c>, <c>false</c> (any case), empty or unset is off.
    /// </summary>
    /// <param name="value">The variable's value, or null when unset; surrounding white space is ignored.</param>
    /// <param name="enabled">Whether the flag is on; false when the value is not recognised.</param>
    /// <returns>False for any other value (which <c>Resolve</c> rejects when the owner URL is PostgreSQL).</returns>
    public static bool TryParseFlag(string? value, out bool enabled)
    {
        var text = value?.Trim();
        enabled = text == "1" || string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);
        return enabled || string.IsNullOrEmpty(text) || text == "0" || text.Equals("false", StringComparison.OrdinalIgnoreCase);
    }

    private static bool ParseFlag(string? text, RuntimeUrlOptions options)
    {
        if (TryParseFlag(text, out var enabled))
        {
            return enabled;
        }

        throw new DsnConfigurationException(
            $"{options.FlagVariable} has an invalid value: accepted values are 1 or true (use {options.AppRoleVariable}) and 0, false or unset (use {options.OwnerVariable}).");
    }

    private static string? Read(Func<string, string?> env, string name)
    {
        var value = env(name)?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
