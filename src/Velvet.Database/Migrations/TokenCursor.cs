namespace Velvet.Database.Migrations;

/// <summary>A schema-qualified name as written (schema null when unqualified), with where it starts.</summary>
public readonly record struct SqlName(string? Schema, string Name, int Line, int Column);

/// <summary>Reads one statement's tokens front to back: keywords, (qualified) names, comma lists.</summary>
internal sealed class TokenCursor(IReadOnlyList<SqlToken> tokens)
{
    private int _position;

    public bool AtEnd => _position >= tokens.Count;

    public SqlToken? Peek(int ahead = 0) => _position + ahead < tokens.Count ? tokens[_position + ahead] : null;

    /// <summary>Consumes one token (always true, for use inside conditions).</summary>
    public bool Skip()
    {
        _position++;
        return true;
    }

    /// <summary>Consumes the keywords if they come next, in order; otherwise consumes nothing.</summary>
    public bool Accept(params string[] words)
    {
        for (var k = 0; k < words.Length; k++)
        {
            if (Peek(k) is not { } t || !t.Is(words[k]))
            {
                return false;
            }
        }
        _position += words.Length;
        return true;
    }

    /// <summary>Consumes the first of <paramref name="words"/> that comes next; null when none does.</summary>
    public string? AcceptAny(params string[] words)
    {
        foreach (var word in words)
        {
            if (Accept(word))
            {
                return word;
            }
        }
        return null;
    }

    /// <summary>Moves just past the first <paramref name="word"/> outside parentheses; false (at the end) when there is none.</summary>
    public bool SkipPast(string word)
    {
        var depth = 0;
        while (!AtEnd)
        {
            var t = tokens[_position++];
            if (t.IsSymbol('('))
            {
                depth++;
            }
            else if (t.IsSymbol(')'))
            {
                depth--;
            }
            else if (depth == 0 && t.Is(word))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A name or schema.name; null when no name comes next.</summary>
    public SqlName? Name()
    {
        if (Peek() is not { IsName: true } first)
        {
            return null;
        }
        _position++;
        if (Peek() is { } dot && dot.IsSymbol('.') && Peek(1) is { IsName: true } second)
        {
            _position += 2;
            return new SqlName(first.Value, second.Value, first.Line, first.Column);
        }
        return new SqlName(null, first.Value, first.Line, first.Column);
    }

    /// <summary>name [, name ...].</summary>
    public List<SqlName> Names()
    {
        var names = new List<SqlName>();
        while (Name() is { } name)
        {
            names.Add(name);
            if (Peek() is not { } comma || !comma.IsSymbol(','))
            {
                break;
            }
            _position++;
        }
        return names;
    }

    /// <summary>role [, role ...] after TO/FROM (GROUP is skipped; PUBLIC comes back as "PUBLIC").</summary>
    public List<string> Roles()
    {
        var roles = new List<string>();
        while (!AtEnd)
        {
            Accept("group");
            if (Peek() is not { IsName: true } t)
            {
                break;
            }
            _position++;
            roles.Add(t.Is("public") ? Grants.Acl.Public : t.Value);
            if (Peek() is not { } comma || !comma.IsSymbol(','))
            {
                break;
            }
            _position++;
        }
        return roles;
    }
}
