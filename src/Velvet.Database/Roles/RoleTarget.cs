using Velvet.Core.Secrets;

namespace Velvet.Database.Roles;

/// <summary>
/// Everything role management needs about one app credential: its roles, the admin connection that changes them,
/// and where the app connects (host, port, database and query of <see cref="UrlTemplate"/>; user and password are
/// Velvet's to fill in).
/// </summary>
public sealed record RoleTarget
{
    public required RoleLayout Layout { get; init; }
    /// <summary>The admin URL (a role with CREATEROLE, or a superuser). Never printed: only <see cref="AdminSource"/> and its masked form.</summary>
    public required Dsn.Dsn Admin { get; init; }
    public required Dsn.Dsn UrlTemplate { get; init; }
    public ManagedProvider Provider { get; init; } = ManagedProvider.Auto;
    /// <summary>Where the admin URL came from, for messages (e.g. <c>$DATABASE_ROOT_URL</c>).</summary>
    public required string AdminSource { get; init; }

    public string AdminUser => Admin.User ?? "(admin)";

    /// <summary>The app's URL for a login and password: the credential value consumers receive.</summary>
    public SecretValue UrlFor(string login, string password) => new(UrlTemplate.ToUri(login, password));

    /// <summary>The URL a login would get, without a password: safe to print.</summary>
    public string MaskedUrlFor(string login) => Dsn.Dsn.Parse(UrlTemplate.ToUri(login, "x")).Masked;

    /// <summary>Query parameters libpq understands in a URL; anything else (Npgsql keywords of a key=value admin DSN) is dropped.</summary>
    private static readonly HashSet<string> UriParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslnegotiation", "application_name", "connect_timeout",
        "options", "target_session_attrs", "channel_binding", "gssencmode", "keepalives", "keepalives_idle",
    };

    /// <summary>
    /// A template from a DSN: its host, port, database (or <paramref name="database"/>) and the query parameters libpq
    /// knows. Throws <see cref="ArgumentException"/> for a non-PostgreSQL DSN.
    /// </summary>
    public static Dsn.Dsn TemplateFrom(Dsn.Dsn source, string? database = null)
    {
        if (source.Kind != Dsn.DsnKind.Postgres) throw new ArgumentException("the URL template must be a PostgreSQL URL");
        // scheme://user:password@host:port/database?query; user and password are placeholders ToUri replaces later.
        var uri = source.ToUri("velvet-template", "x");
        var query = uri.IndexOf('?', StringComparison.Ordinal);
        var head = query < 0 ? uri : uri[..query];
        if (database is not null)
            head = head[..(head.IndexOf('/', head.IndexOf("://", StringComparison.Ordinal) + 3) + 1)] + Uri.EscapeDataString(database);
        var kept = source.Parameters.Where(p => UriParameters.Contains(p.Key))
            .Select(p => Uri.EscapeDataString(p.Key.ToLowerInvariant()) + "=" + Uri.EscapeDataString(p.Value)).ToList();
        return Dsn.Dsn.Parse(kept.Count == 0 ? head : head + "?" + string.Join('&', kept));
    }
}
