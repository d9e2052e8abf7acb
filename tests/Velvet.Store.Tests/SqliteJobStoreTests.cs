using Microsoft.Data.Sqlite;
using Velvet.Core.Ports;
using Velvet.Store.Sqlite;

namespace Velvet.Store.Tests;

/// <summary>The contract on SQLite: every test gets its own temporary database file.</summary>
public sealed class SqliteJobStoreTests : JobStoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("velvet-store-").FullName;

    protected override Task<IJobStore> CreateStoreAsync() =>
        Task.FromResult<IJobStore>(new SqliteJobStore(Path.Combine(_dir, "velvet.db")));

    protected override Task<IJobStore> CreateIsolatedStoreAsync() =>
        Task.FromResult<IJobStore>(new SqliteJobStore(Path.Combine(_dir, "isolated-" + Guid.NewGuid().ToString("N")[..12] + ".db")));

    protected override ValueTask DisposeBackendAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Database_uses_wal_and_the_journal_table()
    {
        var store = (SqliteJobStore)await StoreAsync();
        await using var conn = new SqliteConnection($"Data Source={store.DatabasePath}");
        await conn.OpenAsync(Ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await cmd.ExecuteScalarAsync(Ct));
        cmd.CommandText = "SELECT count(*) FROM velvet_schema_migrations";
        Assert.Equal(10L, await cmd.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Audit_events_cannot_be_changed_or_deleted()
    {
        var store = (SqliteJobStore)await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()));
        await using var conn = new SqliteConnection($"Data Source={store.DatabasePath}");
        await conn.OpenAsync(Ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "UPDATE job_events SET detail = 'x'";
        Assert.Contains("append-only", (await Assert.ThrowsAsync<SqliteException>(() => cmd.ExecuteNonQueryAsync(Ct))).Message, StringComparison.Ordinal);
        cmd.CommandText = "DELETE FROM job_events";
        Assert.Contains("append-only", (await Assert.ThrowsAsync<SqliteException>(() => cmd.ExecuteNonQueryAsync(Ct))).Message, StringComparison.Ordinal);
        Assert.Single(await store.GetEventsAsync(job.JobId, 0, Ct));
    }

    [Fact]
    public async Task System_events_cannot_be_changed_or_deleted()
    {
        var store = (SqliteJobStore)await IsolatedStoreAsync();
        await store.AppendSystemEventAsync(new Velvet.Core.Ports.SystemEvent { At = TestData.T0, Actor = "alice", Kind = "test.note", Detail = "{}" }, Ct);
        await using var conn = new SqliteConnection($"Data Source={store.DatabasePath}");
        await conn.OpenAsync(Ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "UPDATE system_events SET detail = 'x'";
        Assert.Contains("append-only", (await Assert.ThrowsAsync<SqliteException>(() => cmd.ExecuteNonQueryAsync(Ct))).Message, StringComparison.Ordinal);
        cmd.CommandText = "DELETE FROM system_events";
        Assert.Contains("append-only", (await Assert.ThrowsAsync<SqliteException>(() => cmd.ExecuteNonQueryAsync(Ct))).Message, StringComparison.Ordinal);
        Assert.Equal("{}", Assert.Single(await store.ListSystemEventsAsync(10, Ct)).Detail);
    }

    [Fact]
    public async Task Key_ring_rows_cannot_be_changed_or_deleted_and_a_second_instance_reads_them()
    {
        var store = (SqliteJobStore)await IsolatedStoreAsync();
        var added = await store.AddKeyRingElementAsync(new Velvet.Core.Ports.KeyRingElement { FriendlyName = "key-1", SealedElement = "v1.sealed", CreatedAt = TestData.T0 }, Ct);
        await using var conn = new SqliteConnection($"Data Source={store.DatabasePath}");
        await conn.OpenAsync(Ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "UPDATE key_ring SET sealed_element = 'x'";
        Assert.Contains("append-only", (await Assert.ThrowsAsync<SqliteException>(() => cmd.ExecuteNonQueryAsync(Ct))).Message, StringComparison.Ordinal);
        cmd.CommandText = "DELETE FROM key_ring";
        Assert.Contains("append-only", (await Assert.ThrowsAsync<SqliteException>(() => cmd.ExecuteNonQueryAsync(Ct))).Message, StringComparison.Ordinal);
        await using var other = new SqliteJobStore(store.DatabasePath);
        Assert.Equal([added], await other.ListKeyRingElementsAsync(Ct));
    }

    [Fact]
    public async Task Two_store_instances_on_one_file_seed_subscribers_once()
    {
        var a = (SqliteJobStore)await IsolatedStoreAsync();
        await using var b = new SqliteJobStore(a.DatabasePath);
        await b.MigrateAsync(Ct);
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).SeedSubscribersAsync(
            [new Velvet.Core.Ports.SubscriberRecord { TokenName = "tok", ConsumerId = $"c{i}", Env = "prod", SpecJson = "{}", UpdatedAt = TestData.T0, UpdatedBy = "seed" }],
            new Velvet.Core.Ports.SystemEvent { At = TestData.T0, Actor = "seed", Kind = "velvet.subscribers.seeded", Detail = "{}" }, Ct), Ct)));
        Assert.Single(results, r => r);
        Assert.Single(await b.ListSubscribersAsync(Ct));
        Assert.Single(await a.ListSystemEventsAsync(10, Ct));
    }

    [Fact]
    public async Task Two_store_instances_on_one_file_do_not_lose_the_invariant()
    {
        // Two processes (say CLI and server) each serialise their own writers; the file lock and the unique index
        // must still allow only one active job.
        var a = await StoreAsync();
        var b = await StoreAsync();
        var cred = TestData.Credential();
        var jobs = Enumerable.Range(0, 20).Select(_ => TestData.Job(cred)).ToArray();
        var results = await Task.WhenAll(jobs.Select((j, i) => Task.Run(() => (i % 2 == 0 ? a : b).CreateJobAsync(TestData.New(j), TestData.Created(j), Ct), Ct)));
        Assert.Single(results, r => r.IsOk);
    }

    [Fact]
    public async Task First_migration_reports_every_script_by_file_name()
    {
        await using var store = new SqliteJobStore(Path.Combine(_dir, "fresh.db"));
        Assert.Equal(["0001_initial.sql", "0002_service_tokens.sql", "0003_subscribers.sql", "0004_written_at.sql", "0005_console_users.sql", "0006_notifications.sql", "0007_schedule_slots.sql", "0008_lifecycle.sql", "0009_key_ring.sql", "0010_outbox_retention.sql"], await store.ApplyMigrationsAsync(Ct));
        Assert.Empty(await store.ApplyMigrationsAsync(Ct));
    }
}
