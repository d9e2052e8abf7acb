using System.Text.RegularExpressions;

namespace Velvet.Database.Grants;

/// <summary>
/// A table name or glob from a policy: <c>customer_audit_events</c>, <c>*_history</c>, or schema-qualified
/// <c>audit.*</c>. <c>*</c> matches any run of characters, <c>?</c> one character; names match exactly (case-sensitive,
/// as stored in the catalog). An unqualified pattern matches the table name in every schema of the policy.
/// </summary>
public sealed class NamePattern
{
    private readonly Regex _regex;

    private NamePattern(string text, Regex regex)
    {
        Text = text;
        _regex = regex;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>True when the pattern names a schema (<c>schema.table</c>).</summary>
    public bool IsQualified => Text.Contains('.', StringComparison.Ordinal);

    /// <summary>True when the pattern has wildcards (so it names no single table).</summary>
    public bool IsGlob => Text.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Parses a pattern; <paramref name="error"/> says what is wrong and how to write it.</summary>
    public static bool TryParse(string text, out NamePattern? pattern, out string? error)
    {
        pattern = null;
        error = Problem(text);
        if (error is not null)
        {
            return false;
        }
        var body = Regex.Escape(text).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal);
        pattern = new NamePattern(text, new Regex("^" + body + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1)));
        return true;
    }

    /// <summary>Parses a pattern known to be valid (defaults, tests).</summary>
    public static NamePattern Parse(string text) =>
        TryParse(text, out var pattern, out var error) ? pattern! : throw new ArgumentException(error, nameof(text));

    /// <summary>Whether the table <paramref name="schema"/>.<paramref name="name"/> matches.</summary>
    public bool Matches(string schema, string name) => _regex.IsMatch(IsQualified ? schema + "." + name : name);

    /// <inheritdoc/>
    public override string ToString() => Text;

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
