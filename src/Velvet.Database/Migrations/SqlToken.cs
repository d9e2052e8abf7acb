namespace Velvet.Database.Migrations;

/// <summary>Kinds of SQL token the migration lint needs to tell apart.</summary>
public enum SqlTokenKind
{
    /// <summary>An unquoted word (keyword or identifier); <see cref="SqlToken.Value"/> is folded to lower case.</summary>
    Word = 1,
    /// <summary>A "quoted identifier"; <see cref="SqlToken.Value"/> is the exact name.</summary>
    QuotedIdentifier = 2,
    /// <summary>A string literal: the text of '...' or E'...' (doubled quotes undone, backslashes as written); empty for $tag$ bodies.</summary>
    String = 3,
    /// <summary>Any other character (punctuation, operators, digits).</summary>
    Symbol = 4,
}

/// <summary>One token with the 1-based line and column where it starts.</summary>
public readonly record struct SqlToken(SqlTokenKind Kind, string Value, int Line, int Column)
{
    /// <summary>True for an unquoted word equal to <paramref name="keyword"/> (lower case).</summary>
    public bool Is(string keyword) => Kind == SqlTokenKind.Word && Value == keyword;

    /// <summary>True for the symbol <paramref name="symbol"/>.</summary>
    public bool IsSymbol(char symbol) => Kind == SqlTokenKind.Symbol && Value.Length == 1 && Value[0] == symbol;

    /// <summary>True for something that can be a name (a word or a quoted identifier).</summary>
    public bool IsName => Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier;
}
