using Velvet.Database.Grants;

namespace Velvet.Database.Migrations;

/// <summary>One problem: where (file:line of the CREATE TABLE), what, and the statement that fixes it.</summary>
public sealed record LintFinding(string File, int Line, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line}: {Message}";
}

/// <summary>The findings of a lint run and what was read.</summary>
public sealed record LintResult(IReadOnlyList<LintFinding> Findings, int Files, int TablesCreated);

/// <summary>
/// `velvet migrations lint`: reads the *.sql files of a folder in name order (the order they run) and flags every
/// CREATE TABLE that leaves the app role without access. A table is covered by a later GRANT naming it (or GRANT ... ON
/// ALL TABLES IN SCHEMA), by ALTER DEFAULT PRIVILEGES ... ON TABLES TO the app role earlier in the run, or by the
/// policy's own default privileges (owner + default_privileges: true, in a policy schema). An append-only table gets
/// UPDATE and DELETE from default privileges, so it needs a REVOKE naming it. Migration journals and tables outside the
/// policy (other schemas, not matched by tables:) need nothing.
/// </summary>
public static class MigrationLinter
{
    private sealed class Table(SqlName created, string file, string schema, bool defaultCovered)
    {
        public SqlName Created { get; } = created;
        public string File { get; } = file;
        public string Schema { get; set; } = schema;
        public string Name { get; set; } = created.Name;
        public bool DefaultCovered { get; } = defaultCovered;
        public bool Granted { get; set; }
        public bool Revoked { get; set; }
    }

    /// <summary>Lints every *.sql file directly in <paramref name="directory"/>; file names in messages are relative to it.</summary>
    public static LintResult LintDirectory(string directory, GrantsPolicy policy)
    {
        var files = Directory.GetFiles(directory, "*.sql").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .Select(f => (Path.Combine(directory, Path.GetFileName(f)), File.ReadAllText(f))).ToList();
        return Lint(files, policy);
    }

    /// <summary>Lints scripts given in run order as (name, text).</summary>
    public static LintResult Lint(IReadOnlyList<(string Name, string Sql)> scripts, GrantsPolicy policy)
    {
        var findings = new List<LintFinding>();
        var live = new List<Table>();
        var defaultSchemas = new HashSet<string>(StringComparer.Ordinal);
        var defaultEverywhere = false;
        var created = 0;
        var policyDefaults = policy.DefaultPrivileges && policy.Owner is not null;
        foreach (var (file, sql) in scripts)
        {
            var searchPath = "public";
            var (statements, problem) = SqlLexer.Statements(sql);
            if (problem is not null)
            {
                var line = int.Parse(problem[..problem.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
                findings.Add(new LintFinding(file, line, problem[(problem.IndexOf(' ', StringComparison.Ordinal) + 1)..] + " (the statements after it are not checked)"));
            }
            foreach (var tokens in statements)
            {
                Table? Find(SqlName n) => live.LastOrDefault(t => t.Name == n.Name && t.Schema == (n.Schema ?? searchPath));
                switch (MigrationStatement.Parse(tokens))
                {
                    case MigrationStatement.CreateTable create:
                        var schema = create.Table.Schema ?? searchPath;
                        if (create.IfNotExists && Find(create.Table) is not null)
                        {
                            break;
                        }
                        created++;
                        live.RemoveAll(t => t.Name == create.Table.Name && t.Schema == schema);
                        live.Add(new Table(create.Table, file, schema,
                            (policyDefaults && policy.Schemas.Contains(schema)) || defaultEverywhere || defaultSchemas.Contains(schema)));
                        break;
                    case MigrationStatement.TableGrant grant when grant.Roles.Contains(policy.AppRole):
                        foreach (var table in grant.Tables.Select(Find).OfType<Table>())
                        {
                            if (grant.Revoke) table.Revoked = true;
                            else table.Granted = true;
                        }
                        break;
                    case MigrationStatement.SchemaGrant grant when grant.Roles.Contains(policy.AppRole):
                        foreach (var table in live.Where(t => grant.Schemas.Contains(t.Schema)))
                        {
                            if (grant.Revoke) table.Revoked = true;
                            else table.Granted = true;
                        }
                        break;
                    case MigrationStatement.DefaultGrant grant when grant.Roles.Contains(policy.AppRole):
                        defaultEverywhere |= grant.Schemas.Count == 0;
                        defaultSchemas.UnionWith(grant.Schemas);
                        break;
                    case MigrationStatement.DropTables drop:
                        foreach (var table in drop.Tables.Select(Find).OfType<Table>())
                        {
                            live.Remove(table);
                        }
                        break;
                    case MigrationStatement.MoveTable move when Find(move.Table) is { } moved:
                        moved.Name = move.NewName ?? moved.Name;
                        moved.Schema = move.NewSchema ?? moved.Schema;
                        break;
                    case MigrationStatement.SearchPath path:
                        searchPath = path.Schema;
                        break;
                }
            }
        }
        findings.AddRange(live.Select(t => Judge(t, policy)).OfType<LintFinding>());
        return new LintResult(findings.OrderBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line).ToList(), scripts.Count, created);
    }

    private static LintFinding? Judge(Table table, GrantsPolicy policy)
    {
        if (!policy.Schemas.Contains(table.Schema))
        {
            return null;
        }
        var app = SqlIdent.Quote(policy.AppRole);
        var name = SqlIdent.Qualified(table.Schema, table.Name);
        switch (policy.Classify(table.Schema, table.Name))
        {
            case TableClass.Dml when !table.Granted && !table.DefaultCovered:
                return new LintFinding(table.File, table.Created.Line,
                    $"CREATE TABLE {table.Schema}.{table.Name} without a grant to {policy.AppRole}: add GRANT {string.Join(", ", policy.TablePrivileges)} ON {name} TO {app}; " +
                    "(or declare default privileges in the policy: owner: and default_privileges: true)");
            case TableClass.AppendOnly when table.DefaultCovered && !table.Revoked:
                return new LintFinding(table.File, table.Created.Line,
                    $"CREATE TABLE {table.Schema}.{table.Name} is append-only, but default privileges give {policy.AppRole} UPDATE and DELETE on it: " +
                    $"add REVOKE UPDATE, DELETE, TRUNCATE ON {name} FROM {app}; (or run velvet grants apply after migrating)");
            case TableClass.AppendOnly when !table.DefaultCovered && !table.Granted:
                return new LintFinding(table.File, table.Created.Line,
                    $"CREATE TABLE {table.Schema}.{table.Name} (append-only) without a grant to {policy.AppRole}: add GRANT SELECT, INSERT ON {name} TO {app};");
            default:
                return null;
        }
    }
}
