using System.Globalization;
using System.Text;

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
public sealed class Dsn
{
    private Dsn(DsnKind kind, string scheme)
    {
        Kind = kind;
        Scheme = scheme;
    }

    /// <summary>PostgreSQL or SQLite.</summary>
    public DsnKind Kind { get; }

    /// <summary>The scheme as written (<c>postgres</c>, <c>postgresql</c>, <c>sqlite</c>), or <c>postgres</c> for key=value input.</summary>
    public string Scheme { get; }

    /// <summary>The user name (percent-decoded), or null when none is given.</summary>
    public string? User { get; private init; }

    /// <summary>The password (percent-decoded), or null. Never print it.</summary>
    public string? Password { get; private init; }

    /// <summary>The host name or IP address (IPv6 without brackets), or null (local socket / default).</summary>
    public string? Host { get; private init; }

    /// <summary>The port, or null for the default (5432).</summary>
    public int? Port { get; private init; }

    /// <summary>The database name (percent-decoded), or null.</summary>
    public string? Database { get; private init; }

    /// <summary>For SQLite: the file path (may be relative, or <c>:memory:</c>).</summary>
    public string? Path { get; private init; }

    /// <summary>Query parameters (URI form) or the remaining keywords (key=value form), case-insensitive keys.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; private init; } =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The DSN with its password removed: <c>scheme://user@host:port/db</c> for PostgreSQL, <c>sqlite:///path</c>
    /// for SQLite. Safe to log.
    /// </summary>
    public string Masked => Kind == DsnKind.Sqlite
        ? "sqlite:///" + Path
        : string.Create(CultureInfo.InvariantCulture,
            $"{Scheme}://{(User is null ? "" : User + "@")}{HostForUri}:{Port ?? 5432}/{Database}");

    private string HostForUri => Host is null ? "" : Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host;

    /// <summary>Returns <see cref="Masked"/>: a DSN never renders its password.</summary>
    public override string ToString() => Masked;

    /// <summary>Parses a DSN, throwing <see cref="DsnFormatException"/> (whose message never contains the input) on bad input.</summary>
    /// <param name="value">A <c>postgres://</c> / <c>postgresql://</c> URI, a libpq key=value string, or a <c>sqlite:</c> form.</param>
    public static Dsn Parse(string? value) =>
        TryParse(value, out var dsn, out var error) ? dsn! : throw new DsnFormatException(error!);

