using Npgsql;
using Velvet.Core.Ports;
using Velvet.Store.Postgres;

namespace Velvet.Store.Tests;

/// <summary>The contract on PostgreSQL (owner migrates, app runs), plus the role separation the migrations set up.</summary>
public sealed class PostgresJobStoreTests(PostgresFixture pg) : JobStoreContract, IClassFixture<PostgresFixture>
{
    private readonly List<string> _isolatedSchemas = [];

    protected override Task<IJobStore> CreateStoreAsync()
    {
        pg.Require();
        return Task.FromResult<IJobStore>(new PostgresJobStore(pg.AppConnectionString, pg.OwnerConnectionString));
    }

    /// <summary>A schema of its own (beside the class fixture's), dropped when the test ends.</summary>
    protected override async Task<IJobStore> CreateIsolatedStoreAsync()
    {
        pg.Require();
        var schema = "velvet_i_" + Guid.NewGuid().ToString("N")[..10];
        await using (var conn = new NpgsqlConnection(pg.OwnerConnectionString))
        {
            await conn.OpenAsync(Ct);
            await using var cmd = new NpgsqlCommand(
                $"CREATE SCHEMA {schema}; GRANT USAGE ON SCHEMA {schema} TO {PostgresJobStore.QuoteIdentifier(pg.AppRole)};", conn);
            await cmd.ExecuteNonQueryAsync(Ct);
        }
        _isolatedSchemas.Add(schema);
        return new PostgresJobStore(
            new NpgsqlConnectionStringBuilder(pg.AppConnectionString) { SearchPath = schema }.ConnectionString,
            new NpgsqlConnectionStringBuilder(pg.OwnerConnectionString) { SearchPath = schema }.ConnectionString);
    }

