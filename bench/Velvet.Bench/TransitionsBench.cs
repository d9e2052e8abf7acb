using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Velvet.Core.Jobs;
using Velvet.Core.Ports;
using static Velvet.Bench.Stats;

namespace Velvet.Bench;

/// <summary>
/// Job-transition throughput: <c>clients</c> workers each create jobs (distinct credentials) and drive them through the
/// operational path with <see cref="IJobStore.UpdateJobAsync"/> (optimistic version check + one status event per write,
/// as the engine's MoveAsync does), for a bounded time. Compared with a baseline on the same database in the same run:
/// PostgreSQL → <c>pgbench -N</c> with the same client count; SQLite → raw single-row UPDATE commits on the same file.
/// </summary>
internal static partial class TransitionsBench
{
    private const string Env = "bench";
    private const long MaxTransitions = 50_000_000;

    private static readonly JobStatus[] Path =
    [
        JobStatus.Verifying, JobStatus.Verified, JobStatus.Minting, JobStatus.Minted, JobStatus.Distributing,
        JobStatus.Distributed, JobStatus.Validating, JobStatus.Validated, JobStatus.Revoking, JobStatus.Done,
    ];

    public static async Task<int> RunAsync(Args args)
    {
        var storeKind = args.Text("store", "sqlite", "sqlite", "postgres");
        var clients = args.Int("clients", 8, 1, 256);
        var seconds = args.Int("seconds", 10, 1, 600);
        args.RejectUnknown();
        var duration = TimeSpan.FromSeconds(seconds);
        Console.WriteLine($"transitions: store={storeKind} clients={clients} seconds={seconds}");

        var dir = Directory.CreateTempSubdirectory("velvet-bench-transitions-").FullName;
        try
        {
            var store = await Stores.OpenAsync(storeKind, dir);
            (long Transitions, long Jobs, TimeSpan Elapsed) velvet;
            try
            {
                var run = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
                await DriveAsync(store, "WARM_" + run, clients, TimeSpan.FromSeconds(1)); // JIT, pools, prepared statements
                velvet = await DriveAsync(store, "T_" + run, clients, duration);
            }
            finally
            {
                await Stores.CloseAsync(store);
            }
            var tps = velvet.Transitions / velvet.Elapsed.TotalSeconds;
            Console.WriteLine($"velvet: {velvet.Transitions} transitions ({velvet.Jobs} jobs created) in {F(velvet.Elapsed.TotalSeconds)} s = {F(tps, 0)} transitions/s");

            var (baselineName, baseline) = storeKind == "postgres"
                ? ("pgbench -N tps", await PgbenchAsync(clients, seconds))
                : ("raw UPDATE commits/s", await RawSqliteAsync(System.IO.Path.Combine(dir, "velvet.db"), clients, duration));
            var ratio = tps / baseline;
            var target = storeKind == "postgres" ? " (target >= 40 %)" : " (no external target)";
            Console.WriteLine($"baseline {baselineName}: {F(baseline, 0)} | velvet / baseline = {F(100 * ratio, 1)} %{target}");
            Result(("bench", "transitions"), ("store", storeKind), ("clients", clients.ToString(CultureInfo.InvariantCulture)),
                ("transitions_per_s", F(tps, 0)), ("baseline", baselineName.Replace(' ', '_')), ("baseline_per_s", F(baseline, 0)),
                ("ratio_pct", F(100 * ratio, 1)));
            return 0;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<(long Transitions, long Jobs, TimeSpan Elapsed)> DriveAsync(IJobStore store, string prefix, int clients, TimeSpan duration)
    {
        long transitions = 0, jobs = 0;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (var seq = 0; sw.Elapsed < duration && Interlocked.Read(ref transitions) < MaxTransitions; seq++)
            {
                var job = await CreateAsync(store, $"{prefix}_{c:D3}_{seq:D7}");
                Interlocked.Increment(ref jobs);
                foreach (var to in Path)
                {
                    if (sw.Elapsed >= duration) break;
                    job = await MoveAsync(store, job, to);
                    Interlocked.Increment(ref transitions);
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        return (transitions, jobs, sw.Elapsed);
    }

    private static async Task<RotationJob> CreateAsync(IJobStore store, string credential)
    {
        var now = TimeProvider.System.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var job = new RotationJob
        {
            JobId = id, CredentialName = credential, Env = Env, Flow = FlowType.Operational, Status = JobStatus.Init,
            CreatedBy = "bench", CreatedAt = now, UpdatedAt = now, StatusChangedAt = now,
        };
        var row = new ConsumerRow { JobId = id, ConsumerId = "app", Kind = "http", UpdatedAt = now };
        var created = new JobEvent { JobId = id, At = now, Actor = "bench", Kind = "created", ToStatus = "init", Detail = "flow=operational consumers=1" };
        var result = await store.CreateJobAsync(new NewJob { Job = job, Rows = [row] }, created, CancellationToken.None);
        return result.Unwrap().Job;
    }

    /// <summary>What JobRunner.MoveAsync writes: the new status on the version read, plus one status event.</summary>
    private static async Task<RotationJob> MoveAsync(IJobStore store, RotationJob job, JobStatus to)
    {
        var now = TimeProvider.System.GetUtcNow();
        var evt = new JobEvent
        {
            JobId = job.JobId, At = now, Actor = "velvet-engine", Kind = "status", FromStatus = job.Status.Name(), ToStatus = to.Name(),
        };
        var written = await store.UpdateJobAsync(job with { Status = to, UpdatedAt = now, StatusChangedAt = now }, [], [evt], CancellationToken.None);
        return written.Unwrap();
    }

    /// <summary>
    /// Raw single-row UPDATE commits on the same file, with the store's settings (WAL, busy_timeout, foreign keys,
    /// default synchronous; one writer connection shared by the clients, IMMEDIATE transactions, prepared statement).
    /// </summary>
    private static async Task<double> RawSqliteAsync(string path, int clients, TimeSpan duration)
    {
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, ForeignKeys = true, Pooling = true, DefaultTimeout = 10,
        }.ToString();
        await using var conn = new SqliteConnection(cs);
        conn.Open();
        using (var setup = conn.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; " +
                                "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, at TEXT NOT NULL); DELETE FROM bench_raw;";
            setup.ExecuteNonQuery();
            setup.CommandText = "INSERT INTO bench_raw (id, n, at) VALUES ($id, 0, '')";
            var p = setup.Parameters.Add("$id", SqliteType.Integer);
            for (var i = 0; i < clients; i++) { p.Value = i; setup.ExecuteNonQuery(); }
        }
        using var update = conn.CreateCommand();
        update.CommandText = "UPDATE bench_raw SET n = n + 1, at = $at WHERE id = $id";
        var pId = update.Parameters.Add("$id", SqliteType.Integer);
        var pAt = update.Parameters.Add("$at", SqliteType.Text);
        using var gate = new SemaphoreSlim(1, 1);
        long commits = 0;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            while (sw.Elapsed < duration && Interlocked.Read(ref commits) < MaxTransitions)
            {
                await gate.WaitAsync();
                try
                {
                    using var tx = conn.BeginTransaction(deferred: false);
                    update.Transaction = tx;
                    pId.Value = c;
                    pAt.Value = TimeProvider.System.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
                    update.ExecuteNonQuery();
                    tx.Commit();
                }
                finally
                {
                    gate.Release();
                }
                Interlocked.Increment(ref commits);
            }
        })).ToList();
        await Task.WhenAll(workers);
        var rate = commits / sw.Elapsed.TotalSeconds;
        Console.WriteLine($"raw sqlite: {commits} single-row UPDATE commits in {F(sw.Elapsed.TotalSeconds)} s = {F(rate, 0)}/s");
        SqliteConnection.ClearPool(conn);
        return rate;
    }

