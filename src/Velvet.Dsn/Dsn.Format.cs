using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Velvet.Dsn;

public sealed partial class Dsn
{
    /// <summary>libpq parameter names Npgsql understands, with their Npgsql keyword.</summary>
    private static readonly Dictionary<string, string> LibpqToNpgsql = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["target_session_attrs"] = "Target Session Attributes",
        ["channel_binding"] = "Channel Binding",
        ["client_encoding"] = "Client Encoding",
    };

    /// <summary>
    /// A connection string in the form Npgsql accepts (Host, Port, Username, Password, Database, plus the libpq
    /// parameters Npgsql knows: sslmode, application_name, connect_timeout, options, ssl certificates,
    /// target_session_attrs, channel_binding, client_encoding; keywords of an ADO.NET-form input are kept as given).
    /// Contains the password: hand it to a driver, never print it.
    /// </summary>
    /// <returns>The connection string.</returns>
    /// <exception cref="InvalidOperationException">The DSN is a SQLite DSN.</exception>
    public string ToConnectionString()
    {
        if (Kind != DsnKind.Postgres)
        {
            throw new InvalidOperationException("only a PostgreSQL DSN has a server connection string");
        }

        var builder = new DbConnectionStringBuilder();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                builder[key] = value;
            }
        }

        Add("Host", Host);
        Add("Port", Port?.ToString(CultureInfo.InvariantCulture));
        Add("Username", User);
        Add("Password", Password);
        Add("Database", Database);
        foreach (var (key, value) in Parameters)
        {
            if (LibpqToNpgsql.TryGetValue(key, out var npgsqlKey))
            {
                Add(npgsqlKey, NpgsqlValue(key, value));
            }
            else if (IsConnectionStringForm)
            {
                Add(key, value);
            }
        }

        return builder.ConnectionString;
    }

    private static string NpgsqlValue(string libpqKey, string value) => libpqKey.ToLowerInvariant() switch
    {
        "sslmode" => value.ToLowerInvariant() switch
        {
            "disable" => "Disable",
            "allow" => "Allow",
            "prefer" => "Prefer",
            "require" => "Require",
            "verify-ca" => "VerifyCA",
            "verify-full" => "VerifyFull",
            _ => value,
        },
        "channel_binding" or "target_session_attrs" when value.Length > 0 =>
            string.Concat(value.Split('-').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..])),
        _ => value,
    };

    /// <summary>
    /// The same DSN as a URI with another user and password (percent-encoded): how a rotated credential is written
    /// to its consumers. Scheme, host, port, database and query parameters are kept.
    /// </summary>
    /// <param name="user">The login role.</param>
    /// <param name="password">Its password.</param>
    /// <returns>The URI; it contains the password.</returns>
    /// <exception cref="InvalidOperationException">The DSN is a SQLite DSN.</exception>
    public string ToUri(string user, string password)
    {
        if (Kind != DsnKind.Postgres)
        {
            throw new InvalidOperationException("only a PostgreSQL DSN has a server URI");
        }

        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        var scheme = IsConnectionStringForm || !Scheme.StartsWith("postgres", StringComparison.Ordinal) ? "postgres" : Scheme;
        var sb = new StringBuilder(scheme).Append("://")
            .Append(Uri.EscapeDataString(user)).Append(':').Append(Uri.EscapeDataString(password)).Append('@')
            .Append(HostForUri);
        if (Port is { } port)
        {
            sb.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append('/').Append(Database is null ? "" : Uri.EscapeDataString(Database));
        var first = true;
        foreach (var (key, value) in UriParameters())
        {
            sb.Append(first ? '?' : '&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        return sb.ToString();
    }

    /// <summary>The query parameters for a URI: as given, or for ADO.NET-form input the Npgsql keywords libpq also knows.</summary>
    private IEnumerable<KeyValuePair<string, string>> UriParameters()
    {
        if (!IsConnectionStringForm)
        {
            return Parameters;
        }

        return Parameters
            .Select(p => (Key: LibpqToNpgsql.FirstOrDefault(m => m.Value.Equals(p.Key, StringComparison.OrdinalIgnoreCase)
                || m.Key.Equals(p.Key, StringComparison.OrdinalIgnoreCase)).Key, p.Value))
            .Where(p => p.Key is not null)
            .Select(p => KeyValuePair.Create(p.Key!, p.Key == "sslmode" ? LibpqSslMode(p.Value) : p.Value));
    }

    private static string LibpqSslMode(string npgsql) => npgsql.ToLowerInvariant() switch
    {
        "verifyca" => "verify-ca",
        "verifyfull" => "verify-full",
        var v => v,
    };
}
