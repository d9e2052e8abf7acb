using Npgsql;

namespace Velvet.Database.Grants;

/// <summary>
/// Proves the grants by trying them: logged in AS the app role, inside one transaction that is always rolled back,
/// each operation in its own SAVEPOINT (one refusal does not abort the rest). UPDATE and DELETE use <c>WHERE false</c>:
/// PostgreSQL checks privileges when the executor starts, before any row is read, so a statement that would touch no
/// row is still refused (42501) without the privilege. TRUNCATE really runs, and is rolled back with its savepoint.
/// </summary>
public static class GrantsProver
{
    /// <summary>The operations tried on every table checked.</summary>
    public static readonly IReadOnlyList<string> Operations = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"];

    private const string WhoSql = """
        SELECT current_user::text, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user), current_database()::text,
               EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
               AND pg_has_role(current_user, (SELECT oid FROM pg_roles WHERE rolname = $1), 'USAGE')
        """;

    private const string TablesSql = """
        SELECT n.nspname::text, c.relname::text, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p')
        """;

    private const string ColumnsSql = """
        SELECT t.s, t.n, a.attname::text, a.attgenerated = '' AND a.attidentity <> 'a'
        FROM unnest($1::text[], $2::text[]) AS t(s, n)
        JOIN pg_namespace ns ON ns.nspname = t.s
        JOIN pg_class c ON c.relnamespace = ns.oid AND c.relname = t.n
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY t.s, t.n, a.attnum
        """;

    /// <summary>Runs every check. <paramref name="dmlSample"/> bounds how many DML tables are tried (alphabetical).</summary>
    public static async Task<ProveResult> ProveAsync(NpgsqlConnection connection, GrantsPolicy policy, int dmlSample, CancellationToken ct)
    {
        string user, database;
        bool superuser, actsAsApp;
        await using (var who = new NpgsqlCommand(WhoSql, connection) { Parameters = { new() { Value = policy.AppRole } } })
        await using (var reader = await who.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            await reader.ReadAsync(ct).ConfigureAwait(false);
            (user, superuser, database, actsAsApp) = (reader.GetString(0), !reader.IsDBNull(1) && reader.GetBoolean(1), reader.GetString(2), reader.GetBoolean(3));
        }
        if (policy.Database is { } wanted && wanted != database)
        {
            throw new GrantsException(GrantsFailure.Config,
                $"the policy is for database \"{wanted}\" ({policy.At("database")}) but the app connection is to \"{database}\"");
        }
        var targets = await TargetsAsync(connection, policy, dmlSample, ct).ConfigureAwait(false);
        var checks = new List<ProveCheck>();
        await using (var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            await ExecAsync(connection, "SET LOCAL lock_timeout = '3s'; SET LOCAL statement_timeout = '30s'", ct).ConfigureAwait(false);
            foreach (var target in targets)
            {
                var wantedOps = policy.WantedOn(target.Class);
                foreach (var operation in Operations)
                {
                    var (outcome, detail) = await TryAsync(connection, target, operation, ct).ConfigureAwait(false);
                    checks.Add(new ProveCheck(target.Display, target.Class, operation, wantedOps.Contains(operation), outcome, detail));
                }
            }
            await tx.RollbackAsync(ct).ConfigureAwait(false);
        }
        return new ProveResult(user, superuser, actsAsApp, checks);
    }

    private sealed record Target(string Schema, string Name, bool Partitioned, TableClass Class, List<(string Name, bool Insertable)> Columns)
    {
        public string Display => Schema + "." + Name;
        public string Sql => SqlIdent.Qualified(Schema, Name);
    }

