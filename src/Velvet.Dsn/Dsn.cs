using System.Globalization;

namespace Velvet.Dsn;

/// <summary>What kind of database a DSN points at.</summary>
public enum DsnKind
{
    /// <summary>A PostgreSQL server (<c>postgres://</c>, <c>postgresql://</c> or key=value form).</summary>
    Postgres = 1,

    /// <summary>A local SQLite file (<c>sqlite:</c> forms).</summary>
    Sqlite = 2,
}

/// <summary>
/// A parsed database connection string. The password is held but never appears in <see cref="Masked"/>,
/// <see cref="ToString"/> or any exception message this library raises.
/// </summary>
public sealed partial class Dsn
{
    /// <summary>The PostgreSQL port used when a DSN names none.</summary>
    public const int DefaultPort = 5432;

    private Dsn(DsnKind kind, string scheme)
    {
        Kind = kind;
        Scheme = scheme;
    }

    /// <summary>PostgreSQL or SQLite.</summary>
    public DsnKind Kind { get; }

    /// <summary>
    /// The scheme as written, lower-cased (<c>postgres</c>, <c>postgresql</c>, <c>postgresql+psycopg2</c>,
    /// <c>sqlite</c>...), or <c>postgres</c> for key=value input.
    /// </summary>
    public string Scheme { get; }

    /// <summary>The user name (percent-decoded), or null when none is given.</summary>
    public string? User { get; private init; }

    /// <summary>The password (percent-decoded), or null. Never print it.</summary>
    public string? Password { get; private init; }

    /// <summary>The host name, IP address (IPv6 without brackets) or socket directory, or null (libpq default).</summary>
    public string? Host { get; private init; }

    /// <summary>The port, or null for the default (<see cref="DefaultPort"/>).</summary>
    public int? Port { get; private init; }

    /// <summary>The database name (percent-decoded), or null.</summary>
    public string? Database { get; private init; }

    /// <summary>For SQLite: the file path (relative, absolute, or <c>:memory:</c>); null for PostgreSQL.</summary>
    public string? Path { get; private init; }

    /// <summary>
    /// Query parameters (URI form) or the remaining keywords (key=value form), case-insensitive keys. The parts
    /// with their own property (user, password, host, port, database) are not repeated here.
    /// </summary>
    public IReadOnlyDictionary<string, string> Parameters { get; private init; } =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the input was an ADO.NET-style <c>Key=Value;...</c> string (its keywords are driver keywords).</summary>
    public bool IsConnectionStringForm { get; private init; }

    /// <summary>
    /// The DSN with its password removed: <c>scheme://user@host:port/db</c> for PostgreSQL (default port shown
    /// when none is given), <c>sqlite:///path</c> for SQLite. Query parameters are left out. Safe to log.
    /// </summary>
    public string Masked => Kind == DsnKind.Sqlite
        ? "sqlite:///" + Path
        : string.Create(CultureInfo.InvariantCulture,
            $"{Scheme}://{(User is null ? "" : Uri.EscapeDataString(User) + "@")}{HostForUri}:{Port ?? DefaultPort}/{(Database is null ? "" : Uri.EscapeDataString(Database))}");

    private string HostForUri => Host is null ? ""
        : Host.Contains(':', StringComparison.Ordinal) && !Host.Contains('/', StringComparison.Ordinal) ? "[" + Host + "]"
        : Uri.EscapeDataString(Host);

    /// <summary>Returns <see cref="Masked"/>: a DSN never renders its password.</summary>
    public override string ToString() => Masked;
}
