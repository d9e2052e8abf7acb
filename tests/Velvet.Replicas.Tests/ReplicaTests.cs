using System.Diagnostics;
using Npgsql;
using Velvet.Replicas.Tests.Support;
using Velvet.Store.Tests;
using Velvet.Vendors.Generated;

namespace Velvet.Replicas.Tests;

/// <summary>
/// Real `velvet serve` processes over one PostgreSQL schema. Needs PostgreSQL (bash scripts/test.sh starts one):
/// skipped without it on a laptop, failed without it under CI.
/// </summary>
public sealed class ReplicaTests : IAsyncLifetime
{
    // A schema per test: each test's manifest seeds its own subscribers table (the table rules after the first boot).
    private readonly PostgresFixture pg = new();

    public ValueTask InitializeAsync() => pg.InitializeAsync();

    public ValueTask DisposeAsync() => pg.DisposeAsync();

    private const int Credentials = 20;
    private const int RotationsPerCredential = 10;
    private const int KillAfterStarted = 60;

    [Fact]
    public async Task Two_replicas_run_200_rotations_and_one_dies_mid_run_every_job_finishes_and_no_step_runs_twice()
    {
        pg.Require();
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        // Generous deadlines (a loaded CI machine), no timing bound: what is proven is where jobs end, not how fast.
        overall.CancelAfter(TimeSpan.FromMinutes(20));
        var ct = overall.Token;
        var names = Enumerable.Range(1, Credentials).ToDictionary(i => $"REPL_{i:00}", i => 2 + i % 2, StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        // A lease of 10 s (renewed every 3 s) survives a starved replica's late renewals, so a live replica's step is
        // never taken over (which would rewrite a consumer outside the killed replica's jobs); the killed one's leases
        // still expire and are taken over, which assertion 4 requires.
        await using var cluster = await Cluster.StartAsync(pg, names, replicas: 2, leaseSeconds: 10, ct);
        var startup = clock.Elapsed;
        // Slow consumers, so that steps take long enough for the killed replica to be caught holding leases.
        cluster.Apps.UpdateLatency = TimeSpan.FromMilliseconds(150);
        cluster.Apps.HealthLatency = TimeSpan.FromMilliseconds(50);
        var driver = new Driver(cluster);
        var victim = cluster.Servers[0];
        var started = 0;
        var jobs = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(); // job id → credential
        var reachedKillPoint = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        clock.Restart();
        var drive = Task.WhenAll(names.Keys.Select(credential => Task.Run(async () =>
        {
            for (var n = 0; n < RotationsPerCredential; n++)
                await driver.RotateAsync(credential, $"{credential}-{n}", job =>
                {
                    jobs[job] = credential;
                    if (Interlocked.Increment(ref started) == KillAfterStarted) reachedKillPoint.TrySetResult();
                }, ct);
        }, ct)));

        // Kill A mid-run, preferably while it holds leases (mid-step), so other replicas must take those jobs over.
        await Task.WhenAny(reachedKillPoint.Task, drive).WaitAsync(ct);
        Assert.False(drive.IsCompleted, "the run finished before the kill point");
        List<Guid> held = [];
        for (var i = 0; i < 100 && held.Count < 2; i++)
        {
            held = await cluster.LeasedByAsync(victim, ct);
            if (held.Count < 2) await Task.Delay(20, ct);
        }
        victim.Kill();
        var killedAt = clock.Elapsed;
        var killedAtUtc = TimeProvider.System.GetUtcNow();
        // The leases it held at its death (read again after the kill: nothing renews them any more).
        held = await cluster.LeasedByAsync(victim, ct);
        var startedAtKill = Volatile.Read(ref started);

        await drive;
        var runTime = clock.Elapsed;

        // 1. Every job reached a terminal status (done): read from the database, not the API.
        await using var db = await cluster.OpenDbAsync(ct);
        var statuses = new Dictionary<Guid, string>();
        await using (var cmd = new NpgsqlCommand("SELECT job_id, status, lease_owner FROM rotation_jobs WHERE credential_name LIKE 'REPL\\_%'", db))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) statuses[r.GetGuid(0)] = r.GetString(1);
        Assert.Equal(Credentials * RotationsPerCredential, statuses.Count);
        Assert.All(statuses, s => Assert.Equal("done", s.Value));

        // 2. No (from → to) status transition twice in any job's events (an operator action writes an "action" event
        //    beside its "status" event; the status events are the transitions).
        var doubles = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT e.job_id, e.from_status, e.to_status, count(*) FROM job_events e JOIN rotation_jobs j USING (job_id) " +
            "WHERE j.credential_name LIKE 'REPL\\_%' AND e.kind = 'status' " +
            "GROUP BY e.job_id, e.from_status, e.to_status HAVING count(*) > 1", db))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) doubles.Add($"{r.GetGuid(0)} {r.GetString(1)}->{r.GetString(2)} x{r.GetInt64(3)}");
        Assert.Empty(doubles);

        // 3. Exactly one credential minted at the vendor per job, and each consumer written once per job
        //    (a second write is allowed only for a job the killed replica was in the middle of).
        var vendor = new GeneratedStateStore(cluster.StateDir);
        var jobOfFingerprint = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var credential in names.Keys)
        {
            var ids = vendor.Read(credential).Ids.Where(x => x.Tag != "seed").ToList();
            Assert.Equal(RotationsPerCredential, ids.Count);
            foreach (var g in ids.GroupBy(x => x.Tag)) Assert.Single(g);
            foreach (var x in ids) jobOfFingerprint[x.Fingerprint] = Guid.Parse(x.Tag!["velvet-job-".Length..]);
        }
        Assert.All(statuses.Keys, id => Assert.Contains(id, jobOfFingerprint.Values));
        var writes = cluster.Apps.Writes.GroupBy(w => (w.Consumer, w.Fingerprint)).ToDictionary(g => g.Key, g => g.Count());
        var rewrites = 0;
        foreach (var (fingerprint, job) in jobOfFingerprint)
        {
            var credential = jobs[job.ToString()];
            foreach (var consumer in cluster.Consumers[credential])
            {
                var count = writes.GetValueOrDefault(($"{credential}/{consumer}", fingerprint));
                Assert.True(count >= 1, $"job {job}: consumer {consumer} never received its value");
                if (count > 1)
                {
                    Assert.True(held.Contains(job), $"job {job}: consumer {consumer} written {count} times, and the killed replica did not hold it");
                    rewrites += count - 1;
                }
            }
        }

        // 4. The jobs the killed replica held were finished by the survivor (status changes after the kill).
        foreach (var job in held)
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM job_events WHERE job_id = $1 AND kind = 'status' AND at > $2", db);
            cmd.Parameters.AddWithValue(job);
            cmd.Parameters.AddWithValue(killedAtUtc);
            Assert.True((long)(await cmd.ExecuteScalarAsync(ct))! > 0, $"job {job} held by the killed replica shows no progress after the kill");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"[replicas] {statuses.Count} jobs done in {runTime.TotalSeconds:F1}s (servers up in {startup.TotalSeconds:F1}s); " +
            $"killed {victim.Name} (pid {victim.Pid}) at {killedAt.TotalSeconds:F1}s after {startedAtKill} jobs started, holding {held.Count} lease(s); " +
            $"double transitions: {doubles.Count}; consumer re-writes by the resuming replica: {rewrites}");
    }

    [Fact]
    public async Task An_event_stream_on_one_replica_follows_a_job_driven_through_another()
    {
        pg.Require();
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        overall.CancelAfter(TimeSpan.FromMinutes(2));
        var ct = overall.Token;
        const string credential = "STREAM_01";
        await using var cluster = await Cluster.StartAsync(pg, new Dictionary<string, int> { [credential] = 2 }, replicas: 2, leaseSeconds: 3, ct);
        var (a, b) = (cluster.Servers[0], cluster.Servers[1]);
        var driver = new Driver(cluster);
        var job = await driver.StartAsync(a, credential, "stream-1", ct);

        // Subscribe on B before anything happens to the job on A.
        var stream = cluster.Client(b, Timeout.InfiniteTimeSpan);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/tokens/{credential}/rotations/{job}/stream");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await stream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.True(response.IsSuccessStatusCode, $"stream on B → {(int)response.StatusCode}");
        var received = new List<(long Id, string Kind, string Data)>();
        var firstEvent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            long id = 0;
            string kind = "", data = "";
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal)) id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
                else if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
                else if (line.Length == 0 && id > 0)
                {
                    lock (received) received.Add((id, kind, data));
                    firstEvent.TrySetResult();
                    (id, kind, data) = (0, "", "");
                }
            }
        }, ct);
        await firstEvent.Task.WaitAsync(TimeSpan.FromSeconds(20), ct);

        var within = TimeSpan.FromSeconds(60);
        await driver.ActAsync(a, credential, job, "init", new { action = "verify" }, ct);
        await driver.WaitForAsync(a, credential, job, "verified", within, ct);
        await driver.ActAsync(a, credential, job, "verified", new { action = "proceed_mint" }, ct);
        await driver.WaitForAsync(a, credential, job, "validated", within, ct);
        await driver.ActAsync(a, credential, job, "validated", new { action = "proceed_revoke", confirm_credential_name = credential, ticket_id = Cluster.Ticket(credential) }, ct);
        await driver.WaitForAsync(a, credential, job, "done", within, ct);

        // The stream ends by itself at the terminal event, having sent every event the store holds, in order.
        await reading.WaitAsync(TimeSpan.FromSeconds(20), ct);
        var stored = await cluster.Store.GetEventsAsync(Guid.Parse(job), 0, ct);
        Assert.True(stored.Count >= 8, $"only {stored.Count} events stored");
        Assert.Equal(stored.Select(e => e.Seq), received.Select(e => e.Id));
        Assert.Equal(stored.Select(e => e.Kind), received.Select(e => e.Kind));
        Assert.Contains(received, e => e.Data.Contains("\"to_status\":\"done\"", StringComparison.Ordinal));
    }
}
