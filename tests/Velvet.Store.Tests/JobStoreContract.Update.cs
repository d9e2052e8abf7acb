using System.Diagnostics;
using Velvet.Core.Jobs;
using Velvet.Core.Results;
using Velvet.Core.Secrets;

namespace Velvet.Store.Tests;

public abstract partial class JobStoreContract
{
    private static SealedSecret Secret(byte seed) => new("key-1", [seed, 2, 3], [seed, 9, 8, 7, 6], Enumerable.Repeat(seed, 16).ToArray());

    [Fact]
    public async Task Update_bumps_the_version_and_writes_rows_and_events_together()
    {
        var store = await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()));
        var rows = await store.GetConsumerRowsAsync(job.JobId, Ct);
        var next = TestData.Moved(job, JobStatus.Verified, TimeSpan.FromSeconds(3)) with
        {
            LastError = "none",
            Details = job.Details with { TicketId = "OPS-9" },
        };
        var row = rows[0] with { DistributeStatus = RowStatus.InProgress, UpdatedAt = TestData.T0.AddSeconds(3) };
        var ev = new JobEvent { JobId = job.JobId, At = TestData.T0.AddSeconds(3), Actor = "engine", Kind = "status", FromStatus = "init", ToStatus = "verified" };

        var result = await store.UpdateJobAsync(next, [row], [ev], Ct);

        Assert.True(result.IsOk, result.Error?.Message);
        Assert.Equal(job.Version + 1, result.Value.Version);
        Assert.Equal(JobStatus.Verified, result.Value.Status);
        Assert.Equal("OPS-9", result.Value.Details.TicketId);
        AssertSameJob(result.Value, await store.GetJobAsync(job.JobId, Ct));
        Assert.Equal(row, (await store.GetConsumerRowsAsync(job.JobId, Ct))[0]);
        Assert.Equal("verified", (await store.GetEventsAsync(job.JobId, 0, Ct))[^1].ToStatus);

        // The same stale read again: refused, and nothing of it is written.
        var stale = await store.UpdateJobAsync(next with { Status = JobStatus.Aborted }, [], [TestData.Note(job.JobId, "stale")], Ct);
        Assert.Equal(new ConcurrencyConflict(job.JobId), stale.Error);
        Assert.Equal(2, (await store.GetEventsAsync(job.JobId, 0, Ct)).Count);
    }

    [Fact]
    public async Task Update_of_a_missing_job_is_not_found()
    {
        var store = await StoreAsync();
        var result = await store.UpdateJobAsync(TestData.Job(TestData.Credential()), [], [], Ct);
        Assert.IsType<NotFound>(result.Error);
    }

    [Fact]
    public async Task Twenty_parallel_updates_from_the_same_version_have_exactly_one_winner()
    {
        var store = await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()));
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => store.UpdateJobAsync(
            TestData.Moved(job, JobStatus.Verifying, TimeSpan.FromSeconds(i + 1)), [],
            [TestData.Note(job.JobId, $"attempt {i}")], Ct), Ct)));
        Log($"20 parallel updates: {clock.ElapsedMilliseconds} ms");

        var winner = Assert.Single(results, r => r.IsOk);
        Assert.All(results.Where(r => !r.IsOk), r => Assert.Equal(new ConcurrencyConflict(job.JobId), r.Error));
        Assert.Equal(job.Version + 1, winner.Value!.Version);
        AssertSameJob(winner.Value, await store.GetJobAsync(job.JobId, Ct));
        // Only the winner's event was kept.
        Assert.Equal(2, (await store.GetEventsAsync(job.JobId, 0, Ct)).Count);
    }

    [Fact]
    public async Task Update_never_overwrites_the_lease()
    {
        var store = await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()));
        Assert.True(await store.TryAcquireLeaseAsync(job.JobId, "worker-a", TestData.T0, TestData.T0.AddMinutes(1), Ct));
        var updated = await store.UpdateJobAsync(TestData.Moved(job, JobStatus.Verifying, TimeSpan.FromSeconds(1)), [], [], Ct);
        Assert.Equal("worker-a", updated.Value!.LeaseOwner);
        Assert.Equal(TestData.T0.AddMinutes(1), updated.Value.LeaseUntil);
    }

    [Fact]
    public async Task Secrets_round_trip_and_replace()
    {
        var store = await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()));
        Assert.Null(await store.GetSecretAsync(job.JobId, Ct));
        await store.PutSecretAsync(job.JobId, Secret(1), Ct);
        AssertSecret(Secret(1), await store.GetSecretAsync(job.JobId, Ct));
        await store.PutSecretAsync(job.JobId, Secret(7), Ct);
        AssertSecret(Secret(7), await store.GetSecretAsync(job.JobId, Ct));
    }

    [Fact]
    public async Task Terminal_update_erases_the_secret_in_the_same_write()
    {
        var store = await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()));
        await store.PutSecretAsync(job.JobId, Secret(3), Ct);

        var minted = await MoveAsync(store, job, JobStatus.Minted);
        Assert.NotNull(await store.GetSecretAsync(job.JobId, Ct));

        await MoveAsync(store, minted, JobStatus.Done);
        Assert.Null(await store.GetSecretAsync(job.JobId, Ct));
        // And a terminal job cannot be given a value again.
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutSecretAsync(job.JobId, Secret(4), Ct));
        Assert.Null(await store.GetSecretAsync(job.JobId, Ct));
    }

    [Fact]
    public async Task Lease_is_taken_when_free_renewed_by_its_owner_taken_over_when_expired_and_released_by_its_owner()
    {
        var store = await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()));
        var t = TestData.T0;

        Assert.True(await store.TryAcquireLeaseAsync(job.JobId, "a", t, t.AddSeconds(30), Ct));
        Assert.False(await store.TryAcquireLeaseAsync(job.JobId, "b", t.AddSeconds(10), t.AddSeconds(40), Ct));
        Assert.True(await store.TryAcquireLeaseAsync(job.JobId, "a", t.AddSeconds(20), t.AddSeconds(60), Ct));   // renew
        Assert.False(await store.TryAcquireLeaseAsync(job.JobId, "b", t.AddSeconds(45), t.AddSeconds(75), Ct)); // renewed, not expired
        var held = await store.GetJobAsync(job.JobId, Ct);
        Assert.Equal(("a", t.AddSeconds(60)), (held!.LeaseOwner, held.LeaseUntil));

        Assert.True(await store.TryAcquireLeaseAsync(job.JobId, "b", t.AddSeconds(61), t.AddSeconds(90), Ct));  // expired: take over
        await store.ReleaseLeaseAsync(job.JobId, "a", Ct);                                                     // not a's any more: no-op
        Assert.Equal("b", (await store.GetJobAsync(job.JobId, Ct))!.LeaseOwner);

        await store.ReleaseLeaseAsync(job.JobId, "b", Ct);
        var free = await store.GetJobAsync(job.JobId, Ct);
        Assert.Null(free!.LeaseOwner);
        Assert.Null(free.LeaseUntil);
        Assert.True(await store.TryAcquireLeaseAsync(job.JobId, "c", t.AddSeconds(62), t.AddSeconds(92), Ct));
        Assert.False(await store.TryAcquireLeaseAsync(Guid.NewGuid(), "c", t, t.AddSeconds(1), Ct));
    }

    [Fact]
    public async Task Parallel_lease_contenders_get_exactly_one_lease()
    {
        var store = await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()));
        var won = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            store.TryAcquireLeaseAsync(job.JobId, $"w{i}", TestData.T0, TestData.T0.AddMinutes(1), Ct), Ct)));
        Assert.Single(won, w => w);
    }

    [Fact]
    public async Task Consumer_row_batches_from_parallel_writers_are_all_kept_with_distinct_seqs()
    {
        var store = await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()), consumers: 64);
        var rows = await store.GetConsumerRowsAsync(job.JobId, Ct);

        // 64 rows + 64 events in one call: the fan-out hot path.
        var batch = rows.Select(r => r with { DistributeStatus = RowStatus.Succeeded, Attempts = 1, UpdatedAt = TestData.T0.AddSeconds(1) }).ToArray();
        var events = batch.Select(r => TestData.Note(job.JobId, "distributed", TestData.T0.AddSeconds(1), r.ConsumerId)).ToArray();
        await store.UpdateConsumerRowsAsync(batch, events, Ct); // warm-up (prepares statements)
        var clock = Stopwatch.StartNew();
        const int Rounds = 10;
        for (var i = 0; i < Rounds; i++) await store.UpdateConsumerRowsAsync(batch, events, Ct);
        Log($"UpdateConsumerRowsAsync, 64 rows + 64 events: {clock.Elapsed.TotalMilliseconds / Rounds:F2} ms per call");

        // Eight writers at once, each owning eight rows.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            var mine = batch.Skip(w * 8).Take(8).Select(r => r with { ValidateStatus = RowStatus.Succeeded, Attempts = 2, UpdatedAt = TestData.T0.AddSeconds(2) }).ToArray();
            return store.UpdateConsumerRowsAsync(mine, mine.Select(r => TestData.Note(job.JobId, "validated", TestData.T0.AddSeconds(2), r.ConsumerId)).ToArray(), Ct);
        }, Ct)));

        var final = await store.GetConsumerRowsAsync(job.JobId, Ct);
        Assert.All(final, r => Assert.Equal((RowStatus.Succeeded, RowStatus.Succeeded, 2), (r.DistributeStatus, r.ValidateStatus, r.Attempts)));
        var all = await store.GetEventsAsync(job.JobId, 0, Ct);
        Assert.Equal(1 + 64 * (Rounds + 1) + 64, all.Count);
        Assert.Equal(all.Count, all.Select(e => e.Seq).Distinct().Count());
        Assert.Equal(64, all.Count(e => e.Detail == "validated"));
    }

    private static void AssertSecret(SealedSecret expected, SealedSecret? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.KeyId, actual.KeyId);
        Assert.Equal(expected.Nonce, actual.Nonce);
        Assert.Equal(expected.Ciphertext, actual.Ciphertext);
        Assert.Equal(expected.Tag, actual.Tag);
    }
}
