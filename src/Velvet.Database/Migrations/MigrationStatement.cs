namespace Velvet.Database.Migrations;

/// <summary>What a migration statement means for the app role's grants; anything else is <c>null</c>.</summary>
internal abstract record MigrationStatement
{
    /// <summary>CREATE TABLE (not TEMP).</summary>
    public sealed record CreateTable(SqlName Table, bool IfNotExists) : MigrationStatement;

    /// <summary>GRANT ... ON [TABLE] a, b TO roles, or REVOKE ... FROM roles.</summary>
    public sealed record TableGrant(bool Revoke, IReadOnlyList<SqlName> Tables, IReadOnlyList<string> Roles) : MigrationStatement;

    /// <summary>GRANT/REVOKE ... ON ALL TABLES IN SCHEMA s, t.</summary>
    public sealed record SchemaGrant(bool Revoke, IReadOnlyList<string> Schemas, IReadOnlyList<string> Roles) : MigrationStatement;

    /// <summary>ALTER DEFAULT PRIVILEGES [IN SCHEMA s] GRANT ... ON TABLES TO roles (no schema: every schema).</summary>
    public sealed record DefaultGrant(IReadOnlyList<string> Schemas, IReadOnlyList<string> Roles) : MigrationStatement;

    /// <summary>DROP TABLE a, b.</summary>
    public sealed record DropTables(IReadOnlyList<SqlName> Tables) : MigrationStatement;

    /// <summary>ALTER TABLE a RENAME TO b / SET SCHEMA s.</summary>
    public sealed record MoveTable(SqlName Table, string? NewName, string? NewSchema) : MigrationStatement;

    /// <summary>SET search_path: where unqualified names go from here on (first schema).</summary>
    public sealed record SearchPath(string Schema) : MigrationStatement;

    // Object types GRANT ... ON <type> can name that are not tables.
    private static readonly string[] NotTables =
        ["sequence", "schema", "function", "procedure", "routine", "database", "domain", "foreign", "language", "large", "tablespace", "type", "parameter"];

    /// <summary>Reads one statement; null when it does not matter for grants.</summary>
    public static MigrationStatement? Parse(IReadOnlyList<SqlToken> tokens)
    {
        var c = new TokenCursor(tokens);
        if (c.Accept("create"))
        {
            c.AcceptAny("global", "local");
            var temporary = c.AcceptAny("temp", "temporary") is not null;
            c.Accept("unlogged");
            if (!c.Accept("table") || temporary)
            {
                return null;
            }
            var ifNotExists = c.Accept("if", "not", "exists");
            return c.Name() is { } table ? new CreateTable(table, ifNotExists) : null;
        }
        if (c.Accept("grant") || c.Accept("revoke"))
        {
            return ParseGrant(c, revoke: tokens[0].Is("revoke"));
        }
        if (c.Accept("alter", "default", "privileges"))
        {
            return ParseDefaults(c);
        }
        if (c.Accept("alter", "table"))
        {
            c.Accept("if", "exists");
            c.Accept("only");
            if (c.Name() is not { } table)
            {
                return null;
            }
            if (c.Accept("rename", "to") && c.Name() is { } renamed)
            {
                return new MoveTable(table, renamed.Name, null);
            }
            return c.Accept("set", "schema") && c.Name() is { } schema ? new MoveTable(table, null, schema.Name) : null;
        }
        if (c.Accept("drop", "table"))
        {
            c.Accept("if", "exists");
            return new DropTables(c.Names());
        }
        if (c.Accept("set"))
        {
            c.AcceptAny("session", "local");
            if (c.Accept("search_path") && (c.Accept("to") || c.Peek() is { } eq && eq.IsSymbol('=') && c.Skip()))
            {
                return c.Peek() is { Kind: SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.String } first
                    ? new SearchPath(first.Value.Split(',')[0].Trim())
                    : null;
            }
        }
        return null;
    }

    private static MigrationStatement? ParseGrant(TokenCursor c, bool revoke)
    {
        // GRANT role TO role (membership) has no ON; column lists sit in parentheses before ON.
        if (!c.SkipPast("on"))
        {
            return null;
        }
        if (c.Accept("all", "tables", "in", "schema"))
        {
            var schemas = c.Names().Select(n => n.Name).ToList();
            return c.SkipPast(revoke ? "from" : "to") ? new SchemaGrant(revoke, schemas, c.Roles()) : null;
        }
        if (c.AcceptAny(NotTables) is not null || c.Peek() is { } all && all.Is("all"))
        {
            return null;
        }
        c.Accept("table");
        var tables = c.Names();
        return c.SkipPast(revoke ? "from" : "to") ? new TableGrant(revoke, tables, c.Roles()) : null;
    }

    private static MigrationStatement? ParseDefaults(TokenCursor c)
    {
        if (c.AcceptAny("for") is not null)
        {
            c.AcceptAny("role", "user");
            c.Roles();
        }
        var schemas = c.Accept("in", "schema") ? c.Names().Select(n => n.Name).ToList() : [];
        if (!c.Accept("grant") || !c.SkipPast("on") || !c.Accept("tables") || !c.Accept("to"))
        {
            return null;
        }
        return new DefaultGrant(schemas, c.Roles());
    }
}
