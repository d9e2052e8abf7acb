using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Database.Roles;
using Velvet.Store;
using Velvet.Vendors;
using Velvet.Vendors.DotenvFile;
using Velvet.Vendors.Local;
using static Velvet.Bench.Stats;

namespace Velvet.Bench;

/// <summary>
/// Database credential rotation under load: N clients reconnect in a loop (read the app's URL from the dotenv file the
/// rotation writes, open an unpooled connection, SELECT 1, close) while Velvet rotates the app role through the real
/// engine, once in place (the seeds' procedure, the baseline) and once with alternating logins, in the same run.
/// Failed connections are counted and classified by SQLSTATE. Target (BENCHMARKS.md): alternating 0 failed.
/// </summary>
internal static class DbRotateBench
{
    public const string AdminEnv = "VELVET_BENCH_PG_ADMIN";
    private const string Cred = "APP_DATABASE_URL";
    private const string AdminVar = "BENCH_DATABASE_ROOT_URL";
    private static readonly TimeSpan RotationLimit = TimeSpan.FromSeconds(60);

    private sealed record ModeResult(string Mode, long Attempts, long Failed, IReadOnlyDictionary<string, long> Classes, IReadOnlyList<TimeSpan> Rotations, TimeSpan Wall);

    public static async Task<int> RunAsync(Args args)
    {
        var clients = args.Int("clients", 50, 1, 180);
        var rotations = args.Int("rotations", 3, 1, 50);
        var gateMs = args.Int("revoke-gate-ms", 1000, 0, 60_000);
        var seconds = args.Int("seconds", 300, 10, 3600);
        args.RejectUnknown();
        var admin = new NpgsqlConnectionStringBuilder(Stores.Required(AdminEnv)) { Pooling = false, Timeout = 5 };
        if (!IsLoopback(admin.Host))
            throw new ArgumentException($"{AdminEnv} must point at 127.0.0.1 / localhost (the benchmark creates and drops a database and roles); got host {admin.Host}");

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"dbrotate: clients={clients} rotations/mode={rotations} revoke gate {gateMs} ms after validated; each client loop: read URL from app.env, open (unpooled), SELECT 1, close");
        var results = new List<ModeResult>();
        foreach (var mode in new[] { RoleMode.InPlace, RoleMode.Alternating })
            results.Add(await RunModeAsync(admin, mode, clients, rotations, TimeSpan.FromMilliseconds(gateMs), deadline.Token));

