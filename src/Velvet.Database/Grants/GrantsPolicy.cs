namespace Velvet.Database.Grants;

/// <summary>How the policy treats one table.</summary>
public enum TableClass
{
    /// <summary>Matches no pattern of the policy: the app role gets nothing.</summary>
    Unmanaged = 1,
    /// <summary>A DML table: the policy's table_privileges.</summary>
    Dml = 2,
    /// <summary>Append-only (audit, *_history): SELECT and INSERT only.</summary>
    AppendOnly = 3,
    /// <summary>A migration journal (alembic_version, schema_migrations): nothing at all.</summary>
    Migration = 4,
}

/// <summary>
/// A grants policy (docs/db/grants.md): which privileges the app role should hold in one database. Loaded by
/// <see cref="GrantsPolicyLoader"/>; every default is filled in.
/// </summary>
public sealed record GrantsPolicy
{
    /// <summary>The policy file as given (for messages).</summary>
    public required string SourcePath { get; init; }

    /// <summary>When set, every command refuses a connection to another database.</summary>
    public string? Database { get; init; }

    /// <summary>The role that receives the grants: a login role, or a NOLOGIN group whose members log in.</summary>
    public required string AppRole { get; init; }

    /// <summary>The role that owns the tables and runs migrations; default privileges are set FOR ROLE this role.</summary>
    public string? Owner { get; init; }

    /// <summary>Schemas the policy manages (default: public).</summary>
    public IReadOnlyList<string> Schemas { get; init; } = ["public"];

    /// <summary>DML tables (default: every table of the schemas).</summary>
    public IReadOnlyList<NamePattern> Tables { get; init; } = [NamePattern.Parse("*")];

    /// <summary>Append-only tables: SELECT + INSERT only.</summary>
    public IReadOnlyList<NamePattern> AppendOnly { get; init; } = [];

    /// <summary>Migration journals: no privileges at all (the app must not stamp a migration as applied).</summary>
    public IReadOnlyList<NamePattern> MigrationTables { get; init; } =
        [NamePattern.Parse("alembic_version"), NamePattern.Parse("schema_migrations")];

    /// <summary>What DML tables get (subset of SELECT, INSERT, UPDATE, DELETE; default all four).</summary>
    public IReadOnlyList<string> TablePrivileges { get; init; } = Privileges.TableDml;

    /// <summary>What sequences get (default USAGE: enough for nextval).</summary>
    public IReadOnlyList<string> SequencePrivileges { get; init; } = ["USAGE"];

    /// <summary>Whether the policy manages ALTER DEFAULT PRIVILEGES FOR ROLE <see cref="Owner"/> (default true).</summary>
    public bool DefaultPrivileges { get; init; } = true;

    /// <summary>file:line:column of keys, for messages about values found wrong later against the database.</summary>
    public IReadOnlyDictionary<string, string> Positions { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Where a key was written (<c>grants.yaml:3:11</c>), or the file name when it was defaulted.</summary>
    public string At(string key) => Positions.TryGetValue(key, out var at) ? at : SourcePath;

    /// <summary>Migration wins over append-only, which wins over DML; anything else is unmanaged.</summary>
    public TableClass Classify(string schema, string name) =>
        AnyMatch(MigrationTables, schema, name) ? TableClass.Migration
        : AnyMatch(AppendOnly, schema, name) ? TableClass.AppendOnly
        : AnyMatch(Tables, schema, name) ? TableClass.Dml
        : TableClass.Unmanaged;

    // A loop, not LINQ: a plan classifies every table of the database.
    private static bool AnyMatch(IReadOnlyList<NamePattern> patterns, string schema, string name)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            if (patterns[i].Matches(schema, name))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The privileges the app role should hold on a table of this class.</summary>
    public IReadOnlyList<string> WantedOn(TableClass tableClass) => tableClass switch
    {
        TableClass.Dml => TablePrivileges,
        TableClass.AppendOnly => Privileges.AppendOnly,
        _ => Nothing,
    };

    /// <summary>The privileges the app role should hold on a relation of the catalog.</summary>
    public IReadOnlyList<string> WantedOn(CatalogRelation relation) => WantedOn(relation.Kind, relation.Schema, relation.Name, relation.OwnedBy);

    /// <summary>The privileges the app role should hold on a relation; always one of a few shared list instances.</summary>
    public IReadOnlyList<string> WantedOn(RelationKind kind, string schema, string name, (string Schema, string Name)? ownedBy)
    {
        if (kind != RelationKind.Sequence)
        {
            return WantedOn(Classify(schema, name));
        }
        // A sequence behind a migration journal's column is part of the journal.
        return ownedBy is { } table && Classify(table.Schema, table.Name) == TableClass.Migration ? Nothing : SequencePrivileges;
    }

    private static readonly string[] Nothing = [];
}
