using System.Reflection;
using DbUp;
using Npgsql;
using Velvet.Store.Common;

namespace Velvet.Store.Postgres;

public sealed partial class PostgresJobStore
{
    /// <inheritdoc/>
    public Task MigrateAsync(CancellationToken ct) => ApplyMigrationsAsync(ct);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ApplyMigrationsAsync(CancellationToken ct)
    {
        // Objects go where unqualified names resolve for the owner (its search_path), and the journal beside them,
        // so a per-tenant or per-test schema is just a Search Path in both connection strings.
        string schema;
        await using (var conn = new NpgsqlConnection(_ownerConnectionString))
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT current_schema()", conn);
            schema = await cmd.ExecuteScalarAsync(ct) as string
                ?? throw new InvalidOperationException("the owner connection has no usable schema: its search_path names no existing schema");
        }
        var result = await Task.Run(() => DeployChanges.To.PostgresqlDatabase(_ownerConnectionString, schema)
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains(".Postgres.Migrations.", StringComparison.Ordinal))
            .JournalToPostgresqlTable(schema, StoreNames.JournalTable)
            .WithVariable("app_role", QuoteIdentifier(_appRole))
            .WithVariable("app_role_literal", QuoteLiteral(_appRole))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build()
            .PerformUpgrade(), ct);
        if (!result.Successful)
        {
            // PostgresException messages name objects and SQLSTATEs, never connection passwords.
            var error = result.Error is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : result.Error?.Message;
            throw new InvalidOperationException($"PostgreSQL migration {result.ErrorScript?.Name ?? "(unknown)"} failed in schema {schema}: {error}", result.Error);
        }
        return StoreNames.ScriptNames(result.Scripts);
    }

    /// <summary>A role name as a quoted SQL identifier, so any name is safe inside the grant script.</summary>
    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A role name as a SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1).</summary>
    internal static string QuoteLiteral(string name) => "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// Whether <see cref="MigrateAsync"/> may run here: true when the migration journal does not exist yet or the
    /// migration connection has any privilege on it. A restricted app role (revoked from the journal by the
    /// migrations) gets false: someone else migrates, with the owner URL.
    /// </summary>
    public async Task<bool> MayMigrateAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(_ownerConnectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT to_regclass($1) IS NULL OR has_table_privilege(to_regclass($1), 'SELECT, INSERT')", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = StoreNames.JournalTable });
        return await cmd.ExecuteScalarAsync(ct) is true;
    }
}
