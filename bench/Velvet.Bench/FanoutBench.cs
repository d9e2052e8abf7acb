using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors;
using Velvet.Vendors.Local;
using static Velvet.Bench.Stats;

namespace Velvet.Bench;

/// <summary>
/// One rotation fanned out to N local HTTP consumers: wall time from proceed_mint to validated against the ideal
/// bound 2 phases × ⌈N / concurrency⌉ × latency (what a perfect engine with free bookkeeping would take).
/// </summary>
internal static class FanoutBench
{
    private const string Env = "bench";
    private const string DeployToken = "DEPLOY_TOKEN";
    private const int MeasuredRuns = 3;
    private const int WarmUpRotations = 5;
    private static readonly TimeSpan RotationLimit = TimeSpan.FromMinutes(3);

    private sealed record Run(TimeSpan Wall, TimeSpan Distribute, TimeSpan Validate, int PeakInFlight, int Updates, int HealthChecks, TimeSpan ServerBusy, TimeSpan Cpu)
    {
        /// <summary>The consumers' real latency in this run: server-side time per call (nominal latency + timer lateness).</summary>
        public TimeSpan PerCall => ServerBusy / Math.Max(1, Updates + HealthChecks);
    }

    public static async Task<int> RunAsync(Args args)
    {
        var n = args.Int("consumers", 1000, 1, 100_000);
        var concurrency = args.Int("concurrency", 64, 1, 4096);
        var latency = TimeSpan.FromMilliseconds(args.Int("latency-ms", 20, 0, 10_000));
        var storeKind = args.Text("store", "sqlite", "sqlite", "postgres");
        var profile = args.Text("profile", "off", "off", "on") == "on";
        args.RejectUnknown();

        var rounds = (n + concurrency - 1) / concurrency;
        var phaseBound = rounds * latency;
        var bound = 2 * phaseBound;
        var warmN = Math.Min(n, 4 * concurrency);
        if (latency == TimeSpan.Zero) Console.WriteLine("note: --latency-ms 0 makes the bound 0; ratios print as infinity (wall times are the engine's overhead)");
        Console.WriteLine($"fanout: store={storeKind} consumers={n} concurrency={concurrency} latency={latency.TotalMilliseconds}ms " +
                          $"rounds/phase={rounds} bound={bound.TotalMilliseconds}ms (2 × {rounds} × {latency.TotalMilliseconds}ms)");

        var dir = Directory.CreateTempSubdirectory("velvet-bench-fanout-").FullName;
        try
        {
            await using var app = await ConsumerApp.StartAsync(latency);
            // The client side must not be the bottleneck: enough connections for every concurrent call, kept alive.
            using var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = Math.Max(1024, concurrency * 2),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            };
            using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };

