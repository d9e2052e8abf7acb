using Npgsql;
using Velvet.Core.Ports;
using Velvet.Store.Postgres;

namespace Velvet.Store.Tests;

/// <summary>The contract on PostgreSQL (owner migrates, app runs), plus the role separation the migrations set up.</summary>
public sealed class PostgresJobStoreTests(PostgresFixture pg) : JobStoreContract, IClassFixture<PostgresFixture>
{
    protected override Task<IJobStore> CreateStoreAsync()
    {
        pg.Require();
        return Task.FromResult<IJobStore>(new PostgresJobStore(pg.AppConnectionString, pg.OwnerConnectionString));
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
        Assert.Equal(2L, await cmd.ExecuteScalarAsync(Ct));
    }
}
