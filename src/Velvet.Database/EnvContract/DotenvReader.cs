using System.Text;
using System.Text.RegularExpressions;

namespace Velvet.Database.EnvContract;

/// <summary>
/// Reads a dotenv file (compose <c>env_file</c>, <c>.env</c>): <c>KEY=value</c>, <c>export KEY=value</c>, comments,
/// single quotes (literal), double quotes (escapes, may span lines), <c>KEY</c> alone (passed through).
/// </summary>
public static partial class DotenvReader
{
    /// <summary>Reads every entry with its line number.</summary>
    /// <param name="path">The file.</param>
    /// <param name="display">How messages name it.</param>
    /// <returns>The entries, in file order.</returns>
    /// <exception cref="EnvFileException">A malformed line (file:line; the line is never quoted).</exception>
    public static IReadOnlyList<EnvEntry> Read(string path, string display)
    {
        var lines = File.ReadAllLines(path);
        var entries = new List<EnvEntry>();
        for (var i = 0; i < lines.Length; i++)
        {
            var at = new SourceLocation(display, i + 1);
            var text = lines[i].Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            if (text.StartsWith("export ", StringComparison.Ordinal))
            {
                text = text[7..].TrimStart();
            }

            var eq = text.IndexOf('=', StringComparison.Ordinal);
            var name = (eq < 0 ? text : text[..eq]).Trim();
            if (!ValidName().IsMatch(name))
            {
                throw new EnvFileException(at, "expected KEY=value with a variable name of letters, digits and '_' (comments start with '#')");
            }

            if (eq < 0)
            {
                entries.Add(new EnvEntry(name, null, at));
                continue;
            }

            var rest = text[(eq + 1)..].TrimStart();
            string value;
            if (rest.Length > 0 && rest[0] is '"' or '\'')
            {
                value = Quoted(lines, ref i, rest, at);
            }
            else
            {
                var comment = rest.IndexOf(" #", StringComparison.Ordinal);
                value = (comment < 0 ? rest : rest[..comment]).TrimEnd();
            }

            entries.Add(new EnvEntry(name, value, at));
        }

        return entries;
    }

    private static string Quoted(string[] lines, ref int i, string rest, SourceLocation at)
    {
        var quote = rest[0];
        var text = rest[1..];
        var value = new StringBuilder();
        while (true)
        {
            for (var j = 0; j < text.Length; j++)
            {
                var c = text[j];
                if (quote == '"' && c == '\\' && j + 1 < text.Length)
                {
                    j++;
                    value.Append(text[j] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', var e => e });
                    continue;
                }

                if (c == quote)
                {
                    var after = text[(j + 1)..].Trim();
                    if (after.Length > 0 && after[0] != '#')
                    {
                        throw new EnvFileException(new SourceLocation(at.File, i + 1), "unexpected text after the closing quote");
                    }

                    return value.ToString();
                }

                value.Append(c);
            }

            if (++i >= lines.Length)
            {
                throw new EnvFileException(at, $"unterminated {(quote == '"' ? "double" : "single")}-quoted value: close it with {quote}");
            }

            value.Append('\n');
            text = lines[i];
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex ValidName();
}