    /// <summary><c>pgbench -N</c> (simple-update) as the owner role on the same cluster, same clients, same duration.</summary>
    private static async Task<double> PgbenchAsync(int clients, int seconds)
    {
        var owner = Stores.Owner();
        var common = new List<string> { "-h", owner.Host!, "-p", owner.Port.ToString(CultureInfo.InvariantCulture), "-U", owner.Username!, owner.Database! };
        await PgbenchProcessAsync(["-i", "-s", "10", "-q", .. common], owner.Password, TimeSpan.FromMinutes(3));
        var threads = Math.Min(clients, Environment.ProcessorCount);
        var output = await PgbenchProcessAsync(
            ["-N", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", threads.ToString(CultureInfo.InvariantCulture),
             "-T", seconds.ToString(CultureInfo.InvariantCulture), .. common],
            owner.Password, TimeSpan.FromSeconds(seconds + 120));
        var m = Tps().Match(output);
        if (!m.Success) throw new InvalidOperationException("pgbench printed no tps line:\n" + output);
        var tps = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        Console.WriteLine($"pgbench -N -c {clients} -j {threads} -T {seconds}: {F(tps, 0)} tps");
        return tps;
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    private static async Task<string> PgbenchProcessAsync(IReadOnlyList<string> arguments, string? password, TimeSpan limit)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("PGBENCH") ?? "/usr/bin/pgbench")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        psi.Environment["PGPASSWORD"] = password ?? "";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("pgbench did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"pgbench {string.Join(' ', arguments.Take(2))} did not finish within {limit}");
        }
        var text = await stdout + await stderr;
        if (p.ExitCode != 0) throw new InvalidOperationException($"pgbench exited {p.ExitCode}:\n{text}");
        return text;
    }
}