    /// <summary>Parses a DSN without throwing.</summary>
    /// <param name="value">The DSN text.</param>
    /// <param name="dsn">The parsed DSN, or null.</param>
    /// <param name="error">Why it is not a DSN (never contains the input), or null.</param>
    /// <returns>True when <paramref name="value"/> parsed.</returns>
    public static bool TryParse(string? value, out Dsn? dsn, out string? error)
    {
        dsn = null;
        error = null;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "the DSN is empty";
            return false;
        }

        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseSqlite(text, out dsn, out error);
        }

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            var scheme = text[..schemeEnd].ToLowerInvariant();
            if (scheme is not ("postgres" or "postgresql"))
            {
                error = $"unsupported scheme '{(scheme.Length <= 20 ? scheme : scheme[..20])}': use postgres://, postgresql:// or sqlite:";
                return false;
            }

            return TryParseUri(scheme, text[(schemeEnd + 3)..], out dsn, out error);
        }

        if (text.Contains('=', StringComparison.Ordinal))
        {
            return TryParseKeyValue(text, out dsn, out error);
        }

        error = "not a DSN: expected postgres://user:password@host:port/db, key=value pairs, or sqlite:///path";
        return false;
    }

    private static bool TryParseSqlite(string text, out Dsn? dsn, out string? error)
    {
        error = null;
        var rest = text["sqlite:".Length..];
        // sqlite:///relative.db, sqlite:////abs/path.db, sqlite://:memory:, sqlite:file.db
        if (rest.StartsWith("///", StringComparison.Ordinal))
        {
            rest = rest[3..];
        }
        else if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            rest = rest[2..];
        }

        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            rest = rest[..query];
        }

        dsn = new Dsn(DsnKind.Sqlite, "sqlite") { Path = rest.Length == 0 ? ":memory:" : Uri.UnescapeDataString(rest) };
        return true;
    }

    private static bool TryParseUri(string scheme, string rest, out Dsn? dsn, out string? error)
    {
        dsn = null;
        error = null;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        if (queryStart >= 0)
        {
            foreach (var pair in rest[(queryStart + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                parameters[key] = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            }

            rest = rest[..queryStart];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var database = slash < 0 ? null : Uri.UnescapeDataString(rest[(slash + 1)..]);

        string? user = null, password = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        }

        string? host;
        string? portText = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = "malformed IPv6 host: missing ']'";
                return false;
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    error = "malformed host: unexpected characters after ']'";
                    return false;
                }

                portText = after[1..];
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? null : authority[(colon + 1)..];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                error = "malformed host: an IPv6 address must be in brackets, e.g. postgres://user@[::1]:5432/db";
                return false;
            }

            host = Uri.UnescapeDataString(host);
        }

        int? port = null;
        if (!string.IsNullOrEmpty(portText))
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                error = "invalid port: expected a number from 1 to 65535";
                return false;
            }

            port = p;
        }

        if (string.IsNullOrEmpty(user) && parameters.TryGetValue("user", out var qUser))
        {
            user = qUser;
        }

        if (password is null && parameters.TryGetValue("password", out var qPassword))
        {
            password = qPassword;
        }

        parameters.Remove("user");
        parameters.Remove("password");
        dsn = new Dsn(DsnKind.Postgres, scheme)
        {
            User = string.IsNullOrEmpty(user) ? null : user,
            Password = password,
            Host = string.IsNullOrEmpty(host) ? parameters.GetValueOrDefault("host") : host,
            Port = port,
            Database = string.IsNullOrEmpty(database) ? parameters.GetValueOrDefault("dbname") : database,
            Parameters = parameters,
        };
        return true;
    }

    private static bool TryParseKeyValue(string text, out Dsn? dsn, out string? error)
    {
        dsn = null;
        error = null;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ';'))
            {
                i++;
            }

            if (i >= text.Length)
            {
                break;
            }

            var keyStart = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var key = text[keyStart..i].Trim();
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length || text[i] != '=' || key.Length == 0)
            {
                error = $"malformed key=value DSN near position {keyStart + 1}: expected key=value";
                return false;
            }

            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var value = new StringBuilder();
            if (i < text.Length && text[i] == '\'')
            {
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        value.Append(text[i + 1]);
                        i += 2;
                    }
                    else if (text[i] == '\'')
                    {
                        closed = true;
                        i++;
                        break;
                    }
                    else
                    {
                        value.Append(text[i++]);
                    }
                }

                if (!closed)
                {
                    error = $"malformed key=value DSN: unterminated quote in '{key}'";
                    return false;
                }
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != ';')
                {
                    value.Append(text[i++]);
                }
            }

            values[NormalizeKey(key)] = value.ToString();
        }

        int? port = null;
        if (values.Remove("port", out var portText))
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                error = "invalid port: expected a number from 1 to 65535";
                return false;
            }

            port = p;
        }

        values.Remove("user", out var user);
        values.Remove("password", out var password);
        values.Remove("host", out var host);
        values.Remove("dbname", out var database);
        dsn = new Dsn(DsnKind.Postgres, "postgres")
        {
            User = string.IsNullOrEmpty(user) ? null : user,
            Password = password,
            Host = string.IsNullOrEmpty(host) ? null : host,
            Port = port,
            Database = string.IsNullOrEmpty(database) ? null : database,
            Parameters = values,
        };
        return true;
    }

    private static string NormalizeKey(string key) => key.ToLowerInvariant() switch
    {
        "username" or "user id" or "userid" or "uid" => "user",
        "pwd" => "password",
        "server" or "hostname" => "host",
        "database" or "db" => "dbname",
        var k => k,
    };

    /// <summary>
    /// A connection string in the key=value form Npgsql and libpq accept (Host, Port, Username, Password, Database,
    /// plus <c>sslmode</c> when given). Contains the password: hand it to a driver, never print it.
    /// </summary>
    public string ToConnectionString()
    {
        if (Kind != DsnKind.Postgres)
        {
            throw new InvalidOperationException("only a PostgreSQL DSN has a server connection string");
        }

        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                parts.Add(key + "=" + Quote(value));
            }
        }

        Add("Host", Host);
        Add("Port", Port?.ToString(CultureInfo.InvariantCulture));
        Add("Username", User);
        Add("Password", Password);
        Add("Database", Database);
        if (Parameters.TryGetValue("sslmode", out var sslMode))
        {
            Add("SSL Mode", NpgsqlSslMode(sslMode));
        }

        return string.Join(';', parts);
    }

    private static string Quote(string value) =>
        value.IndexOfAny([';', '=', '"', '\'', ' ']) < 0 && value.Length > 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string NpgsqlSslMode(string libpq) => libpq.ToLowerInvariant() switch
    {
        "disable" => "Disable",
        "allow" => "Allow",
        "prefer" => "Prefer",
        "require" => "Require",
        "verify-ca" => "VerifyCA",
        "verify-full" => "VerifyFull",
        _ => libpq,
    };

    /// <summary>
    /// The same DSN as a <c>postgres://</c> URI with another user and password (percent-encoded): how a rotated
    /// credential is written to its consumers. Query parameters are kept.
    /// </summary>
    /// <param name="user">The login role.</param>
    /// <param name="password">Its password.</param>
    public string ToUri(string user, string password)
    {
        if (Kind != DsnKind.Postgres)
        {
            throw new InvalidOperationException("only a PostgreSQL DSN has a server URI");
        }

        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        var sb = new StringBuilder(Scheme).Append("://")
            .Append(Uri.EscapeDataString(user)).Append(':').Append(Uri.EscapeDataString(password)).Append('@')
            .Append(HostForUri);
        if (Port is { } port)
        {
            sb.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append('/').Append(Database is null ? "" : Uri.EscapeDataString(Database));
        var first = true;
        foreach (var (key, value) in Parameters)
        {
            sb.Append(first ? '?' : '&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        return sb.ToString();
    }
}

/// <summary>A DSN that could not be parsed. The message says what is wrong and never contains the DSN itself.</summary>
public sealed class DsnFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public DsnFormatException()
    {
    }

    /// <summary>Creates the exception with a message that must not contain the DSN.</summary>
    /// <param name="message">What is wrong.</param>
    public DsnFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public DsnFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