        foreach (var r in results)
        {
            var classes = r.Classes.Count == 0 ? "none" : string.Join(", ", r.Classes.OrderByDescending(c => c.Value).Select(c => $"{c.Key}: {c.Value}"));
            Console.WriteLine($"{r.Mode,-12} connections {r.Attempts,7} ({F(r.Attempts / r.Wall.TotalSeconds, 0)}/s), failed {r.Failed,4} ({classes}); " +
                              $"rotations {string.Join(", ", r.Rotations.Select(t => F(t.TotalMilliseconds, 0) + " ms"))}");
            Result(("bench", "dbrotate"), ("mode", r.Mode), ("clients", clients.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("rotations", rotations.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("attempts", r.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("failed", r.Failed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("classes", r.Classes.Count == 0 ? "none" : string.Join(",", r.Classes.Select(c => $"{c.Key}:{c.Value}"))),
                ("rotation_ms", F(Median(r.Rotations.Select(t => t.TotalMilliseconds).ToList()), 0)));
        }
        var alternating = results.Single(r => r.Mode == "alternating");
        Console.WriteLine(alternating.Failed == 0
            ? "target met: alternating logins lost no connection"
            : $"target NOT met: alternating lost {alternating.Failed} connection(s)");
        return 0;
    }

    private static async Task<ModeResult> RunModeAsync(NpgsqlConnectionStringBuilder adminCs, RoleMode mode, int clients, int rotations, TimeSpan gate, CancellationToken deadline)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var database = "velvet_bench_" + suffix;
        var role = $"vb{suffix}_app";
        var layout = mode == RoleMode.InPlace ? RoleLayout.InPlace(role) : RoleLayout.Alternating(role);
        var dir = Directory.CreateTempSubdirectory("velvet-bench-dbrotate-").FullName;
        await ExecAsync(adminCs.ConnectionString, $"CREATE DATABASE {database}");
        var benchAdmin = new NpgsqlConnectionStringBuilder(adminCs.ConnectionString) { Database = database }.ConnectionString;
        try
        {
            var masker = new SecretMasker();
            var adminDsn = Dsn.Dsn.Parse(benchAdmin);
            var target = new RoleTarget { Layout = layout, Admin = adminDsn, UrlTemplate = RoleTarget.TemplateFrom(adminDsn), AdminSource = "$" + AdminVar };
            var vault = Path.Combine(dir, "vault.env");
            var appEnv = Path.Combine(dir, "app.env");
            await ProvisionAsync(target, masker, vault, appEnv);

            var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions
            {
                StateDirectory = Path.Combine(dir, "state"), Masker = masker, Environment = n => n == AdminVar ? benchAdmin : null,
            });
            var loaded = ManifestLoader.LoadFromText(Manifest(layout, vault, appEnv), "dbrotate.yaml", catalog.Kinds);
            if (!loaded.IsValid) throw new InvalidOperationException(string.Join("\n", loaded.Errors));
            await using var store = (IAsyncDisposable)JobStoreFactory.Open("sqlite:" + Path.Combine(dir, "velvet.db"));
            var jobs = (IJobStore)store;
            await jobs.MigrateAsync(deadline);
            var box = new SecretBox(new byte[32]);
            var bindings = new CredentialBindings(loaded.Manifest!, catalog);
            var service = new RotationService(jobs, bindings, box, masker, new EngineOptions { Env = "bench" }, TimeProvider.System);
            var runner = new JobRunner(service, bindings, new FileSecretSource(vault, Cred, masker), box, masker, TimeProvider.System, NullLogger<JobRunner>.Instance);

            var load = new ClientLoad(appEnv, clients);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline);
            var loop = load.RunAsync(stop.Token);
            var wall = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(1), deadline); // warm-up under load
            var walls = new List<TimeSpan>();
            for (var i = 0; i < rotations; i++)
            {
                walls.Add(await RotateAsync(service, runner, gate, deadline));
                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), deadline);
            await stop.CancelAsync();
            await loop;
            var name = RoleLayout.ModeName(mode);
            Console.WriteLine($"{name}: {rotations} rotation(s) done; last login {Dsn.Dsn.Parse(DotenvText.Read(await File.ReadAllTextAsync(appEnv, deadline), "DATABASE_URL")!).User}");
            return new ModeResult(name, load.Attempts, load.Failed, load.Classes, walls, wall.Elapsed);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecAsync(adminCs.ConnectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            foreach (var r in layout.Logins.Append(layout.Role).Distinct()) await ExecAsync(adminCs.ConnectionString, $"DROP ROLE IF EXISTS {PgText.Ident(r)}");
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>verify → proceed_mint (→ validated) → the revoke gate after <paramref name="gate"/> → done. Returns mint-to-done wall time.</summary>
    private static async Task<TimeSpan> RotateAsync(RotationService service, JobRunner runner, TimeSpan gate, CancellationToken deadline)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        limit.CancelAfter(RotationLimit);
        var ct = limit.Token;
        var jobId = (await service.StartAsync(new StartRequest { CredentialName = Cred, Flow = FlowType.Operational, Actor = "bench" }, ct)).Unwrap().Job.JobId;
        await ActAsync(service, runner, jobId, new ActionRequest { Action = JobAction.Verify, Actor = "bench" }, JobStatus.Verified, ct);
        var sw = Stopwatch.StartNew();
        await ActAsync(service, runner, jobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "bench" }, JobStatus.Validated, ct);
        // A person passes the revoke gate (typing the name and a ticket id) well after validation; 0 ms shows the race.
        await Task.Delay(gate, ct);
        await ActAsync(service, runner, jobId, new ActionRequest
        {
            Action = JobAction.ProceedRevoke, Actor = "bench", ConfirmCredentialName = Cred, TicketId = "ROT-2026-11-" + Cred,
        }, JobStatus.Done, ct);
        return sw.Elapsed - gate;
    }

    private static async Task ActAsync(RotationService service, JobRunner runner, Guid jobId, ActionRequest request, JobStatus expected, CancellationToken ct)
    {
        var applied = await service.ApplyAsync(jobId, request, ct);
        if (!applied.IsOk) throw new InvalidOperationException($"{request.Action.Name()} refused: {applied.Error.Message}");
        var job = await runner.RunAsync(jobId, ct);
        if (job?.Status != expected)
            throw new InvalidOperationException($"after {request.Action.Name()} the job is {job?.Status.Name()}, expected {expected.Name()}: {job?.LastError}");
    }

    private static async Task ProvisionAsync(RoleTarget target, SecretMasker masker, string vault, string appEnv)
    {
        await using var provisioning = await RoleProvisioning.BeginAsync(target, CancellationToken.None);
        var result = await provisioning.ApplyAsync(resetPassword: false, CancellationToken.None);
        if (result.Url is null) throw new InvalidOperationException("provisioning set no password: " + (result.Problem ?? string.Join("; ", result.Actions)));
        masker.Register(result.Url);
        AtomicFile.Replace(vault, DotenvText.Set("", Cred, result.Url.Reveal()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        AtomicFile.Replace(appEnv, DotenvText.Set("", "DATABASE_URL", result.Url.Reveal()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await provisioning.CommitAsync(CancellationToken.None);
    }

    private static string Manifest(RoleLayout layout, string vault, string appEnv) => $$"""
        version: 1
        credentials:
          - token_name: {{Cred}}
            vendor: { kind: postgres-role, settings: { mode: {{RoleLayout.ModeName(layout.Mode)}}, role: {{layout.Role}}, admin_url_env: {{AdminVar}} } }
            env: bench
            canonical_consumer: vault
        consumers:
          - consumer_id: vault
            token_name: {{Cred}}
            kind: dotenv-file
            settings: { path: {{vault}}, key: {{Cred}} }
          - consumer_id: app
            token_name: {{Cred}}
            kind: dotenv-file
            settings: { path: {{appEnv}}, key: DATABASE_URL }
        """;

    private static bool IsLoopback(string? host) =>
        host is "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    private static async Task ExecAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Velvet's current value of the credential: what the canonical vault file holds.</summary>
    private sealed class FileSecretSource(string path, string key, SecretMasker masker) : ISecretSource
    {
        public SecretValue? Get(string credentialName)
        {
            if (credentialName != key) return null;
            var value = DotenvText.Read(File.ReadAllText(path), key);
            if (string.IsNullOrEmpty(value)) return null;
            masker.Register(value);
            return new SecretValue(value);
        }
    }

    /// <summary>The clients: each loop reads the app's URL from its env file, logs in (unpooled), runs SELECT 1, disconnects.</summary>
    private sealed class ClientLoad(string appEnv, int clients)
    {
        private const int MaxIterationsPerClient = 1_000_000;
        private long _attempts;
        private long _failed;
        public ConcurrentDictionary<string, long> Classes { get; } = new(StringComparer.Ordinal);
        public long Attempts => Interlocked.Read(ref _attempts);
        public long Failed => Interlocked.Read(ref _failed);

        public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientAsync(stop), CancellationToken.None)));

        private async Task ClientAsync(CancellationToken stop)
        {
            for (var i = 0; i < MaxIterationsPerClient && !stop.IsCancellationRequested; i++)
            {
                string cs;
                try { cs = PgLogin.ConnectionString(Dsn.Dsn.Parse(DotenvText.Read(await File.ReadAllTextAsync(appEnv, CancellationToken.None), "DATABASE_URL"))); }
                catch (IOException) { continue; }
                Interlocked.Increment(ref _attempts);
                try
                {
                    await using var conn = new NpgsqlConnection(cs);
                    await conn.OpenAsync(CancellationToken.None);
                    await using var cmd = new NpgsqlCommand("SELECT 1", conn);
                    await cmd.ExecuteScalarAsync(CancellationToken.None);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    Interlocked.Increment(ref _failed);
                    var key = ex is PostgresException pg ? pg.SqlState : ex.GetType().Name;
                    Classes.AddOrUpdate(key, 1, (_, n) => n + 1);
                }
            }
        }
    }
}
