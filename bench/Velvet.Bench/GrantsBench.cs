using System.Diagnostics;
using Npgsql;
using Velvet.Database.Grants;
using static Velvet.Bench.Stats;

namespace Velvet.Bench;

/// <summary>
/// The grants drift check at scale: N tables in a throwaway database (batched DDL), then, over one open connection each,
/// Velvet's plan (CatalogReader: a constant number of set-based catalog queries + GrantsPlanner) against the runbook's
/// way, one catalog query per table (<c>SELECT relacl FROM pg_class WHERE oid = 'public.t'::regclass</c>, what
/// <c>\dp table</c> reads), issued N times. Both in the same run, medians of several passes; the ratio is the figure.
/// </summary>
internal static class GrantsBench
{
    private const string AdminEnv = "VELVET_BENCH_PG_ADMIN";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(15);

    public static async Task<int> RunAsync(Args args)
    {
        var tables = args.Int("tables", 10_000, 10, 20_000);
        var passes = args.Int("passes", 5, 1, 20);
        // drifted: the runbook's blanket GRANT ... ON ALL TABLES first (a few hundred drift lines: the *_history tables);
        // fresh: no grant at all (every table is drift: the worst case for plan, 4 lines per table).
        var state = args.Text("state", "drifted", "drifted", "fresh");
        args.RejectUnknown();
        var admin = Environment.GetEnvironmentVariable(AdminEnv);
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new ArgumentException($"{AdminEnv} must hold a superuser Npgsql connection string to 127.0.0.1 (bench/run.sh sets it)");
        }
        var adminCs = new NpgsqlConnectionStringBuilder(admin) { Pooling = false, CommandTimeout = 600 };
        if (adminCs.Host is not ("127.0.0.1" or "localhost" or "::1"))
        {
            throw new ArgumentException($"{AdminEnv} must point at 127.0.0.1 (got host {adminCs.Host})");
        }
        using var cts = new CancellationTokenSource(Deadline);
        var ct = cts.Token;
        var tag = "velvet_bench_grants_" + Guid.NewGuid().ToString("N")[..8];
        var (database, owner, app) = (tag, tag + "_owner", tag + "_app");
        Console.WriteLine($"grants: tables={tables} passes={passes} state={state} database={database}");
        await ExecAsync(adminCs.ConnectionString, ct, $"CREATE ROLE {owner} NOLOGIN", $"CREATE ROLE {app} NOLOGIN", $"CREATE DATABASE {database} OWNER {owner}");
        var dbCs = new NpgsqlConnectionStringBuilder(adminCs.ConnectionString) { Database = database }.ConnectionString;
        try
        {
            var setup = Stopwatch.StartNew();
            await CreateTablesAsync(dbCs, owner, app, tables, state == "drifted", ct);
            Console.WriteLine($"setup: {tables} tables (1 in 100 a *_history table, plus alembic_version) in {F(setup.Elapsed.TotalSeconds, 1)} s");

            var policy = GrantsPolicyLoader.LoadFromText(
                $"app_role: {app}\nowner: {owner}\nappend_only: [customer_audit_events, \"*_history\"]\n", "bench-grants.yaml").Policy!;
            await using var conn = new NpgsqlConnection(dbCs);
            await conn.OpenAsync(ct);
            var names = await TableNamesAsync(conn, ct);

            // Warm-up: JIT, catalog caches of the backend, both code paths.
            var warm = await PlanAsync(conn, policy, ct);
            await BaselineAsync(conn, names.Take(500).ToList(), ct);
            var driftLines = warm.Plan.Drift.Count;
            var cpu = new List<double>();
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            for (var i = 0; i < 10; i++)
            {
                var sw = Stopwatch.StartNew();
                GrantsPlanner.Plan(policy, warm.Plan.Snapshot);
                cpu.Add(sw.Elapsed.TotalMilliseconds);
            }
            process.Refresh();
            Console.WriteLine($"planner alone (no I/O, same snapshot): median {F(Median(cpu), 1)} ms wall, {F((process.TotalProcessorTime - cpuBefore).TotalMilliseconds / 10, 1)} ms CPU per plan");

            var velvet = new List<double>();
            var reads = new List<double>();
            var baseline = new List<double>();
            for (var i = 0; i < passes; i++)
            {
                var run = await PlanAsync(conn, policy, ct);
                velvet.Add(run.Ms);
                reads.Add(run.ReadMs);
                baseline.Add(await BaselineAsync(conn, names, ct));
            }
            var (planMs, baseMs) = (Median(velvet), Median(baseline));
            Console.WriteLine($"velvet grants plan ({state} db, {driftLines} drift lines): median {F(planMs, 1)} ms (catalog read {F(Median(reads), 1)} ms)  [{string.Join(", ", velvet.Select(v => F(v, 1)))}]");
            Console.WriteLine($"baseline per-table relacl query x {names.Count}: median {F(baseMs, 1)} ms  [{string.Join(", ", baseline.Select(v => F(v, 1)))}]");
            Console.WriteLine($"baseline / velvet = {F(baseMs / planMs, 1)}x (target >= 50x)");

            // For orientation: apply once, then the plan of a database with no drift.
            var apply = Stopwatch.StartNew();
            var applied = await GrantsApplier.ApplyAsync(conn, policy, dryRun: false, ct);
            apply.Stop();
            var clean = new List<double>();
            for (var i = 0; i < passes; i++) clean.Add((await PlanAsync(conn, policy, ct)).Ms);
            Console.WriteLine($"apply: {applied.Statements.Count} statements in {F(apply.Elapsed.TotalMilliseconds, 0)} ms; plan after apply (no drift): median {F(Median(clean), 1)} ms");
            Result(("bench", "grants"), ("store", "postgres"), ("state", state), ("tables", tables.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("plan_ms", F(planMs, 1)), ("baseline_ms", F(baseMs, 1)), ("ratio", F(baseMs / planMs, 1)),
                ("clean_plan_ms", F(Median(clean), 1)), ("apply_ms", F(apply.Elapsed.TotalMilliseconds, 0)), ("drift_lines", driftLines.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecAsync(adminCs.ConnectionString, CancellationToken.None,
                $"DROP DATABASE IF EXISTS {database} WITH (FORCE)", $"DROP ROLE IF EXISTS {app}", $"DROP ROLE IF EXISTS {owner}");
        }
    }

    /// <summary>Tables in batches of 1,000 per DO block (one transaction each, well under the lock table's size).</summary>
    private static async Task CreateTablesAsync(string cs, string owner, string app, int tables, bool blanketGrant, CancellationToken ct)
    {
        await ExecAsync(cs, ct, $"ALTER SCHEMA public OWNER TO {owner}", $"SET ROLE {owner}; CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); RESET ROLE");
        for (var from = 1; from <= tables; from += 1000)
        {
            var to = Math.Min(tables, from + 999);
            await ExecAsync(cs, ct, $"""
                SET ROLE {owner};
                DO $$ BEGIN
                  FOR i IN {from}..{to} LOOP
                    EXECUTE format(CASE WHEN i % 100 = 0 THEN 'CREATE TABLE t%s_history (id int, what text)' ELSE 'CREATE TABLE t%s (id int, total int)' END, i);
                  END LOOP;
                END $$;
                RESET ROLE
                """);
        }
        // The runbook's blanket grant: every table gets DML, the *_history tables too (that is the drift plan finds).
        if (!blanketGrant)
        {
            return;
        }
        await ExecAsync(cs, ct, $"SET ROLE {owner}; GRANT USAGE ON SCHEMA public TO {app}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}; RESET ROLE");
    }

    private static async Task<List<string>> TableNamesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var names = new List<string>();
        await using var cmd = new NpgsqlCommand("SELECT quote_ident(relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY relname", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) names.Add("public." + reader.GetString(0));
        return names;
    }

    private static async Task<(GrantsPlan Plan, double Ms, double ReadMs)> PlanAsync(NpgsqlConnection conn, GrantsPolicy policy, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var snapshot = await CatalogReader.ReadAsync(conn, policy, ct);
        var read = sw.Elapsed.TotalMilliseconds;
        var plan = GrantsPlanner.Plan(policy, snapshot);
        return (plan, sw.Elapsed.TotalMilliseconds, read);
    }

    /// <summary>The runbook's loop: one ACL query per table, back to back on one connection.</summary>
    private static async Task<double> BaselineAsync(NpgsqlConnection conn, IReadOnlyList<string> names, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var withAcl = 0;
        foreach (var name in names)
        {
            await using var cmd = new NpgsqlCommand("SELECT relacl::text FROM pg_class WHERE oid = $1::regclass", conn) { Parameters = { new() { Value = name } } };
            if (await cmd.ExecuteScalarAsync(ct) is string) withAcl++;
        }
        GC.KeepAlive(withAcl);
        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task ExecAsync(string cs, CancellationToken ct, params string[] statements)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct);
        foreach (var sql in statements)
        {
            await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 600 };
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