    private static async Task<List<Target>> TargetsAsync(NpgsqlConnection connection, GrantsPolicy policy, int dmlSample, CancellationToken ct)
    {
        var all = new List<Target>();
        await using (var cmd = new NpgsqlCommand(TablesSql, connection) { Parameters = { new() { Value = policy.Schemas.ToArray() } } })
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var (schema, name) = (reader.GetString(0), reader.GetString(1));
                all.Add(new Target(schema, name, reader.GetString(2) == "p", policy.Classify(schema, name), []));
            }
        }
        all = all.OrderBy(t => t.Class switch { TableClass.AppendOnly => 0, TableClass.Migration => 1, _ => 2 })
            .ThenBy(t => t.Schema, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
        var targets = all.Where(t => t.Class is TableClass.AppendOnly or TableClass.Migration)
            .Concat(all.Where(t => t.Class == TableClass.Dml).Take(dmlSample)).ToList();
        if (targets.Count == 0)
        {
            return targets;
        }
        var byName = targets.ToDictionary(t => (t.Schema, t.Name));
        await using (var cmd = new NpgsqlCommand(ColumnsSql, connection)
        {
            Parameters = { new() { Value = targets.Select(t => t.Schema).ToArray() }, new() { Value = targets.Select(t => t.Name).ToArray() } },
        })
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                byName[(reader.GetString(0), reader.GetString(1))].Columns.Add((reader.GetString(2), reader.GetBoolean(3)));
            }
        }
        return targets;
    }

    /// <summary>Tries one operation in a savepoint. UPDATE is tried column by column (a column grant is a way in too).</summary>
    private static async Task<(ProveOutcome, string?)> TryAsync(NpgsqlConnection connection, Target target, string operation, CancellationToken ct)
    {
        var insertable = target.Columns.FirstOrDefault(c => c.Insertable).Name;
        switch (operation)
        {
            case "SELECT":
                return await AttemptAsync(connection, $"SELECT 1 FROM {target.Sql} LIMIT 0", operation, ct).ConfigureAwait(false);
            case "INSERT" when insertable is null:
                return (ProveOutcome.Inconclusive, "no column an INSERT can name");
            case "INSERT":
                return await AttemptAsync(connection, $"INSERT INTO {target.Sql} ({SqlIdent.Quote(insertable)}) SELECT NULL WHERE false", operation, ct).ConfigureAwait(false);
            case "UPDATE":
                (ProveOutcome, string?) result = (ProveOutcome.Inconclusive, "no column");
                for (var i = 0; i < target.Columns.Count && result.Item1 != ProveOutcome.Allowed; i++)
                {
                    var column = target.Columns[i].Name;
                    result = await AttemptAsync(connection, $"UPDATE {target.Sql} SET {SqlIdent.Quote(column)} = DEFAULT WHERE false", operation, ct).ConfigureAwait(false);
                    if (result.Item1 == ProveOutcome.Allowed && i > 0)
                    {
                        result.Item2 ??= "through a grant on column " + column;
                    }
                }
                return result;
            case "DELETE":
                return await AttemptAsync(connection, $"DELETE FROM {target.Sql} WHERE false", operation, ct).ConfigureAwait(false);
            default:
                return await AttemptAsync(connection, $"TRUNCATE {(target.Partitioned ? "" : "ONLY ")}{target.Sql}", operation, ct).ConfigureAwait(false);
        }
    }

    private static async Task<(ProveOutcome, string?)> AttemptAsync(NpgsqlConnection connection, string sql, string operation, CancellationToken ct)
    {
        await ExecAsync(connection, "SAVEPOINT velvet_prove", ct).ConfigureAwait(false);
        try
        {
            await ExecAsync(connection, sql, ct).ConfigureAwait(false);
            return (ProveOutcome.Allowed, null);
        }
        catch (PostgresException ex)
        {
            return (Classify(ex.SqlState, operation), ex.SqlState == PostgresErrorCodes.InsufficientPrivilege ? null : $"{ex.SqlState}: {ex.MessageText}");
        }
        finally
        {
            await ExecAsync(connection, "ROLLBACK TO SAVEPOINT velvet_prove", ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// 42501 is a refusal. Errors raised before the privilege check (parse analysis: class 42; waiting for the table lock
    /// that UPDATE/DELETE/INSERT/SELECT take while parsing; a timeout) prove nothing. Anything later (a trigger, a
    /// foreign key stopping TRUNCATE) means the privilege check passed. TRUNCATE checks privileges before it locks.
    /// </summary>
    internal static ProveOutcome Classify(string sqlState, string operation) => sqlState switch
    {
        PostgresErrorCodes.InsufficientPrivilege => ProveOutcome.Refused,
        PostgresErrorCodes.LockNotAvailable when operation == "TRUNCATE" => ProveOutcome.Allowed,
        PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled => ProveOutcome.Inconclusive,
        _ when sqlState.StartsWith("42", StringComparison.Ordinal) || sqlState == "428C9" => ProveOutcome.Inconclusive,
        _ => ProveOutcome.Allowed,
    };

    private static async Task ExecAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