    protected override async ValueTask DisposeBackendAsync()
    {
        if (_isolatedSchemas.Count == 0) return;
        await using var conn = new NpgsqlConnection(pg.OwnerConnectionString);
        await conn.OpenAsync();
        foreach (var schema in _isolatedSchemas)
        {
            await using var cmd = new NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task The_runtime_role_alone_purges_the_outbox_since_0011()
    {
        var store = await IsolatedStoreAsync();
        var outbox = JobStoreFactory.Notifications(store);
        Assert.True(await outbox.EnqueueNotificationAsync(Velvet.Core.Notifications.SystemNotifications.ScheduleReminder("RETAIN_APP", "prod", "slot", null, TestData.T0), Ct));
        await outbox.FanOutAsync(Assert.Single(await outbox.PendingFanOutAsync(10, Ct)).Id, [], TestData.T0, Ct);
        var cutoffs = new RetentionCutoffs(TestData.T0.AddDays(1), TestData.T0.AddDays(1));
        var app = new NpgsqlConnectionStringBuilder(pg.AppConnectionString) { SearchPath = _isolatedSchemas[^1] };
        await using var appOnly = new PostgresJobStore(app.ConnectionString);

        Assert.Equal(new NotificationPurgeCount(1, 0, 0), await appOnly.CountPurgeableNotificationsAsync(cutoffs, Ct)); // a dry run only reads
        // `velvet serve` runs as the runtime role: 0011 grants it DELETE on the two outbox tables, so its hourly purge works.
        Assert.Equal(new NotificationPurgeCount(1, 0, 0), await appOnly.PurgeNotificationsAsync(cutoffs, 10, Ct));
        Assert.Equal(NotificationPurgeCount.Zero, await appOnly.CountPurgeableNotificationsAsync(cutoffs, Ct));
    }

    [Fact]
    public async Task App_role_can_append_and_read_system_events_but_not_change_or_delete_them()
    {
        var store = await IsolatedStoreAsync();
        await JobStoreFactory.Subscribers(store).AppendSystemEventAsync(
            new SystemEvent { At = TestData.T0, Actor = "alice", Kind = "test.note", Detail = "{}" }, Ct);
        var app = new NpgsqlConnectionStringBuilder(pg.AppConnectionString) { SearchPath = _isolatedSchemas[^1] }.ConnectionString;
        await using var conn = new NpgsqlConnection(app);
        await conn.OpenAsync(Ct);
        await using (var insert = new NpgsqlCommand("INSERT INTO system_events (at, actor, kind, detail) VALUES (now(), 'test', 'note', '{}')", conn))
            Assert.Equal(1, await insert.ExecuteNonQueryAsync(Ct));
        await using (var select = new NpgsqlCommand("SELECT count(*) FROM system_events", conn))
            Assert.Equal(2L, await select.ExecuteScalarAsync(Ct));
        foreach (var sql in new[]
        {
            "UPDATE system_events SET detail = 'rewritten'",
            "DELETE FROM system_events",
            "TRUNCATE system_events",
            "INSERT INTO subscribers_version (id, version) VALUES (2, 0)",
            "DELETE FROM subscribers_version",
            "TRUNCATE subscribers",
        })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            var ex = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync(Ct));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState); // 42501
        }
        Assert.Equal(2, (await JobStoreFactory.Subscribers(store).ListSystemEventsAsync(10, Ct)).Count);
    }

    [Fact]
    public async Task App_role_can_append_and_read_the_key_ring_but_not_change_or_delete_it()
    {
        var store = await IsolatedStoreAsync();
        var added = await JobStoreFactory.KeyRing(store).AddKeyRingElementAsync(
            new KeyRingElement { FriendlyName = "key-1", SealedElement = "v1.sealed", CreatedAt = TestData.T0 }, Ct);
        var app = new NpgsqlConnectionStringBuilder(pg.AppConnectionString) { SearchPath = _isolatedSchemas[^1] }.ConnectionString;
        await using var conn = new NpgsqlConnection(app);
        await conn.OpenAsync(Ct);
        foreach (var sql in new[] { "UPDATE key_ring SET sealed_element = 'x'", "DELETE FROM key_ring", "TRUNCATE key_ring" })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            var ex = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync(Ct));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState); // 42501
        }
        // Another replica (its own store object, same database) sees the element as written.
        await using var other = new PostgresJobStore(app);
        Assert.Equal([added], await other.ListKeyRingElementsAsync(Ct));
    }

    [Fact]
    public async Task App_role_can_append_and_read_events_but_not_change_or_delete_them()
    {
        var store = await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()));
        await using var conn = new NpgsqlConnection(pg.AppConnectionString);
        await conn.OpenAsync(Ct);

        await using (var insert = new NpgsqlCommand("INSERT INTO job_events (job_id, at, actor, kind) VALUES ($1, now(), 'test', 'note')", conn))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = job.JobId });
            Assert.Equal(1, await insert.ExecuteNonQueryAsync(Ct));
        }
        await using (var select = new NpgsqlCommand("SELECT count(*) FROM job_events WHERE job_id = $1", conn))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = job.JobId });
            Assert.Equal(2L, await select.ExecuteScalarAsync(Ct));
        }
        foreach (var sql in new[] { "UPDATE job_events SET detail = 'rewritten'", "DELETE FROM job_events", "TRUNCATE job_events" })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            var ex = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync(Ct));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState); // 42501
        }
    }

    [Fact]
    public async Task App_role_cannot_change_the_schema()
    {
        await StoreAsync();
        await using var conn = new NpgsqlConnection(pg.AppConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("DROP TABLE rotation_jobs CASCADE", conn);
        var ex = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync(Ct));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task Migrations_are_journaled_in_velvet_schema_migrations()
    {
        await StoreAsync();
        await using var conn = new NpgsqlConnection(pg.OwnerConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM velvet_schema_migrations", conn);
        Assert.Equal(11L, await cmd.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task App_role_has_no_privilege_at_all_on_the_migration_journal()
    {
        var store = (PostgresJobStore)await StoreAsync();
        Assert.False(await new PostgresJobStore(pg.AppConnectionString).MayMigrateAsync(Ct));
        Assert.True(await store.MayMigrateAsync(Ct)); // its migration connection is the owner's
        await using var conn = new NpgsqlConnection(pg.AppConnectionString);
        await conn.OpenAsync(Ct);
        foreach (var sql in new[]
        {
            "SELECT count(*) FROM velvet_schema_migrations",
            "INSERT INTO velvet_schema_migrations (scriptname, applied) VALUES ('x', now())",
            "DELETE FROM velvet_schema_migrations",
        })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            var ex = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync(Ct));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState); // 42501
        }
        await using var privileges = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.table_privileges WHERE table_schema = current_schema() " +
            "AND table_name = 'velvet_schema_migrations' AND grantee IN (current_user, 'PUBLIC')", conn);
        Assert.Equal(0L, await privileges.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task App_role_can_revoke_tokens_but_not_delete_them_or_change_their_hash_or_scopes()
    {
        var store = await StoreAsync();
        var (_, id, hash) = Velvet.Core.Auth.ServiceTokenFormat.Generate();
        var name = "tok-" + Guid.NewGuid().ToString("N")[..12];
        var created = await JobStoreFactory.Tokens(store).CreateTokenAsync(new Velvet.Core.Auth.ServiceToken
        {
            Name = name, TokenId = id, ScopeList = ["read"], CreatedBy = "alice", CreatedAt = TestData.T0,
        }, hash, Ct);
        Assert.True(created.IsOk);
        await using var conn = new NpgsqlConnection(pg.AppConnectionString);
        await conn.OpenAsync(Ct);
        foreach (var sql in new[]
        {
            "DELETE FROM service_tokens",
            "UPDATE service_tokens SET secret_hash = '\\x00'",
            "UPDATE service_tokens SET scopes = 'admin'",
            "UPDATE service_tokens SET name = 'other'",
            "TRUNCATE service_tokens",
        })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            var ex = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync(Ct));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }
    }

    [Fact]
    public async Task One_url_setup_where_the_app_is_the_owner_still_migrates_and_keeps_its_journal()
    {
        pg.Require();
        var schema = "velvet_t_" + Guid.NewGuid().ToString("N")[..10];
        var owner = new NpgsqlConnectionStringBuilder(pg.OwnerConnectionString) { SearchPath = schema }.ConnectionString;
        await using (var conn = new NpgsqlConnection(pg.OwnerConnectionString))
        {
            await conn.OpenAsync(Ct);
            await using var cmd = new NpgsqlCommand($"CREATE SCHEMA {schema}", conn);
            await cmd.ExecuteNonQueryAsync(Ct);
        }
        try
        {
            await using (var store = new PostgresJobStore(owner))
            {
                Assert.Equal(["0001_initial.sql", "0002_app_grants.sql", "0003_service_tokens.sql", "0004_subscribers.sql", "0005_written_at.sql", "0006_console_users.sql", "0007_notifications.sql", "0008_schedule_slots.sql", "0009_lifecycle.sql", "0010_key_ring.sql", "0011_outbox_retention.sql"], await store.ApplyMigrationsAsync(Ct));
                Assert.Empty(await store.ApplyMigrationsAsync(Ct));
                Assert.True(await store.MayMigrateAsync(Ct));
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(pg.OwnerConnectionString);
            await conn.OpenAsync(Ct);
            await using var cmd = new NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", conn);
            await cmd.ExecuteNonQueryAsync(Ct);
        }
    }
}
