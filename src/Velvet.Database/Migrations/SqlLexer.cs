using System.Text;

namespace Velvet.Database.Migrations;

/// <summary>
/// Splits a SQL script into statements of tokens, skipping comments (-- and nested /* */) and the contents of string
/// literals ('...', E'...' with backslash escapes, $tag$...$tag$), so a keyword inside a comment or a function body
/// is never mistaken for a statement. Unquoted words are folded to lower case as PostgreSQL does.
/// </summary>
public static class SqlLexer
{
    /// <summary>The statements of <paramref name="sql"/> (split at top-level semicolons), and a problem if the script ends inside a comment or literal.</summary>
    public static (IReadOnlyList<IReadOnlyList<SqlToken>> Statements, string? Problem) Statements(string sql)
    {
        var statements = new List<IReadOnlyList<SqlToken>>();
        var current = new List<SqlToken>();
        var (tokens, problem) = Tokens(sql);
        foreach (var token in tokens)
        {
            if (token.IsSymbol(';'))
            {
                if (current.Count > 0)
                {
                    statements.Add(current);
                }
                current = [];
            }
            else
            {
                current.Add(token);
            }
        }
        if (current.Count > 0)
        {
            statements.Add(current);
        }
        return (statements, problem);
    }

    /// <summary>All tokens; stops with a problem at an unterminated comment, literal or quoted identifier.</summary>
    public static (IReadOnlyList<SqlToken> Tokens, string? Problem) Tokens(string sql)
    {
        var tokens = new List<SqlToken>();
        var (i, line, lineStart) = (0, 1, 0);
        void Advance(int to)
        {
            for (; i < to && i < sql.Length; i++)
            {
                if (sql[i] == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }
        }
        while (i < sql.Length)
        {
            var c = sql[i];
            var (startLine, column) = (line, i - lineStart + 1);
            string? unterminated = null;
            if (char.IsWhiteSpace(c))
            {
                Advance(i + 1);
            }
            else if (c == '-' && At(sql, i + 1) == '-')
            {
                var end = sql.IndexOf('\n', i);
                Advance(end < 0 ? sql.Length : end);
            }
            else if (c == '/' && At(sql, i + 1) == '*')
            {
                var end = BlockCommentEnd(sql, i);
                unterminated = end < 0 ? "a /* comment" : null;
                Advance(end < 0 ? sql.Length : end);
            }
            else if (c == '\'' || (c is 'e' or 'E' && At(sql, i + 1) == '\'' && !PartOfWord(sql, i)))
            {
                var quote = c == '\'' ? i : i + 1;
                var end = QuotedEnd(sql, quote, '\'', backslashEscapes: quote != i);
                unterminated = end < 0 ? "a string literal" : null;
                var text = end < 0 ? "" : sql[(quote + 1)..(end - 1)].Replace("''", "'", StringComparison.Ordinal);
                tokens.Add(new SqlToken(SqlTokenKind.String, text, startLine, column));
                Advance(end < 0 ? sql.Length : end);
            }
            else if (c == '"')
            {
                var end = QuotedEnd(sql, i, '"', backslashEscapes: false);
                unterminated = end < 0 ? "a quoted identifier" : null;
                var text = end < 0 ? "" : sql[(i + 1)..(end - 1)].Replace("\"\"", "\"", StringComparison.Ordinal);
                tokens.Add(new SqlToken(SqlTokenKind.QuotedIdentifier, text, startLine, column));
                Advance(end < 0 ? sql.Length : end);
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var close = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                unterminated = close < 0 ? $"a {tag} quoted body" : null;
                tokens.Add(new SqlToken(SqlTokenKind.String, "", startLine, column));
                Advance(close < 0 ? sql.Length : close + tag.Length);
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var end = i + 1;
                while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] is '_' or '$'))
                {
                    end++;
                }
                tokens.Add(new SqlToken(SqlTokenKind.Word, FoldAscii(sql[i..end]), startLine, column));
                Advance(end);
            }
            else
            {
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, c.ToString(), startLine, column));
                Advance(i + 1);
            }
            if (unterminated is not null)
            {
                return (tokens, $"{startLine}:{column}: {unterminated} is not closed before the end of the file");
            }
        }
        return (tokens, null);
    }

    /// <summary>PostgreSQL folds unquoted identifiers by lower-casing A-Z only (multibyte characters stay as written).</summary>
    private static string FoldAscii(string word) => string.Create(word.Length, word, (span, w) =>
    {
        for (var k = 0; k < w.Length; k++)
        {
            span[k] = w[k] is >= 'A' and <= 'Z' ? (char)(w[k] + 32) : w[k];
        }
    });

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static bool PartOfWord(string s, int i) => i > 0 && (char.IsLetterOrDigit(s[i - 1]) || s[i - 1] is '_' or '$');

    /// <summary>Index just past the closing */ (comments nest in PostgreSQL), or -1.</summary>
    private static int BlockCommentEnd(string s, int start)
    {
        var depth = 0;
        for (var i = start; i < s.Length - 1; i++)
        {
            if (s[i] == '/' && s[i + 1] == '*')
            {
                depth++;
                i++;
            }
            else if (s[i] == '*' && s[i + 1] == '/')
            {
                depth--;
                i++;
                if (depth == 0)
                {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /// <summary>Index just past the closing quote (a doubled quote is an escaped one), or -1.</summary>
    private static int QuotedEnd(string s, int open, char quote, bool backslashEscapes)
    {
        for (var i = open + 1; i < s.Length; i++)
        {
            if (backslashEscapes && s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == quote)
            {
                if (At(s, i + 1) == quote)
                {
                    i++;
                }
                else
                {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /// <summary>The opening <c>$tag$</c> at <paramref name="i"/>, or null ($1 parameters and words with $ are not tags).</summary>
    private static string? DollarTag(string s, int i)
    {
        if (PartOfWord(s, i))
        {
            return null;
        }
        var sb = new StringBuilder("$");
        for (var j = i + 1; j < s.Length; j++)
        {
            var c = s[j];
            if (c == '$')
            {
                return sb.Append('$').ToString();
            }
            if (!(char.IsLetter(c) || c == '_' || (j > i + 1 && char.IsDigit(c))))
            {
                return null;
            }
            sb.Append(c);
        }
        return null;
    }
}
