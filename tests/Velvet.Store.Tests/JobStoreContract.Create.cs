using System.Diagnostics;
using Velvet.Core.Jobs;
using Velvet.Core.Results;

namespace Velvet.Store.Tests;

public abstract partial class JobStoreContract
{
    [Fact]
    public async Task Second_active_job_for_the_same_credential_and_env_is_refused()
    {
        var store = await StoreAsync();
        var cred = TestData.Credential();
        var first = await CreatedAsync(store, TestData.Job(cred));
        var again = TestData.Job(cred);
        var result = await store.CreateJobAsync(TestData.New(again), TestData.Created(again), Ct);
        var error = Assert.IsType<ActiveJobExists>(result.Error);
        Assert.Equal(first.JobId, error.ExistingJobId);
        Assert.Equal("init", error.ExistingStatus);
        Assert.Null(await store.GetJobAsync(again.JobId, Ct));

        // Another env of the same credential is a different slot.
        await CreatedAsync(store, TestData.Job(cred, env: "staging"));
    }

    [Fact]
    public async Task Fifty_parallel_creates_for_one_credential_make_exactly_one_job()
    {
        var store = await StoreAsync();
        var cred = TestData.Credential();
        var jobs = Enumerable.Range(0, 50).Select(_ => TestData.Job(cred)).ToArray();
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(jobs.Select(j => Task.Run(() => store.CreateJobAsync(TestData.New(j), TestData.Created(j), Ct), Ct)));
        Log($"50 parallel creates (one credential): {clock.ElapsedMilliseconds} ms");

        var winners = results.Where(r => r.IsOk).ToArray();
        var winner = Assert.Single(winners);
        Assert.False(winner.Value!.Replayed);
        var refused = results.Where(r => !r.IsOk).Select(r => Assert.IsType<ActiveJobExists>(r.Error)).ToArray();
        Assert.Equal(49, refused.Length);
        Assert.All(refused, e => Assert.Equal(winner.Value.Job.JobId, e.ExistingJobId));
        Assert.Single(await store.ListJobsAsync(new JobQuery { CredentialName = cred }, Ct));
        Assert.Single(await store.GetEventsAsync(winner.Value.Job.JobId, 0, Ct));
    }

    [Fact]
    public async Task Fifty_parallel_creates_with_one_idempotency_key_make_one_job_and_replay_it()
    {
        var store = await StoreAsync();
        var cred = TestData.Credential();
        var jobs = Enumerable.Range(0, 50).Select(_ => TestData.Job(cred, key: "kick-42")).ToArray();
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(jobs.Select(j => Task.Run(() => store.CreateJobAsync(TestData.New(j), TestData.Created(j), Ct), Ct)));
        Log($"50 parallel creates (one idempotency key): {clock.ElapsedMilliseconds} ms");

        Assert.All(results, r => Assert.True(r.IsOk, r.Error?.Message));
        var fresh = Assert.Single(results, r => !r.Value!.Replayed);
        Assert.Equal(49, results.Count(r => r.Value!.Replayed));
        Assert.All(results, r => Assert.Equal(fresh.Value!.Job.JobId, r.Value!.Job.JobId));
        Assert.Single(await store.ListJobsAsync(new JobQuery { CredentialName = cred }, Ct));
    }

    [Fact]
    public async Task Idempotency_replay_returns_the_job_even_when_it_is_terminal()
    {
        var store = await StoreAsync();
        var cred = TestData.Credential();
        var first = await CreatedAsync(store, TestData.Job(cred, key: "k1"));
        var done = await MoveAsync(store, first, JobStatus.Done);

        var retry = TestData.Job(cred, key: "k1");
        var result = await store.CreateJobAsync(TestData.New(retry), TestData.Created(retry), Ct);
        Assert.True(result.IsOk);
        Assert.True(result.Value.Replayed);
        AssertSameJob(done, result.Value.Job);

        // Same key on another credential is unrelated.
        await CreatedAsync(store, TestData.Job(TestData.Credential(), key: "k1"));
    }

    [Fact]
    public async Task Retrying_a_create_with_the_same_job_id_replays_it()
    {
        var store = await StoreAsync();
        var job = TestData.Job(TestData.Credential());
        var first = await CreatedAsync(store, job);
        var again = await store.CreateJobAsync(TestData.New(job), TestData.Created(job), Ct);
        Assert.True(again.IsOk);
        Assert.True(again.Value.Replayed);
        AssertSameJob(first, again.Value.Job);
        Assert.Single(await store.GetEventsAsync(job.JobId, 0, Ct));
    }

    public static TheoryData<string> TerminalStatuses => [.. JobStatusNames.TerminalNames];

    [Theory]
    [MemberData(nameof(TerminalStatuses))]
    public async Task A_new_job_is_allowed_once_the_previous_one_is_terminal(string terminal)
    {
        var store = await StoreAsync();
        var cred = TestData.Credential();
        var first = await CreatedAsync(store, TestData.Job(cred));
        await MoveAsync(store, first, JobStatusNames.Parse(terminal));
        var second = await CreatedAsync(store, TestData.Job(cred, at: TestData.T0.AddHours(1)));
        Assert.NotEqual(first.JobId, second.JobId);

        // Every non-terminal status keeps the slot taken (the partial index and TerminalNames agree).
        foreach (var status in JobStatusNames.All.Where(s => !s.IsTerminal()))
        {
            var current = await store.GetJobAsync(second.JobId, Ct);
            await MoveAsync(store, current!, status);
            var blocked = TestData.Job(cred);
            var result = await store.CreateJobAsync(TestData.New(blocked), TestData.Created(blocked), Ct);
            Assert.IsType<ActiveJobExists>(result.Error);
        }
    }
}
