using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Velvet.Dsn;

public sealed partial class Dsn
{
    private const string EncodeHint = " (a password containing '@', ':', '/', '?', '#' or '%' must be percent-encoded, e.g. '@' as %40)";

    /// <summary>Parses a DSN, throwing <see cref="DsnFormatException"/> (whose message never contains the input) on bad input.</summary>
    /// <param name="value">
    /// A <c>postgres://</c> / <c>postgresql://</c> URI (a SQLAlchemy <c>+driver</c> suffix is accepted), a libpq
    /// <c>key=value</c> string, an ADO.NET <c>Key=Value;...</c> string, or a <c>sqlite:</c> form.
    /// </param>
    /// <returns>The parsed DSN.</returns>
    /// <exception cref="DsnFormatException">The value is empty or not a DSN.</exception>
    public static Dsn Parse(string? value) =>
        TryParse(value, out var dsn, out var error) ? dsn : throw new DsnFormatException(error);

    /// <summary>Parses a DSN without throwing.</summary>
    /// <param name="value">The DSN text.</param>
    /// <param name="dsn">The parsed DSN, or null.</param>
    /// <param name="error">Why it is not a DSN (never contains the input), or null.</param>
    /// <returns>True when <paramref name="value"/> parsed.</returns>
    public static bool TryParse(string? value, [NotNullWhen(true)] out Dsn? dsn, [NotNullWhen(false)] out string? error)
    {
        dsn = null;
        error = null;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "the DSN is empty";
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && IsSchemeName(text.AsSpan(0, colon)))
        {
            var scheme = text[..colon].ToLowerInvariant();
            var plus = scheme.IndexOf('+', StringComparison.Ordinal);
            var baseScheme = plus < 0 ? scheme : scheme[..plus];
            var rest = text[(colon + 1)..];
            if (baseScheme == "sqlite")
            {
                return TryParseSqlite(rest, out dsn, out error);
            }

            if (rest.StartsWith("//", StringComparison.Ordinal))
            {
                if (baseScheme is "postgres" or "postgresql")
                {
                    return TryParseUri(scheme, rest[2..], out dsn, out error);
                }

                error = scheme.Length <= 20
                    ? $"unsupported scheme '{scheme}': use postgres://, postgresql:// or sqlite:"
                    : "unsupported scheme: use postgres://, postgresql:// or sqlite:";
                return false;
            }
        }

        if (text.Contains('=', StringComparison.Ordinal))
        {
            return TryParseKeyValue(text, out dsn, out error);
        }