            var masker = new SecretMasker();
            var suffix = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
            var cred = "BENCH_TOKEN_" + suffix;
            var warm = "WARM_TOKEN_" + suffix;
            var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions
            {
                StateDirectory = Path.Combine(dir, "state"), Masker = masker, HttpClient = () => http,
            });
            var loaded = ManifestLoader.LoadFromText(Manifest(cred, n, warm, warmN, app.BaseUrl), "bench.yaml", catalog.Kinds);
            if (!loaded.IsValid)
            {
                foreach (var e in loaded.Errors) Console.Error.WriteLine(e);
                return 2;
            }
            var manifest = loaded.Manifest!;
            var secrets = new DictionarySecretSource(masker);
            secrets.Set(DeployToken, new SecretValue("bench-deploy-token-0001"));

            var opened = await Stores.OpenAsync(storeKind, dir);
            var timing = profile ? new TimingStore(opened) : null;
            IJobStore store = timing ?? opened;
            try
            {
                var options = new EngineOptions { Env = Env, PerKindConcurrency = concurrency };
                var box = new SecretBox(new byte[32]);
                var bindings = new CredentialBindings(manifest, catalog);
                var service = new RotationService(store, bindings, box, masker, options, TimeProvider.System);
                var runner = new JobRunner(service, bindings, secrets, box, masker, TimeProvider.System, NullLogger<JobRunner>.Instance);
                await SeedAsync(catalog, manifest, secrets, cred);
                await SeedAsync(catalog, manifest, secrets, warm);

                // A server runs rotations for weeks: measure steady-state code, not the JIT's tiers. Tiered compilation
                // promotes hot methods only after enough calls and a background delay, so warm up with several rotations.
                var warmWalls = new List<string>();
                for (var i = 0; i < WarmUpRotations; i++) warmWalls.Add(Ms((await RotateAsync(service, runner, app, warm)).Wall));
                Console.WriteLine($"warm-up: {WarmUpRotations} rotations of {warmN} consumers: {string.Join(", ", warmWalls)} (JIT tiers, pools; not counted)");

                var runs = new List<Run>();
                for (var i = 1; i <= MeasuredRuns; i++)
                {
                    timing?.Reset();
                    var r = await RotateAsync(service, runner, app, cred);
                    runs.Add(r);
                    Console.WriteLine($"run {i}: wall {Ms(r.Wall)} / bound {Ms(bound)} = {F(r.Wall / bound)}x | " +
                                      $"distribute {Ms(r.Distribute)} / {Ms(phaseBound)} = {F(r.Distribute / phaseBound)}x | " +
                                      $"validate {Ms(r.Validate)} / {Ms(phaseBound)} = {F(r.Validate / phaseBound)}x | " +
                                      $"peak in flight {r.PeakInFlight}, calls {r.Updates} PUT + {r.HealthChecks} GET | " +
                                      $"server-side {F(r.PerCall.TotalMilliseconds)} ms/call, mean in flight {F(r.ServerBusy / (r.Distribute + r.Validate), 1)} " +
                                      $"during the two phases, wall / (2 × {rounds} × {F(r.PerCall.TotalMilliseconds)} ms) = {F(r.Wall / (2 * rounds * r.PerCall))}x | " +
                                      $"process CPU {Ms(r.Cpu)}");
                    if (timing is not null)
                    {
                        Console.WriteLine("  store calls of this rotation (verify to done):");
                        foreach (var line in timing.Report()) Console.WriteLine(line);
                    }
                }
                var wall = Median(runs.Select(r => r.Wall.TotalMilliseconds).ToList());
                var dist = Median(runs.Select(r => r.Distribute.TotalMilliseconds).ToList());
                var val = Median(runs.Select(r => r.Validate.TotalMilliseconds).ToList());
                var ratio = wall / bound.TotalMilliseconds;
                Console.WriteLine($"median: wall {F(wall, 0)} ms / bound {F(bound.TotalMilliseconds, 0)} ms = {F(ratio)}x (target <= 1.20) | " +
                                  $"distribute {F(dist, 0)} ms / {F(phaseBound.TotalMilliseconds, 0)} ms = {F(dist / phaseBound.TotalMilliseconds)}x | " +
                                  $"validate {F(val, 0)} ms = {F(val / phaseBound.TotalMilliseconds)}x");

                // The harness alone: the same calls through the same client and server, with a plain semaphore and no
                // store, so the share of the ratio that is the 2-core box (HTTP client + Kestrel + timers) is visible.
                var raw = new List<double>();
                var rawPerCall = new List<double>();
                var rawCpu = new List<double>();
                for (var i = 0; i < MeasuredRuns; i++)
                {
                    app.ResetCounters();
                    var cpu = Environment.CpuUsage.TotalTime;
                    raw.Add((await HttpOnlyAsync(http, app.BaseUrl, cred, n, concurrency)).TotalMilliseconds);
                    rawCpu.Add((Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds);
                    rawPerCall.Add(app.Busy.TotalMilliseconds / Math.Max(1, app.Updates + app.HealthChecks));
                }
                var rawMedian = Median(raw);
                Console.WriteLine($"http-only (same calls, no engine, no store): {string.Join(", ", raw.Select(r => F(r, 0) + " ms"))}; " +
                                  $"median {F(rawMedian, 0)} ms / bound {F(bound.TotalMilliseconds, 0)} ms = {F(rawMedian / bound.TotalMilliseconds)}x; " +
                                  $"server-side {F(Median(rawPerCall))} ms/call; process CPU {F(Median(rawCpu), 0)} ms " +
                                  $"(engine runs: {F(Median(runs.Select(r => r.Cpu.TotalMilliseconds).ToList()), 0)} ms)");
                // What one call costs with nothing else running: the consumer's latency floor on this box (Task.Delay
                // lands late by the timer's granularity), so a reader can tell the box's share of the ratio from Velvet's.
                var probe = await LatencyProbeAsync(http, app, cred);
                var perCall = Median(runs.Select(r => r.PerCall.TotalMilliseconds).ToList());
                Console.WriteLine($"latency floor: one call at a time {F(probe.Client)} ms at the client, {F(probe.Server)} ms in the server " +
                                  $"(nominal {F(latency.TotalMilliseconds, 0)} ms); during the measured rotations {F(perCall)} ms/call server-side. " +
                                  $"Reference only (the target stays on the nominal bound): wall / (2 × {rounds} × {F(perCall)} ms) = {F(wall / (2 * rounds * perCall))}x");
                Result(("bench", "fanout"), ("store", storeKind), ("consumers", n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("wall_ms", F(wall, 0)), ("bound_ms", F(bound.TotalMilliseconds, 0)), ("ratio", F(ratio)),
                    ("distribute_ms", F(dist, 0)), ("distribute_bound_ms", F(phaseBound.TotalMilliseconds, 0)),
                    ("distribute_ratio", F(dist / phaseBound.TotalMilliseconds)), ("validate_ms", F(val, 0)),
                    ("http_only_ms", F(rawMedian, 0)), ("http_only_ratio", F(rawMedian / bound.TotalMilliseconds)),
                    ("call_floor_ms", F(probe.Client)), ("server_ms_per_call", F(perCall)));
                return 0;
            }
            finally
            {
                await Stores.CloseAsync(opened);
            }
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<TimeSpan> HttpOnlyAsync(HttpClient http, string baseUrl, string credential, int n, int concurrency)
    {
        using var limit = new CancellationTokenSource(RotationLimit);
        using var gate = new SemaphoreSlim(concurrency);
        var ids = Enumerable.Range(0, n).Select(i => $"{credential.ToLowerInvariant().Replace('_', '-')}-app-{i:D5}").ToList();
        var sw = Stopwatch.StartNew();
        foreach (var put in new[] { true, false })
        {
            await Task.WhenAll(ids.Select(async id =>
            {
                await gate.WaitAsync(limit.Token);
                try
                {
                    using var request = new HttpRequestMessage(put ? HttpMethod.Put : HttpMethod.Get, $"{baseUrl}/{(put ? "config" : "health")}/{id}");
                    if (put) request.Content = new StringContent("{\"value\":\"not-a-secret-0123456789abcdef\"}", Encoding.UTF8, "application/json");
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
                    response.EnsureSuccessStatusCode();
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        return sw.Elapsed;
    }

    /// <summary>20 PUTs and 20 GETs one after the other: median client-side round trip and mean server-side time per call.</summary>
    private static async Task<(double Client, double Server)> LatencyProbeAsync(HttpClient http, ConsumerApp app, string credential)
    {
        using var limit = new CancellationTokenSource(RotationLimit);
        var id = $"{credential.ToLowerInvariant().Replace('_', '-')}-app-00000";
        var times = new List<double>();
        app.ResetCounters();
        for (var i = 0; i < 40; i++)
        {
            var put = i % 2 == 0;
            using var request = new HttpRequestMessage(put ? HttpMethod.Put : HttpMethod.Get, $"{app.BaseUrl}/{(put ? "config" : "health")}/{id}");
            if (put) request.Content = new StringContent("{\"value\":\"not-a-secret-0123456789abcdef\"}", Encoding.UTF8, "application/json");
            var start = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            response.EnsureSuccessStatusCode();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return (Median(times), app.Busy.TotalMilliseconds / Math.Max(1, app.Updates + app.HealthChecks));
    }

    private static string Ms(TimeSpan t) => F(t.TotalMilliseconds, 0) + " ms";

    private static string Manifest(string cred, int n, string warm, int warmN, string url)
    {
        var sb = new StringBuilder();
        sb.AppendLine("version: 1");
        sb.AppendLine("credentials:");
        foreach (var name in new[] { cred, warm })
        {
            sb.AppendLine($"  - token_name: {name}");
            sb.AppendLine("    vendor: { kind: generated, settings: { length: 32 } }");
            sb.AppendLine("    mode: automatic");
            sb.AppendLine($"    env: {Env}");
        }
        sb.AppendLine($"  - token_name: {DeployToken}");
        sb.AppendLine("    vendor: { kind: generated }");
        sb.AppendLine("    mode: manual_only");
        sb.AppendLine($"    env: {Env}");
        sb.AppendLine("    runbook_url: https://runbooks.example/deploy-token");
        sb.AppendLine("consumers:");
        foreach (var (name, count) in new[] { (cred, n), (warm, warmN) })
        {
            for (var i = 0; i < count; i++)
            {
                var id = $"{name.ToLowerInvariant().Replace('_', '-')}-app-{i:D5}";
                sb.AppendLine($"  - consumer_id: {id}");
                sb.AppendLine($"    token_name: {name}");
                sb.AppendLine("    kind: http");
                sb.AppendLine($"    env: {Env}");
                sb.AppendLine($"    update_endpoint: {url}/config/{id}");
                sb.AppendLine($"    update_auth_token_name: {DeployToken}");
                sb.AppendLine($"    healthcheck_endpoint: {url}/health/{id}");
            }
        }
        return sb.ToString();
    }

    /// <summary>A first credential at the vendor, as before any rotation (the consumers answer 200 to anything).</summary>
    private static async Task SeedAsync(BuiltInAdapterCatalog catalog, VelvetManifest manifest, ISecretSource secrets, string credential)
    {
        var vendor = catalog.CreateVendor(manifest.FindCredential(credential)!);
        var ctx = new VendorContext { JobId = Guid.Empty, CredentialName = credential, Env = Env, IdempotencyTag = "seed", Secrets = secrets };
        var minted = await vendor.MintAsync(ctx, vendor.GenerateValue(), CancellationToken.None);
        if (!minted.Outcome.IsSuccess) throw new InvalidOperationException($"seeding {credential} failed: {minted.Outcome.Message}");
    }

    /// <summary>verify → (timed: proceed_mint → validated) → proceed_revoke → done, so the next run starts clean.</summary>
    private static async Task<Run> RotateAsync(RotationService service, JobRunner runner, ConsumerApp app, string credential)
    {
        using var limit = new CancellationTokenSource(RotationLimit);
        var ct = limit.Token;
        var started = await service.StartAsync(new StartRequest { CredentialName = credential, Flow = FlowType.Operational, Actor = "bench" }, ct);
        var jobId = started.Unwrap().Job.JobId;
        await ActAsync(service, runner, jobId, new ActionRequest { Action = JobAction.Verify, Actor = "bench" }, JobStatus.Verified, ct);

        app.ResetCounters();
        var cpu = Environment.CpuUsage.TotalTime;
        var sw = Stopwatch.StartNew();
        await ActAsync(service, runner, jobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "bench" }, JobStatus.Validated, ct);
        var wall = sw.Elapsed;
        cpu = Environment.CpuUsage.TotalTime - cpu;
        var peak = app.MaxInFlight;
        var (updates, checks, busy) = (app.Updates, app.HealthChecks, app.Busy);

        var events = await service.Store.GetEventsAsync(jobId, 0, ct);
        var distribute = Between(events, "distributing", "distributed");
        var validate = Between(events, "validating", "validated");

        await ActAsync(service, runner, jobId, new ActionRequest
        {
            Action = JobAction.ProceedRevoke, Actor = "bench", ConfirmCredentialName = credential, TicketId = "ROT-2026-11-" + credential,
        }, JobStatus.Done, ct);
        return new Run(wall, distribute, validate, peak, updates, checks, busy, cpu);
    }

    private static async Task ActAsync(RotationService service, JobRunner runner, Guid jobId, ActionRequest request, JobStatus expected, CancellationToken ct)
    {
        var applied = await service.ApplyAsync(jobId, request, ct);
        if (!applied.IsOk) throw new InvalidOperationException($"{request.Action.Name()} refused: {applied.Error.Message}");
        var job = await runner.RunAsync(jobId, ct);
        if (job?.Status != expected)
            throw new InvalidOperationException($"after {request.Action.Name()} the job is {job?.Status.Name()}, expected {expected.Name()}: {job?.LastError}");
    }

    /// <summary>From the status event entering <paramref name="from"/> to the one entering <paramref name="to"/>.</summary>
    private static TimeSpan Between(IReadOnlyList<JobEvent> events, string from, string to)
    {
        var start = events.First(e => e.Kind == "status" && e.ToStatus == from).At;
        var end = events.Last(e => e.Kind == "status" && e.ToStatus == to).At;
        return end - start;
    }
}
