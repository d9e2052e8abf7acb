using Npgsql;

namespace Velvet.Database.Grants;

/// <summary>The outcome of an apply: the plan it started from and the statements it ran (or would run).</summary>
public sealed record ApplyResult(GrantsPlan Plan, IReadOnlyList<GrantStatement> Statements, bool Executed);

/// <summary>
/// Makes a database match a policy in ONE transaction: read the catalog, plan, check the connecting role may make every
/// change (before changing anything), run the statements, re-read the catalog and commit only if no drift is left.
/// Running it again finds nothing to do.
/// </summary>
public static class GrantsApplier
{
    private const string PreflightSql = """
        SELECT r, m, pg_has_role(r, CASE WHEN m THEN 'MEMBER' ELSE 'USAGE' END)
        FROM unnest($1::text[], $2::bool[]) AS x(r, m)
        """;

    /// <summary>Plans and, unless <paramref name="dryRun"/>, applies. Throws <see cref="GrantsException"/> when refused.</summary>
    public static async Task<ApplyResult> ApplyAsync(NpgsqlConnection connection, GrantsPolicy policy, bool dryRun, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var plan = GrantsPlanner.Plan(policy, await CatalogReader.ReadAsync(connection, policy, ct).ConfigureAwait(false));
        var statements = GrantsSql.Build(plan);
        if (statements.Count == 0)
        {
            return new ApplyResult(plan, [], false);
        }
        await PreflightAsync(connection, plan.Snapshot, statements, ct).ConfigureAwait(false);
        if (dryRun)
        {
            return new ApplyResult(plan, statements, false);
        }
        foreach (var statement in statements)
        {
            await using var cmd = new NpgsqlCommand(statement.Sql, connection);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var after = GrantsPlanner.Plan(policy, await CatalogReader.ReadAsync(connection, policy, ct).ConfigureAwait(false));
        if (!after.IsClean)
        {
            // Something this version cannot fix in one pass: say what, and leave the database as it was (rollback).
            throw new InvalidOperationException("apply did not reach the policy; rolled back, nothing was changed. Drift left after the statements:\n  " +
                string.Join("\n  ", after.Lines().Take(20)));
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new ApplyResult(plan, statements, true);
    }

    /// <summary>Refuses, naming each object and the role to connect as, when the connecting role cannot make a change.</summary>
    private static async Task PreflightAsync(NpgsqlConnection connection, CatalogSnapshot snapshot, IReadOnlyList<GrantStatement> statements, CancellationToken ct)
    {
        if (snapshot.IsSuperuser)
        {
            return;
        }
        var needs = statements.SelectMany(s => s.Needs).ToList();
        var distinct = needs.Select(n => (n.Role, n.Membership)).Distinct().ToList();
        var allowed = new HashSet<(string, bool)>();
        await using (var cmd = new NpgsqlCommand(PreflightSql, connection)
        {
            Parameters = { new() { Value = distinct.Select(d => d.Role).ToArray() }, new() { Value = distinct.Select(d => d.Membership).ToArray() } },
        })
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                if (reader.GetBoolean(2))
                {
                    allowed.Add((reader.GetString(0), reader.GetBoolean(1)));
                }
            }
        }
        var refused = needs.Where(n => !allowed.Contains((n.Role, n.Membership))).DistinctBy(n => (n.Object, n.Role)).ToList();
        if (refused.Count == 0)
        {
            return;
        }
        var lines = refused.Take(20).Select(n => $"  {n.Object}: needs {(n.Membership ? "membership in" : "the privileges of")} {n.Role}; connect as {n.Role} (or a superuser)");
        var more = refused.Count > 20 ? $"\n  ... and {refused.Count - 20} more" : "";
        throw new GrantsException(GrantsFailure.Refused,
            $"connected as {snapshot.CurrentUser}, which cannot change these grants (only the owner of an object, a member of it, or a superuser can); nothing was changed:\n" +
            string.Join("\n", lines) + more);
    }
}