        error = "not a DSN: expected postgres://user:password@host:port/db, key=value pairs, or sqlite:///path";
        return false;
    }

    private static bool IsSchemeName(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || !char.IsAsciiLetter(s[0]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseSqlite(string rest, out Dsn? dsn, out string? error)
    {
        // SQLAlchemy forms: sqlite:///relative.db, sqlite:////abs/path.db, sqlite:// and sqlite:///:memory: (memory);
        // also sqlite::memory: and sqlite:file.db.
        dsn = null;
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

        if (!TryDecode(rest, "SQLite path", out var path, out error))
        {
            return false;
        }

        dsn = new Dsn(DsnKind.Sqlite, "sqlite") { Path = path.Length == 0 ? ":memory:" : path };
        return true;
    }

    private static bool TryParseUri(string scheme, string rest, out Dsn? dsn, out string? error)
    {
        dsn = null;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        if (queryStart >= 0)
        {
            if (!TryParseQuery(rest[(queryStart + 1)..], parameters, out error))
            {
                return false;
            }

            rest = rest[..queryStart];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        string? database = null;
        if (slash >= 0 && !TryDecode(rest[(slash + 1)..], "database name", out database, out error))
        {
            return false;
        }

        string? user = null, password = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            if (!TryDecode(colon < 0 ? userInfo : userInfo[..colon], "user name", out user, out error))
            {
                return false;
            }

            if (colon >= 0 && !TryDecode(userInfo[(colon + 1)..], "password", out password, out error))
            {
                return false;
            }
        }

        if (!TryParseHostPort(authority, out var host, out var port, out error))
        {
            return false;
        }

        parameters.Remove("user", out var qUser);
        parameters.Remove("password", out var qPassword);
        parameters.Remove("host", out var qHost);
        parameters.Remove("dbname", out var qDatabase);
        if (parameters.Remove("port", out var qPort) && port is null && !TryParsePort(qPort, out port, out error))
        {
            return false;
        }

        dsn = new Dsn(DsnKind.Postgres, scheme)
        {
            User = NullIfEmpty(string.IsNullOrEmpty(user) ? qUser : user),
            Password = password ?? qPassword,
            Host = NullIfEmpty(string.IsNullOrEmpty(host) ? qHost : host),
            Port = port,
            Database = NullIfEmpty(string.IsNullOrEmpty(database) ? qDatabase : database),
            Parameters = parameters,
        };
        return true;
    }

    private static bool TryParseQuery(string query, Dictionary<string, string> parameters, out string? error)
    {
        error = null;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (!TryDecode(eq < 0 ? pair : pair[..eq], "query parameter name", out var key, out error))
            {
                return false;
            }

            // libpq decodes %XX only: '+' stays a plus sign.
            var value = "";
            if (eq >= 0 && !TryDecode(pair[(eq + 1)..], $"value of query parameter '{Printable(key)}'", out value, out error))
            {
                return false;
            }

            if (key.Length > 0)
            {
                parameters[key] = value;
            }
        }

        return true;
    }

    private static bool TryParseHostPort(string authority, out string? host, out int? port, out string? error)
    {
        host = null;
        port = null;
        error = null;
        string? portText = null;
        if (authority.Contains(',', StringComparison.Ordinal))
        {
            error = "multiple hosts are not supported in a URI: give one host (or use the key=value form)";
            return false;
        }

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
                    error = "malformed host: unexpected characters after ']'" + EncodeHint;
                    return false;
                }

                portText = after[1..];
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            var rawHost = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? null : authority[(colon + 1)..];
            if (rawHost.Contains(':', StringComparison.Ordinal))
            {
                error = "malformed host: an IPv6 address must be in brackets, e.g. postgres://user@[::1]:5432/db" + EncodeHint;
                return false;
            }

            if (!TryDecode(rawHost, "host", out host, out error))
            {
                return false;
            }
        }

        return string.IsNullOrEmpty(portText) || TryParsePort(portText, out port, out error);
    }

    private static bool TryParsePort(string? text, out int? port, out string? error)
    {
        port = null;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
        {
            error = "invalid port: expected a number from 1 to 65535" + EncodeHint;
            return false;
        }

        port = p;
        return true;
    }

    /// <summary>Strict percent-decoding as libpq does it: every '%' starts two hex digits, the bytes are UTF-8, no NUL.</summary>
    private static bool TryDecode(string text, string what, out string decoded, out string? error)
    {
        decoded = text;
        error = null;
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return true;
        }

        var bytes = new List<byte>(text.Length);
        var runStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                continue;
            }

            bytes.AddRange(Encoding.UTF8.GetBytes(text[runStart..i]));
            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
            {
                error = $"invalid percent-encoding in the {what}: '%' must be followed by two hex digits (write '%' itself as %25)";
                return false;
            }

            var b = byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (b == 0)
            {
                error = $"invalid percent-encoding in the {what}: %00 is not allowed";
                return false;
            }

            bytes.Add(b);
            i += 2;
            runStart = i + 1;
        }

        bytes.AddRange(Encoding.UTF8.GetBytes(text[runStart..]));
        try
        {
            decoded = StrictUtf8.GetString([.. bytes]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            error = $"invalid percent-encoding in the {what}: the bytes are not UTF-8";
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>A key name for an error message: only short, plain names are echoed.</summary>
    private static string Printable(string key) =>
        key.Length <= 40 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ' ' or '.') ? key : "?";
}
