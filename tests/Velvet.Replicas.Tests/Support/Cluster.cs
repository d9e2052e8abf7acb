using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Store;
using Velvet.Store.Tests;
using Velvet.Vendors;
using Velvet.Vendors.Local;

namespace Velvet.Replicas.Tests.Support;

/// <summary>
/// Several real <c>velvet serve</c> processes over one PostgreSQL schema: a manifest of generated credentials with
/// http consumers (local <see cref="ConsumerApps"/>), vendor state seeded, the schema migrated, a service token made.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    public const string Env = "test";
    private readonly List<HttpClient> _clients = [];

    public required string Dir { get; init; }
    public required string StateDir { get; init; }
    public required ConsumerApps Apps { get; init; }
    public required IJobStore Store { get; init; }
    public required string OwnerConnectionString { get; init; }
    public required string Token { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Consumers { get; init; }
    public List<VelvetProcess> Servers { get; } = [];

    public static string Ticket(string credential) => $"ROT-2026-05-{credential}";

    /// <param name="credentials">Credential name → how many http consumers it has.</param>
    public static async Task<Cluster> StartAsync(PostgresFixture pg, IReadOnlyDictionary<string, int> credentials, int replicas, int leaseSeconds, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("velvet-replicas-").FullName;
        var stateDir = Path.Combine(dir, "state");
        var apps = await ConsumerApps.StartAsync(stateDir);
        var consumers = credentials.ToDictionary(c => c.Key, c => (IReadOnlyList<string>)Enumerable.Range(0, c.Value).Select(i => $"app{i}").ToList(), StringComparer.Ordinal);

        var yaml = new StringBuilder("version: 1\ncredentials:\n");
        foreach (var c in credentials.Keys)
            yaml.Append($"  - token_name: {c}\n    vendor: {{ kind: generated, settings: {{ length: 32 }} }}\n    mode: automatic\n    env: {Env}\n");
        yaml.Append("consumers:\n");
        foreach (var (c, list) in consumers)
            foreach (var id in list)
                yaml.Append($"  - consumer_id: {c.ToLowerInvariant()}-{id}\n    token_name: {c}\n    kind: http\n" +
                            $"    update_endpoint: {apps.BaseUrl}/config/{c}/{id}\n    healthcheck_endpoint: {apps.BaseUrl}/health/{c}/{id}\n");
        var manifest = Path.Combine(dir, "velvet.yaml");
        await File.WriteAllTextAsync(manifest, yaml.ToString(), ct);

        // Before any rotation: a current credential at the vendor and in every consumer.
        var masker = new SecretMasker();
        var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = stateDir, Masker = masker });
        var loaded = Velvet.Core.Manifest.ManifestLoader.LoadFromText(yaml.ToString(), manifest, catalog.Kinds);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        foreach (var c in credentials.Keys)
        {
            var vendor = catalog.CreateVendor(loaded.Manifest!.FindCredential(c)!);
            var value = vendor.GenerateValue();
            var ctx = new VendorContext { JobId = Guid.Empty, CredentialName = c, Env = Env, IdempotencyTag = "seed", Secrets = new EnvSecretSource(_ => null, masker) };
            Assert.True((await vendor.MintAsync(ctx, value, ct)).Outcome.IsSuccess);
            foreach (var id in consumers[c]) apps.Seed(c, id, value.Reveal());
        }

        // Migrated once by the owner before the servers start (they find nothing left to apply).
        var store = JobStoreFactory.Open(pg.OwnerConnectionString);
        await store.MigrateAsync(ct);
        var (token, tokenId, hash) = ServiceTokenFormat.Generate();
        var created = await JobStoreFactory.Tokens(store).CreateTokenAsync(new ServiceToken
        {
            Name = "replica-test-" + tokenId, TokenId = tokenId, ScopeList = [Scopes.Rotate], CreatedBy = "test", CreatedAt = TimeProvider.System.GetUtcNow(),
        }, hash, ct);
        Assert.True(created.IsOk, created.Error?.Message);

        var cluster = new Cluster
        {
            Dir = dir, StateDir = stateDir, Apps = apps, Store = store, OwnerConnectionString = pg.OwnerConnectionString, Token = token,
            Consumers = consumers,
        };
        var env = new Dictionary<string, string>
        {
            ["VELVET_MANIFEST"] = manifest, ["VELVET_STORE"] = pg.OwnerConnectionString, ["APP_ENV"] = Env,
            ["VELVET_MASTER_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), ["VELVET_STATE_DIR"] = stateDir,
            ["VELVET_LEASE_SECONDS"] = leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        try
        {
            for (var i = 0; i < replicas; i++) cluster.Servers.Add(VelvetProcess.Start(((char)('A' + i)).ToString(), env));
            foreach (var s in cluster.Servers) await s.WaitHealthyAsync(TimeSpan.FromMinutes(3), ct);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public HttpClient Client(VelvetProcess server, TimeSpan? timeout = null)
    {
        var c = new HttpClient { BaseAddress = new Uri(server.BaseUrl), Timeout = timeout ?? TimeSpan.FromSeconds(20) };
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        lock (_clients) _clients.Add(c);
        return c;
    }

    public async Task<NpgsqlConnection> OpenDbAsync(CancellationToken ct)
    {
        var conn = new NpgsqlConnection(OwnerConnectionString);
        await conn.OpenAsync(ct);
        return conn;
    }

    /// <summary>Job ids whose lease the given server process holds now (its instance id is machine:pid:guid).</summary>
    public async Task<List<Guid>> LeasedByAsync(VelvetProcess server, CancellationToken ct)
    {
        await using var conn = await OpenDbAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT job_id FROM rotation_jobs WHERE lease_owner LIKE $1 AND lease_until > now()", conn);
        cmd.Parameters.AddWithValue($"%:{server.Pid}:%");
        var ids = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetGuid(0));
        return ids;
    }

    public string ServerOutput() => string.Join("\n", Servers.Select(s => $"--- {s.Name} (pid {s.Pid}{(s.Killed ? ", killed" : "")}):\n{s.Output(30)}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var s in Servers) s.Dispose();
        lock (_clients) foreach (var c in _clients) c.Dispose();
        await Apps.DisposeAsync();
        if (Store is IAsyncDisposable d) await d.DisposeAsync();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Drives one job through the HTTP API of whichever server is alive, the way an operator's script would.</summary>
public sealed class Driver(Cluster cluster)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<VelvetProcess, HttpClient> _clients = cluster.Servers.ToDictionary(s => s, s => cluster.Client(s));
    private int _turn;

    /// <summary>Alternates between live servers.</summary>
    public VelvetProcess Next() => Live()[(Interlocked.Increment(ref _turn) & int.MaxValue) % Live().Count];

    private List<VelvetProcess> Live() => cluster.Servers.Where(s => !s.Killed).ToList();

    /// <summary>Sends with <paramref name="preferred"/>; a killed server's request goes to a live one instead.</summary>
    public async Task<(HttpResponseMessage Response, VelvetProcess Server)> SendAsync(VelvetProcess preferred, Func<HttpClient, Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        var server = preferred;
        for (var attempt = 0; ; attempt++)
        {
            if (server.Killed) server = Next();
            try { return (await send(_clients[server]), server); }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested && attempt < 20)
            {
                // The server died under the request (or is too slow): go on through another.
                await Task.Delay(200, ct);
                server = server.Killed ? Next() : server;
            }
        }
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage r, CancellationToken ct) => await r.Content.ReadFromJsonAsync<JsonElement>(Json, ct);

    public async Task<string> StartAsync(VelvetProcess server, string credential, string idempotencyKey, CancellationToken ct)
    {
        var (r, _) = await SendAsync(server, c => c.PostAsJsonAsync($"/tokens/{credential}/rotate", new { flow_type = "operational", idempotency_key = idempotencyKey }, ct), ct);
        using (r)
        {
            var body = await r.Content.ReadAsStringAsync(ct);
            Assert.True(r.IsSuccessStatusCode, $"rotate {credential} → {(int)r.StatusCode}: {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("job_id").GetString()!;
        }
    }

    /// <summary>Applies an action; a 409 after a server died mid-request is fine when the job already left <paramref name="from"/>.</summary>
    public async Task ActAsync(VelvetProcess server, string credential, string jobId, string from, object body, CancellationToken ct)
    {
        var (r, used) = await SendAsync(server, c => c.PostAsJsonAsync($"/tokens/{credential}/rotations/{jobId}/stage", body, ct), ct);
        using (r)
        {
            if (r.IsSuccessStatusCode) return;
            var text = await r.Content.ReadAsStringAsync(ct);
            if (r.StatusCode == HttpStatusCode.Conflict && await StatusAsync(used, credential, jobId, ct) != from) return;
            Assert.Fail($"stage {jobId} ({credential}) from {from} → {(int)r.StatusCode}: {text}");
        }
    }

    public async Task<string> StatusAsync(VelvetProcess server, string credential, string jobId, CancellationToken ct)
    {
        var (r, _) = await SendAsync(server, c => c.GetAsync($"/tokens/{credential}/rotations/{jobId}", ct), ct);
        using (r)
        {
            Assert.True(r.IsSuccessStatusCode, $"GET {jobId} → {(int)r.StatusCode}");
            return (await JsonAsync(r, ct)).GetProperty("status").GetString()!;
        }
    }

    /// <summary>Polls until the job is at <paramref name="status"/>; fails on any terminal or failure status on the way.</summary>
    public async Task WaitForAsync(VelvetProcess server, string credential, string jobId, string status, TimeSpan within, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        string last = "?";
        while (sw.Elapsed < within)
        {
            last = await StatusAsync(server.Killed ? Next() : server, credential, jobId, ct);
            if (last == status) return;
            if (last is "done" or "aborted" || last.Contains("failed", StringComparison.Ordinal) || last.Contains("partial", StringComparison.Ordinal))
                Assert.Fail($"job {jobId} ({credential}) stopped at {last} while waiting for {status}\n{cluster.ServerOutput()}");
            await Task.Delay(100, ct);
        }
        Assert.Fail($"job {jobId} ({credential}) still {last} after {within} waiting for {status}\n{cluster.ServerOutput()}");
    }

    /// <summary>One full operational rotation through the API: verify → proceed_mint → proceed_revoke → done.</summary>
    public async Task<string> RotateAsync(string credential, string idempotencyKey, Action<string>? started, CancellationToken ct)
    {
        // A generous deadline per stage: 20 rotations run at once on a machine that may be shared.
        var within = TimeSpan.FromMinutes(5);
        var server = Next();
        var job = await StartAsync(server, credential, idempotencyKey, ct);
        started?.Invoke(job);
        await ActAsync(server, credential, job, "init", new { action = "verify" }, ct);
        await WaitForAsync(server, credential, job, "verified", within, ct);
        server = Next();
        await ActAsync(server, credential, job, "verified", new { action = "proceed_mint" }, ct);
        await WaitForAsync(server, credential, job, "validated", within, ct);
        server = Next();
        await ActAsync(server, credential, job, "validated", new { action = "proceed_revoke", confirm_credential_name = credential, ticket_id = Cluster.Ticket(credential) }, ct);
        await WaitForAsync(server, credential, job, "done", within, ct);
        return job;
    }
}
