using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;
using Velvet.Store;
using Velvet.Store.Tests;

namespace Velvet.Engine.Tests;

/// <summary>The engine on the production backend: the runtime connects as the restricted app role, migrations as the owner.</summary>
public sealed class PostgresEngineTests : IAsyncLifetime
{
    private readonly PostgresFixture _pg = new();

    public ValueTask InitializeAsync() => _pg.InitializeAsync();

    public ValueTask DisposeAsync() => _pg.DisposeAsync();

    private Task<Harness> StartAsync(Func<string, string, string>? manifest = null, Func<Velvet.Core.Ports.IAdapterCatalog, Velvet.Core.Ports.IAdapterCatalog>? wrap = null)
    {
        _pg.Require();
        return Harness.StartAsync(manifest, wrap: wrap, store: _ => JobStoreFactory.Open(_pg.AppConnectionString, _pg.OwnerConnectionString, _pg.AppRole));
    }

    [Fact]
    public async Task Operational_rotation_with_a_failing_consumer_reaches_done_and_leaves_no_value_in_any_table()
    {
        const string canary = "PG-CANARY-91c2e0-never-stored-in-clear";
        await using var h = await StartAsync((d, u) => Harness.DefaultManifest(d, u, mode: "operator_manual"));
        await h.SeedAsync();
        h.Apps.For("search").NextUpdates.Enqueue(500);
        h.Apps.For("search").NextUpdates.Enqueue(500);
        h.Apps.For("search").NextUpdates.Enqueue(500);
        var job = await h.StartJobAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);
        Assert.Equal(JobStatus.DistributePartial, (await h.ActAsync(job.JobId, JobAction.ProceedMint, r => r with { NewValue = new SecretValue(canary) })).Status);
        Assert.Equal(JobStatus.Validated, (await h.ActAsync(job.JobId, JobAction.RetryFailed)).Status);
        Assert.Equal(JobStatus.Done, (await h.ActAsync(job.JobId, JobAction.ProceedRevoke)).Status);
        Assert.Equal(canary, h.Apps.Held("search"));

        await using var conn = new NpgsqlConnection(_pg.OwnerConnectionString);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        var dump = new StringBuilder();
        foreach (var table in new[] { "rotation_jobs", "rotation_job_consumers", "job_events", "job_secrets" })
        {
            await using var cmd = new NpgsqlCommand($"SELECT coalesce(string_agg(row_to_json(t)::text, E'\\n'), '') FROM {table} t", conn);
            dump.AppendLine((string)(await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
        }
        Assert.Contains("revoking", dump.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(canary, dump.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(canary)), dump.ToString(), StringComparison.Ordinal);
        await using var secrets = new NpgsqlCommand("SELECT count(*) FROM job_secrets", conn);
        Assert.Equal(0L, await secrets.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_crash_after_the_vendor_mint_resumes_on_postgres_without_minting_twice()
    {
        using var kill = new CancellationTokenSource();
        CrashingCatalog? crashing = null;
        await using var h = await StartAsync(wrap: c => crashing ??= new CrashingCatalog(c, kill, MintCrash.AfterVendorCall));
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);
        (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "alice" })).Unwrap();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Runner.RunAsync(job.JobId, kill.Token));

        await h.Restart();
        using var worker = new JobWorker(h.Service, h.Runner, NullLogger<JobWorker>.Instance, TimeProvider.System);
        await worker.ResumeAllAsync(CancellationToken.None);

        Assert.Equal(JobStatus.Validated, (await h.Store.GetJobAsync(job.JobId, CancellationToken.None))!.Status);
        Assert.Equal(2, new Velvet.Vendors.Generated.GeneratedStateStore(h.StateDir).Read(Harness.Cred).Ids.Count);
    }
}
