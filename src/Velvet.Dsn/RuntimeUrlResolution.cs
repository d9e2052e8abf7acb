namespace Velvet.Dsn;

/// <summary>Which connection the runtime chose.</summary>
public enum RuntimeRole
{
    /// <summary>The owner URL: the flag is off (emergency rollback); least privilege is not enforced.</summary>
    Owner = 1,

    /// <summary>The restricted app-role URL: the flag is on.</summary>
    AppRole = 2,

    /// <summary>A local SQLite database: the owner URL is unset or a <c>sqlite:</c> URL.</summary>
    Sqlite = 3,
}

/// <summary>
/// The outcome of <see cref="RuntimeDatabaseUrl"/>: the URL to connect with and a log line that says which role
/// the runtime connects as, without the password.
/// </summary>
public sealed class RuntimeUrlResolution
{
    internal RuntimeUrlResolution(RuntimeRole role, string? variable, string url, Dsn dsn, bool flagEnabled,
        IReadOnlyList<string> warnings, RuntimeUrlOptions options)
    {
        Role = role;
        Variable = variable;
        Url = url;
        Dsn = dsn;
        FlagEnabled = flagEnabled;
        Warnings = warnings;
        _options = options;
    }

    private readonly RuntimeUrlOptions _options;

    /// <summary>Owner, app role or SQLite.</summary>
    public RuntimeRole Role { get; }

    /// <summary>The variable the URL came from, or null for the SQLite fallback.</summary>
    public string? Variable { get; }

    /// <summary>The URL to hand to the driver. Contains the password: never log it (log <see cref="LogLine"/>).</summary>
    public string Url { get; }

    /// <summary>The parsed URL (its <see cref="Dsn.ToConnectionString"/> is what Npgsql takes).</summary>
    public Dsn Dsn { get; }

    /// <summary>Whether the role-separation flag is on.</summary>
    public bool FlagEnabled { get; }

    /// <summary>Things that work but defeat the purpose, e.g. the app-role URL logging in as the owner's user.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The masked DSN (<c>scheme://user@host:port/db</c>); safe to log.</summary>
    public string Masked => Dsn.Masked;

    /// <summary>
    /// One line for the startup log, e.g. <c>runtime connection using restricted raptor_app role
    /// (postgres://raptor_app@db:5432/app from RAPTOR_APP_DATABASE_URL)</c>. Never contains the password.
    /// </summary>
    public string LogLine => Role switch
    {
        RuntimeRole.AppRole => $"runtime connection using restricted {UserName} role ({Masked} from {Variable})",
        RuntimeRole.Owner => $"runtime connection using owner {UserName} role ({Masked} from {Variable}): " +
            $"{_options.FlagVariable} is off, least privilege is not enforced",
        _ => $"runtime connection using local SQLite ({Masked}{(Variable is null ? $"; {_options.OwnerVariable} is not set" : " from " + Variable)}): no database roles",
    };

    private string UserName => Dsn.User ?? "(default user)";

    /// <summary>Returns <see cref="LogLine"/>.</summary>
    /// <returns>The log line.</returns>
    public override string ToString() => LogLine;
}
