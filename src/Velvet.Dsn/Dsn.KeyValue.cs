using System.Data.Common;
using System.Text;

namespace Velvet.Dsn;

public sealed partial class Dsn
{
    private static bool TryParseKeyValue(string text, out Dsn? dsn, out string? error)
    {
        dsn = null;
        // ADO.NET form when a ';' separates pairs or the first keyword has a space ("User ID=app"); libpq otherwise.
        var ado = HasSemicolonOutsideQuotes(text) || text[..text.IndexOf('=', StringComparison.Ordinal)].Trim().Contains(' ', StringComparison.Ordinal);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!(ado ? TryParseAdo(text, values, out error) : TryParseLibpq(text, values, out error)))
        {
            return false;
        }

        int? port = null;
        if (values.Remove("port", out var portText) && !TryParsePort(portText, out port, out error))
        {
            return false;
        }

        values.Remove("user", out var user);
        values.Remove("password", out var password);
        values.Remove("host", out var host);
        values.Remove("dbname", out var database);
        dsn = new Dsn(DsnKind.Postgres, "postgres")
        {
            User = NullIfEmpty(user),
            Password = password,
            Host = NullIfEmpty(host),
            Port = port,
            Database = NullIfEmpty(database),
            Parameters = values,
            IsConnectionStringForm = ado,
        };
        error = null;
        return true;
    }

    private static bool HasSemicolonOutsideQuotes(string text)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && quoted)
            {
                i++;
            }
            else if (text[i] == '\'')
            {
                quoted = !quoted;
            }
            else if (text[i] == ';' && !quoted)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>libpq conninfo: <c>key = value</c> pairs separated by whitespace; values single-quoted or not, backslash escapes.</summary>
    private static bool TryParseLibpq(string text, Dictionary<string, string> values, out string? error)
    {
        error = null;
        var i = 0;
        while (true)
        {
            SkipSpace(text, ref i);
            if (i >= text.Length)
            {
                return true;
            }

            var keyStart = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var key = text[keyStart..i];
            SkipSpace(text, ref i);
            if (i >= text.Length || text[i] != '=' || key.Length == 0)
            {
                error = $"malformed key=value DSN near position {keyStart + 1}: expected key=value";
                return false;
            }

            i++;
            SkipSpace(text, ref i);
            var value = new StringBuilder();
            var quoted = i < text.Length && text[i] == '\'';
            if (quoted)
            {
                i++;
            }

            var closed = !quoted;
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '\\' && i + 1 < text.Length)
                {
                    value.Append(text[i + 1]);
                    i += 2;
                    continue;
                }

                if (quoted ? c == '\'' : char.IsWhiteSpace(c))
                {
                    closed = true;
                    i++;
                    break;
                }

                value.Append(c);
                i++;
            }

            if (!closed)
            {
                error = $"malformed key=value DSN: unterminated quote in the value of '{Printable(key)}'";
                return false;
            }

            values[NormalizeKey(key)] = value.ToString();
        }
    }

    private static void SkipSpace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
    }

    /// <summary>ADO.NET form (what Npgsql takes): <c>Key=Value;...</c>, values quoted with " or ' (doubled to escape).</summary>
    private static bool TryParseAdo(string text, Dictionary<string, string> values, out string? error)
    {
        error = null;
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = text;
        }
        catch (ArgumentException)
        {
            // The BCL message quotes part of the input: never surface it.
            error = "malformed connection string: expected Key=Value pairs separated by ';' (quote a value containing ';' with double quotes)";
            return false;
        }

        foreach (string key in builder.Keys)
        {
            values[NormalizeKey(key)] = Convert.ToString(builder[key], System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }

        return true;
    }

    private static string NormalizeKey(string key) => key.Trim().ToLowerInvariant() switch
    {
        "username" or "user id" or "userid" or "uid" or "user name" => "user",
        "pwd" => "password",
        "server" or "hostname" or "host name" => "host",
        "database" or "db" or "initial catalog" => "dbname",
        var k => k,
    };
}
