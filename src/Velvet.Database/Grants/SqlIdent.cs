namespace Velvet.Database.Grants;

/// <summary>
/// SQL identifiers as PostgreSQL's quote_ident writes them: bare when a bare word means the same name, double-quoted
/// otherwise (upper case, spaces, quotes, keywords). Quoting more than needed is always correct; quoting less never is,
/// so every keyword that is not "unreserved" is quoted.
/// </summary>
public static class SqlIdent
{
    // pg_get_keywords() WHERE catcode <> 'U' (PostgreSQL 15): reserved, column-name and type/function-name keywords.
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between", "bigint",
        "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check", "coalesce", "collate", "collation",
        "column", "concurrently", "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
        "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable",
        "desc", "distinct", "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign",
        "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner",
        "inout", "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "json", "json_array",
        "json_arrayagg", "json_exists", "json_object", "json_objectagg", "json_query", "json_scalar", "json_serialize",
        "json_table", "json_value", "lateral", "leading", "least", "left", "like", "limit", "localtime", "localtimestamp",
        "merge_action", "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric",
        "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing", "position", "precision",
        "primary", "real", "references", "returning", "right", "row", "select", "session_user", "setof", "similar",
        "smallint", "some", "substring", "symmetric", "system_user", "table", "tablesample", "then", "time", "timestamp",
        "to", "trailing", "treat", "trim", "true", "union", "unique", "user", "using", "values", "varchar", "variadic",
        "verbose", "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest",
        "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
    };

    /// <summary>One identifier, quoted when needed.</summary>
    public static string Quote(string name) =>
        IsBare(name) ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary><c>schema.name</c>, each part quoted when needed.</summary>
    public static string Qualified(string schema, string name) => Quote(schema) + "." + Quote(name);

    /// <summary>A role in GRANT/REVOKE: the PUBLIC pseudo-role is a keyword, every other role an identifier.</summary>
    public static string Grantee(string role) => role == Acl.Public ? "PUBLIC" : Quote(role);

    private static bool IsBare(string name)
    {
        if (name.Length == 0 || Keywords.Contains(name) || !(name[0] is >= 'a' and <= 'z' or '_'))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (c is not (>= 'a' and <= 'z' or >= '0' and <= '9' or '_'))
            {
                return false;
            }
        }
        return true;
    }
}
