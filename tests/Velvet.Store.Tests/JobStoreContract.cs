using System.Text.Json;
using Velvet.Core.Jobs;
using Velvet.Core.Ports;
using Velvet.Core.Results;

namespace Velvet.Store.Tests;

/// <summary>
/// The behaviour every <see cref="IJobStore"/> must show, run once per backend by a subclass. Each test opens a
/// migrated store and uses its own credential names, so backends may share one database between tests.
/// </summary>
public abstract partial class JobStoreContract : IAsyncDisposable
{
    private readonly List<IJobStore> _opened = [];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new, not yet migrated store over the backend's test database.</summary>
    protected abstract Task<IJobStore> CreateStoreAsync();

    /// <summary>A new, not yet migrated store over a database (or schema) of its own, empty of every other test's rows.</summary>
    protected abstract Task<IJobStore> CreateIsolatedStoreAsync();

    protected async Task<IJobStore> StoreAsync()
    {
        var store = await CreateStoreAsync();
        _opened.Add(store);
        await store.MigrateAsync(Ct);
        return store;
    }

    /// <summary>A migrated store no other test shares: for tests that need whole tables to themselves (seeding).</summary>
    protected async Task<IJobStore> IsolatedStoreAsync()
    {
        var store = await CreateIsolatedStoreAsync();
        _opened.Add(store);
        await store.MigrateAsync(Ct);
        return store;
    }

    /// <summary>
    /// Jobs compared by content: records compare list members (in <see cref="JobDetails"/>) by reference,
    /// so two equal jobs read separately would otherwise differ.
    /// </summary>
    protected static void AssertSameJob(RotationJob expected, RotationJob? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
    }

    protected static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    protected static async Task<RotationJob> CreatedAsync(IJobStore store, RotationJob job, int consumers = 2)
    {
        var result = await store.CreateJobAsync(TestData.New(job, consumers), TestData.Created(job), Ct);
        Assert.True(result.IsOk, result.Error?.Message);
        Assert.False(result.Value.Replayed);
        return result.Value.Job;
    }

    protected static async Task<RotationJob> MoveAsync(IJobStore store, RotationJob read, JobStatus status)
    {
        var result = await store.UpdateJobAsync(TestData.Moved(read, status, TimeSpan.FromSeconds(1)), [], [], Ct);
        Assert.True(result.IsOk, result.Error?.Message);
        return result.Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            if (store is IAsyncDisposable d) await d.DisposeAsync();
        }
        await DisposeBackendAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Backend clean-up after the stores are closed.</summary>
    protected virtual ValueTask DisposeBackendAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Migrate_is_idempotent()
    {
        var store = await StoreAsync();
        await store.MigrateAsync(Ct);
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()));
        await store.MigrateAsync(Ct);
        Assert.NotNull(await store.GetJobAsync(job.JobId, Ct));
    }
}
