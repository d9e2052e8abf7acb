using System.Text;
using System.Text.RegularExpressions;

namespace Velvet.Vendors.DotenvFile;

/// <summary>
/// Edits one key of a dotenv text without disturbing anything else: other lines, comments, blank lines,
/// order, each line's own ending, a trailing comment on the edited line, an <c>export </c> prefix.
/// </summary>
public static class DotenvText
{
    /// <summary>The key's value (last assignment wins, as in shells and most loaders), or null when absent.</summary>
    public static string? Read(string text, string key)
    {
        string? found = null;
        foreach (var line in text.Split('\n'))
        {
            if (Match(line.TrimEnd('\r'), key) is { } m && ParseValue(line.TrimEnd('\r'), m.Index + m.Length) is { } v)
                found = v.Value;
        }
        return found;
    }

    /// <summary>
    /// Sets every assignment of the key to <paramref name="value"/>, or appends one when there is none.
    /// Throws <see cref="FormatException"/> for a value Velvet cannot rewrite safely (unterminated quote).
    /// </summary>
    public static string Set(string text, string key, string value)
    {
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = text.Split('\n');
        var replaced = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var cr = lines[i].EndsWith('\r') ? "\r" : "";
            var body = cr.Length > 0 ? lines[i][..^1] : lines[i];
            if (Match(body, key) is not { } m) continue;
            var start = m.Index + m.Length;
            var old = ParseValue(body, start)
                ?? throw new FormatException($"{key} has an unterminated or multi-line quoted value; Velvet will not rewrite it. Put it on one line, then retry");
            lines[i] = body[..start] + Format(value) + body[old.End..] + cr;
            replaced = true;
        }
        if (replaced) return string.Join('\n', lines);
        var sb = new StringBuilder(text);
        if (text.Length > 0 && !text.EndsWith('\n')) sb.Append(newline);
        return sb.Append(key).Append('=').Append(Format(value)).Append(newline).ToString();
    }

    /// <summary>Quotes only when a loader would otherwise cut or change the value.</summary>
    public static string Format(string value)
    {
        if (!value.Any(c => char.IsWhiteSpace(c) || c is '#' or '"' or '\'' or '\\' or '`' or '$'))
            return value;
        // Single quotes are literal in every dotenv dialect; use them whenever the value allows.
        if (!value.Contains('\'', StringComparison.Ordinal) && !value.Any(c => c is '\n' or '\r'))
            return $"'{value}'";
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '\\' => @"\\",
                '"' => "\\\"",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    private static Match? Match(string line, string key)
    {
        var m = Regex.Match(line, $@"^\s*(?:export\s+)?{Regex.Escape(key)}\s*=");
        return m.Success ? m : null;
    }

    /// <summary>The value starting at <paramref name="start"/> and where it ends (what follows is kept as is).</summary>
    private static (string Value, int End)? ParseValue(string line, int start)
    {
        var i = start;
        while (i < line.Length && line[i] is ' ' or '\t') i++;
        if (i == line.Length) return ("", line.Length);
        if (line[i] == '\'')
        {
            var close = line.IndexOf('\'', i + 1);
            return close < 0 ? null : (line[(i + 1)..close], close + 1);
        }
        if (line[i] == '"') return ParseDoubleQuoted(line, i);
        var end = line.Length;
        for (var j = i; j < line.Length; j++)
        {
            // An inline comment starts at a '#' preceded by whitespace; a '#' inside a word is part of it.
            if (line[j] == '#' && j > i && line[j - 1] is ' ' or '\t') { end = j; break; }
        }
        var valueEnd = end;
        while (valueEnd > i && line[valueEnd - 1] is ' ' or '\t') valueEnd--;
        return (line[i..valueEnd], valueEnd);
    }

    private static (string Value, int End)? ParseDoubleQuoted(string line, int open)
    {
        var sb = new StringBuilder();
        for (var j = open + 1; j < line.Length; j++)
        {
            var c = line[j];
            if (c == '"') return (sb.ToString(), j + 1);
            if (c == '\\' && j + 1 < line.Length)
            {
                var next = line[++j];
                sb.Append(next switch { 'n' => "\n", 'r' => "\r", 't' => "\t", '\\' => "\\", '"' => "\"", '$' => "$", _ => "\\" + next });
                continue;
            }
            sb.Append(c);
        }
        return null;
    }
}
