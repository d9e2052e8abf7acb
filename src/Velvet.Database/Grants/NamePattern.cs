namespace Velvet.Database.Grants;

/// <summary>
/// A table name or glob from a policy: <c>customer_audit_events</c>, <c>*_history</c>, or schema-qualified
/// <c>audit.*</c>. <c>*</c> matches any run of characters, <c>?</c> one character; names match exactly (case-sensitive,
/// as stored in the catalog). An unqualified pattern matches the table name in every schema of the policy.
/// </summary>
public sealed class NamePattern
{
    private readonly string? _schema;
    private readonly string _name;

    private NamePattern(string text)
    {
        Text = text;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        (_schema, _name) = dot < 0 ? (null, text) : (text[..dot], text[(dot + 1)..]);
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>True when the pattern names a schema (<c>schema.table</c>).</summary>
    public bool IsQualified => _schema is not null;

    /// <summary>Parses a pattern; <paramref name="error"/> says what is wrong and how to write it.</summary>
    public static bool TryParse(string text, out NamePattern? pattern, out string? error)
    {
        error = Problem(text);
        pattern = error is null ? new NamePattern(text) : null;
        return error is null;
    }

    /// <summary>Parses a pattern known to be valid (defaults, tests).</summary>
    public static NamePattern Parse(string text) =>
        TryParse(text, out var pattern, out var error) ? pattern! : throw new ArgumentException(error, nameof(text));

    /// <summary>Whether the table <paramref name="schema"/>.<paramref name="name"/> matches.</summary>
    public bool Matches(string schema, string name) =>
        (_schema is null || Glob(_schema, schema)) && Glob(_name, name);

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>Wildcard match without allocation: on a mismatch, the last * takes one more character.</summary>
    private static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    private static string? Problem(string text)
    {
        if (text.Trim().Length == 0)
        {
            return "an empty table pattern";
        }
        foreach (var c in text)
        {
            if (c is '[' or ']' or '{' or '}' or '\\' || char.IsControl(c))
            {
                return $"bad glob \"{text}\": '{(char.IsControl(c) ? ' ' : c)}' is not supported; patterns use * (any run of characters) and ? (one character) only";
            }
        }
        var dots = text.Count(c => c == '.');
        if (dots > 1 || text.StartsWith('.') || text.EndsWith('.'))
        {
            return $"bad glob \"{text}\": write a table name or schema.table (one dot, both parts non-empty)";
        }
        return null;
    }
}
