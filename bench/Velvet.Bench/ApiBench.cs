using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Velvet.Core.Auth;
using Velvet.Core.Engine;
using Velvet.Core.Manifest;
using Velvet.Core.Secrets;
using Velvet.Server;
using Velvet.Vendors;
using Velvet.Vendors.Local;
using static Velvet.Bench.Stats;

namespace Velvet.Bench;

/// <summary>
/// `api`: a real Velvet server (Kestrel on 127.0.0.1, the chosen store) under load from an in-process HTTP load
/// generator, against a trivial ASP.NET Core endpoint returning a body of the same size through the same generator
/// (BENCHMARKS.md): GET job and POST rotate latency/throughput at N clients; then M event-stream subscribers on one job.
/// </summary>
internal static class ApiBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var storeKind = args.Text("store", "postgres", "sqlite", "postgres");
        var clients = args.Int("clients", 200, 1, 1000);
        var seconds = args.Int("seconds", 10, 1, 120);
        var subscribers = args.Int("subscribers", 1000, 1, 5000);
        args.RejectUnknown();
        var dir = Directory.CreateTempSubdirectory("velvet-bench-api-").FullName;
        var suffix = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var names = Enumerable.Range(0, clients).Select(i => $"API_{suffix}_{i:D4}").ToList();
        var streamCred = $"STREAM_{suffix}";
        try
        {
            var masker = new SecretMasker();
            var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.Combine(dir, "state"), Masker = masker });
            var loaded = ManifestLoader.LoadFromText(Manifest(names.Append(streamCred), dir), "api.yaml", catalog.Kinds);
            if (!loaded.IsValid) { foreach (var e in loaded.Errors) Console.Error.WriteLine(e); return 2; }
            var store = await Stores.OpenAsync(storeKind, dir);
            try
            {
                var box = new SecretBox(new byte[32]);
                var options = new EngineOptions { Env = "bench" };
                var bindings = new CredentialBindings(loaded.Manifest!, catalog);
                var service = new RotationService(store, bindings, box, masker, options, TimeProvider.System);
                var runner = new JobRunner(service, bindings, new DictionarySecretSource(masker), box, masker, TimeProvider.System, NullLogger<JobRunner>.Instance);
                var services = new ServerServices
                {
                    Manifest = loaded.Manifest!, Store = store, Tokens = Velvet.Store.JobStoreFactory.Tokens(store), Service = service, Runner = runner,
                    Masker = masker, Env = "bench", StreamPollInterval = TimeSpan.FromMilliseconds(200),
                };
                await using var velvet = VelvetServer.Build(services, ["http://127.0.0.1:0"], b => b.Logging.ClearProviders());
                await velvet.StartAsync();
                var velvetUrl = Address(velvet);
                var (token, id, hash) = ServiceTokenFormat.Generate();
                (await services.Tokens.CreateTokenAsync(new ServiceToken { Name = "bench-" + suffix.ToLowerInvariant(), TokenId = id, ScopeList = [Scopes.Admin], CreatedBy = "bench", CreatedAt = TimeProvider.System.GetUtcNow() }, hash, CancellationToken.None)).Unwrap();

                using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = subscribers + clients + 16, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
                using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
                http.DefaultRequestHeaders.Authorization = new("Bearer", token);

                // A job to read, and its view as the baseline's body.
                var created = await http.PostAsJsonAsync($"{velvetUrl}/tokens/{names[0]}/rotate", new { });
                var jobId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString();
                var jobUrl = $"{velvetUrl}/tokens/{names[0]}/rotations/{jobId}";
                var jobBody = await http.GetStringAsync(jobUrl);
                await using var baseline = await BaselineAsync(jobBody);
                var baseUrl = Address(baseline);

                Console.WriteLine($"api: store={storeKind} clients={clients} seconds={seconds} subscribers={subscribers}; body {jobBody.Length} bytes");
                await LoadAsync(http, clients, 2, (c, _) => c.GetAsync(jobUrl)); // warm-up
                await LoadAsync(http, clients, 2, (c, _) => c.GetAsync($"{baseUrl}/job"));
                var (baseGet, velvetGet) = await PairAsync(http, clients, seconds, (c, _) => c.GetAsync($"{baseUrl}/job"), (c, _) => c.GetAsync(jobUrl));
                Report("GET job", velvetGet, baseGet, clients, storeKind, target: "p99 <= 10 ms and <= 2x baseline; throughput >= 25 %");
                // Reference: every request reads the store (Cache-Control: no-cache skips the job-view cache, ADR 0008).
                var (baseGet2, velvetUncached) = await PairAsync(http, clients, seconds, (c, _) => c.GetAsync($"{baseUrl}/job"), (c, _) =>
                {
                    var req = new HttpRequestMessage(HttpMethod.Get, jobUrl);
                    req.Headers.CacheControl = new() { NoCache = true };
                    return c.SendAsync(req);
                });
                Report("GET job no-cache", velvetUncached, baseGet2, clients, storeKind, target: "none: reference, the cost of a store read per request");

                await http.PostAsJsonAsync($"{jobUrl}/stage", new { action = "abort" });
                var (basePost, velvetPost) = await PairAsync(http, clients, seconds, (c, _) => c.PostAsync($"{baseUrl}/rotate", Json("{}")),
                    (c, worker) => c.PostAsync($"{velvetUrl}/tokens/{names[worker]}/rotate", Json("{}")),
                    after: async (c, worker, r) =>
                    {
                        if (r.StatusCode != HttpStatusCode.Accepted) return;
                        var job = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString();
                        // Free the credential for the next iteration: not timed, but it shares the machine (and halves the rate).
                        using var _ = await c.PostAsync($"{velvetUrl}/tokens/{names[worker]}/rotations/{job}/stage", Json("{\"action\":\"abort\"}"));
                    });
                Report("POST rotate", velvetPost, basePost, clients, storeKind, target: "p99 <= 2x baseline; throughput >= 25 %");

                await StreamsAsync(http, velvetUrl, streamCred, subscribers);
                return 0;
            }
            finally
            {
                await Stores.CloseAsync(store);
            }
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static StringContent Json(string s) => new(s, Encoding.UTF8, "application/json");

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private static async Task<WebApplication> BaselineAsync(string body)
    {
        var b = WebApplication.CreateSlimBuilder();
        b.Logging.ClearProviders();
        b.WebHost.UseUrls("http://127.0.0.1:0");
        var app = b.Build();
        app.MapGet("/job", () => Results.Text(body, "application/json"));
        app.MapPost("/rotate", () => Results.Text("""{"job_id":"00000000-0000-0000-0000-000000000000","status":"init","replayed":false}""", "application/json", statusCode: 202));
        await app.StartAsync();
        return app;
    }

    private sealed record Load(double[] LatenciesMs, int Requests, int Errors, double Seconds)
    {
        public static Load Merge(IReadOnlyList<Load> parts)
        {
            var all = parts.SelectMany(p => p.LatenciesMs).ToArray();
            Array.Sort(all);
            return new Load(all, parts.Sum(p => p.Requests), parts.Sum(p => p.Errors), parts.Sum(p => p.Seconds));
        }
    }

    /// <summary>
    /// Baseline and Velvet measured in alternating one-second slices (B V, V B, B V …) for <paramref name="seconds"/>
    /// each, so both see the same background load on a shared machine; the slices are merged per side.
    /// </summary>
    private static async Task<(Load Baseline, Load Velvet)> PairAsync(HttpClient http, int clients, int seconds,
        Func<HttpClient, int, Task<HttpResponseMessage>> baseline, Func<HttpClient, int, Task<HttpResponseMessage>> velvet,
        Func<HttpClient, int, HttpResponseMessage, Task>? after = null)
    {
        var b = new List<Load>();
        var v = new List<Load>();
        for (var round = 0; round < seconds; round++)
        {
            if (round % 2 == 0)
            {
                b.Add(await LoadAsync(http, clients, 1, baseline));
                v.Add(await LoadAsync(http, clients, 1, velvet, after));
            }
            else
            {
                v.Add(await LoadAsync(http, clients, 1, velvet, after));
                b.Add(await LoadAsync(http, clients, 1, baseline));
            }
        }
        return (Load.Merge(b), Load.Merge(v));
    }

    /// <summary>N workers send requests back to back for a bounded time; the latency of each <paramref name="call"/> (not of <paramref name="after"/>, which runs between calls untimed).</summary>
    private static async Task<Load> LoadAsync(HttpClient http, int clients, int seconds, Func<HttpClient, int, Task<HttpResponseMessage>> call,
        Func<HttpClient, int, HttpResponseMessage, Task>? after = null)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var lat = new List<double>[clients];
        var errors = 0;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async w =>
        {
            lat[w] = new List<double>(4096);
            while (!stop.IsCancellationRequested && lat[w].Count < 1_000_000)
            {
                var t = Stopwatch.GetTimestamp();
                using var r = await call(http, w);
                var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                lat[w].Add(ms);
                if ((int)r.StatusCode >= 400) Interlocked.Increment(ref errors);
                if (after is not null) await after(http, w, r);
                else await r.Content.ReadAsByteArrayAsync();
            }
        }));
        var all = lat.SelectMany(x => x).ToArray();
        Array.Sort(all);
        return new Load(all, all.Length, errors, sw.Elapsed.TotalSeconds);
    }

    private static double P(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    private static void Report(string what, Load v, Load b, int clients, string store, string target)
    {
        var vRps = v.Requests / v.Seconds;
        var bRps = b.Requests / b.Seconds;
        Console.WriteLine($"{what}: velvet p50 {F(P(v.LatenciesMs, 0.5))} ms p99 {F(P(v.LatenciesMs, 0.99))} ms {F(vRps, 0)} req/s ({v.Errors} errors) | " +
                          $"baseline p50 {F(P(b.LatenciesMs, 0.5))} ms p99 {F(P(b.LatenciesMs, 0.99))} ms {F(bRps, 0)} req/s | " +
                          $"p99 ratio {F(P(v.LatenciesMs, 0.99) / P(b.LatenciesMs, 0.99))}x, throughput {F(100 * vRps / bRps, 1)} % (target {target})");
        Result(("bench", "api"), ("what", what.Replace(' ', '_')), ("store", store), ("clients", clients.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("p50_ms", F(P(v.LatenciesMs, 0.5))), ("p99_ms", F(P(v.LatenciesMs, 0.99))), ("rps", F(vRps, 0)), ("errors", v.Errors.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("base_p99_ms", F(P(b.LatenciesMs, 0.99))), ("base_rps", F(bRps, 0)),
            ("p99_ratio", F(P(v.LatenciesMs, 0.99) / P(b.LatenciesMs, 0.99))), ("throughput_pct", F(100 * vRps / bRps, 1)));
    }

    /// <summary>M subscribers on one job's stream; the job is driven through verify, mint and abort; each event's delay to its last subscriber.</summary>
    private static async Task StreamsAsync(HttpClient http, string url, string credential, int subscribers)
    {
        var job = (await (await http.PostAsJsonAsync($"{url}/tokens/{credential}/rotate", new { })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString();
        var streamUrl = $"{url}/tokens/{credential}/rotations/{job}/stream";
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var received = new Dictionary<long, DateTimeOffset>[subscribers];
        var opened = 0;
        var readers = Enumerable.Range(0, subscribers).Select(async i =>
        {
            received[i] = [];
            using var req = new HttpRequestMessage(HttpMethod.Get, streamUrl);
            using var r = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            Interlocked.Increment(ref opened);
            using var reader = new StreamReader(await r.Content.ReadAsStreamAsync(limit.Token));
            while (await reader.ReadLineAsync(limit.Token) is { } line)
                if (line.StartsWith("id: ", StringComparison.Ordinal)) received[i][long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture)] = TimeProvider.System.GetUtcNow();
        }).ToList();
        while (Volatile.Read(ref opened) < subscribers && !limit.IsCancellationRequested) await Task.Delay(50);
        var stage = $"{url}/tokens/{credential}/rotations/{job}/stage";
        await http.PostAsJsonAsync(stage, new { action = "verify" });
        await Task.Delay(1000);
        await http.PostAsJsonAsync(stage, new { action = "proceed_mint" });
        await Task.Delay(1500);
        await http.PostAsJsonAsync(stage, new { action = "abort" });
        await Task.WhenAll(readers);

        var stored = received.SelectMany(r => r.Keys).Distinct().Order().ToList();
        var complete = received.Count(r => stored.All(r.ContainsKey));
        // Delay from an event's store time to its last subscriber needs the store time: read it back through the job's events.
        var times = await EventTimesAsync(http, url, credential, job!);
        var delays = stored.Where(times.ContainsKey).Select(seq => (received.Max(r => r.TryGetValue(seq, out var t) ? t : DateTimeOffset.MaxValue) - times[seq]).TotalMilliseconds).Order().ToArray();
        Console.WriteLine($"streams: {subscribers} subscribers, {stored.Count} events, {complete}/{subscribers} received every event; " +
                          $"transition → last subscriber: median {F(P(delays, 0.5), 0)} ms, max {F(delays.LastOrDefault(), 0)} ms (store poll 200 ms, woken at once on this replica)");
        Result(("bench", "streams"), ("subscribers", subscribers.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("events", stored.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("complete", complete.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("delay_median_ms", F(P(delays, 0.5), 0)), ("delay_max_ms", F(delays.LastOrDefault(), 0)));
    }

    private static async Task<Dictionary<long, DateTimeOffset>> EventTimesAsync(HttpClient http, string url, string credential, string job)
    {
        // The stream replays stored events from Last-Event-ID 0 with their stored UTC time in `at`.
        var text = await http.GetStringAsync($"{url}/tokens/{credential}/rotations/{job}/stream");
        var times = new Dictionary<long, DateTimeOffset>();
        foreach (var line in text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)))
        {
            var e = JsonSerializer.Deserialize<JsonElement>(line[6..]);
            times[e.GetProperty("id").GetInt64()] = e.GetProperty("at").GetDateTimeOffset();
        }
        return times;
    }

    private static string Manifest(IEnumerable<string> names, string dir)
    {
        var sb = new StringBuilder("version: 1\ncredentials:\n");
        var list = names.ToList();
        foreach (var n in list) sb.Append($"  - token_name: {n}\n    vendor: {{ kind: generated, settings: {{ bootstrap: \"true\" }} }}\n    env: bench\n");
        sb.Append("consumers:\n");
        foreach (var n in list) sb.Append($"  - consumer_id: {n.ToLowerInvariant()}-env\n    token_name: {n}\n    kind: dotenv-file\n    settings: {{ path: {dir}/{n}.env, key: TOKEN }}\n");
        return sb.ToString();
    }
}
