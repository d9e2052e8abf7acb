using System.Text.Json;
using Npgsql;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Store;

namespace Velvet.Cli.Tests;

/// <summary>`velvet notifications purge`: counts, --dry-run, --older-than, usage errors; SQLite, and PostgreSQL's owner-only DELETE.</summary>
public sealed class NotificationsPurgeCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<CliRun> SetupAsync(string? store = null)
    {
        var dir = Directory.CreateTempSubdirectory("velvet-purge-cli-").FullName;
        var manifest = Path.Combine(dir, "velvet.yaml");
        await File.WriteAllTextAsync(manifest, """
            version: 1
            credentials:
              - token_name: API_TOKEN
                vendor: { kind: generated }
                env: test
            consumers: []
            notifications:
              retention: 20d
              failed_retention: 60d
              channels: []
            """, Ct);
        var cli = CliRun.ForManifest(dir, manifest);
        if (store is not null) cli.Env["VELVET_STORE"] = store;
        return cli;
    }

    /// <summary>
    /// Relative to now (the CLI reads the system clock): sent 25 d and 10 d ago, dead 100 d and 40 d ago, and one
    /// still retrying since 100 d ago. Each has two deliveries (slack, mail).
    /// </summary>
    private static async Task SeedAsync(IJobStore store)
    {
        await store.MigrateAsync(Ct);
        var outbox = JobStoreFactory.Notifications(store);
        var now = TimeProvider.System.GetUtcNow();
        foreach (var (name, daysAgo, mail) in new[] { ("sent25", 25, "sent"), ("sent10", 10, "sent"), ("dead100", 100, "dead"), ("dead40", 40, "dead"), ("retry100", 100, "retry") })
        {
            var at = now.AddDays(-daysAgo);
            var e = SystemNotifications.ScheduleReminder("PURGE_" + name, "test", name, null, at);
            Assert.True(await outbox.EnqueueNotificationAsync(e, Ct));
            var id = (await outbox.PendingFanOutAsync(100, Ct)).Single(p => p.EventKey == e.EventKey).Id;
            await outbox.FanOutAsync(id, [new NewDelivery("slack", "{}"), new NewDelivery("mail", "{}")], at, Ct);
            foreach (var d in (await outbox.ClaimDeliveriesAsync("seed", at, at.AddMinutes(1), 100, Ct)).Where(d => d.EventId == id))
            {
                var ends = d.Channel == "slack" ? "sent" : mail;
                Assert.True(await outbox.CompleteDeliveryAsync(new DeliveryAttempt
                {
                    Id = d.Id, Owner = "seed", At = at, Sent = ends == "sent", Dead = ends == "dead",
                    Error = ends == "sent" ? null : "503", NextAttemptAt = ends == "retry" ? now.AddDays(1) : null,
                }, Ct));
            }
        }
    }

    private static async Task SeedSqliteAsync(CliRun cli)
    {
        await using var store = (IAsyncDisposable)JobStoreFactory.Open(cli.Env["VELVET_STORE"]);
        await SeedAsync((IJobStore)store);
    }

    [Fact]
    public async Task Dry_run_counts_with_the_manifest_limits_and_removes_nothing_then_purge_removes_them()
    {
        var cli = await SetupAsync();
        await SeedSqliteAsync(cli);

        var dry = await cli.RunAsync("notifications", "purge", "--dry-run");
        Assert.Equal(0, dry.Exit);
        Assert.Contains("would remove 2 notification(s): 1 delivered, 1 failed (4 delivery row(s)); delivered older than 20d, failed older than 60d", dry.Out, StringComparison.Ordinal);
        Assert.Contains("nothing removed (--dry-run)", dry.Out, StringComparison.Ordinal);
        Assert.Equal(dry.Out, (await cli.RunAsync("notifications", "purge", "--dry-run")).Out);

        var purged = await cli.RunAsync("notifications", "purge");
        Assert.Equal(0, purged.Exit);
        Assert.Contains("removed 2 notification(s): 1 delivered, 1 failed (4 delivery row(s))", purged.Out, StringComparison.Ordinal);
        Assert.Contains("removed 0 notification(s)", (await cli.RunAsync("notifications", "purge")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Older_than_overrides_the_delivered_limit_only_and_json_has_the_counts()
    {
        var cli = await SetupAsync();
        await SeedSqliteAsync(cli);

        var (exit, output, _) = await cli.RunAsync("notifications", "purge", "--older-than", "5d", "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        // Both sent ones (25 d, 10 d) go; of the dead ones only the 100-day-old (failed_retention 60d); the retrying one stays.
        Assert.Equal((false, 2, 1, 6, "5d", "60d"), (r.GetProperty("dry_run").GetBoolean(), r.GetProperty("delivered").GetInt32(), r.GetProperty("failed").GetInt32(),
            r.GetProperty("deliveries").GetInt32(), r.GetProperty("older_than").GetString(), r.GetProperty("failed_older_than").GetString()));
        var again = await cli.RunAsync("notifications", "purge", "--older-than", "1h", "--dry-run", "--json");
        using var left = JsonDocument.Parse(again.Out);
        Assert.Equal(0, left.RootElement.GetProperty("delivered").GetInt32() + left.RootElement.GetProperty("failed").GetInt32());
    }

    [Theory]
    [InlineData("30")]
    [InlineData("30x")]
    [InlineData("0d")]
    [InlineData("-5d")]
    [InlineData("thirty days")]
    public async Task A_bad_duration_is_a_usage_error_that_says_what_to_write_and_removes_nothing(string text)
    {
        var cli = await SetupAsync();
        await SeedSqliteAsync(cli);

        var (exit, output, error) = await cli.RunAsync("notifications", "purge", $"--older-than={text}");

        Assert.Equal(2, exit);
        Assert.Contains($"--older-than '{text}' is not a duration: write a whole number and a unit: s, m, h or d (e.g. 30d, 6h)", error, StringComparison.Ordinal);
        Assert.Equal("", output);
        Assert.Contains("would remove 2 notification(s)", (await cli.RunAsync("notifications", "purge", "--dry-run")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_postgres_the_runtime_role_purges_and_the_owner_url_works_too()
    {
        var owner = Environment.GetEnvironmentVariable("VELVET_TEST_PG_OWNER");
        var app = Environment.GetEnvironmentVariable("VELVET_TEST_PG_APP");
        if (string.IsNullOrWhiteSpace(owner) || string.IsNullOrWhiteSpace(app))
        {
            const string why = "needs VELVET_TEST_PG_OWNER and VELVET_TEST_PG_APP (run `bash scripts/test.sh`)";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) Assert.Fail(why);
            Assert.Skip(why);
        }
        var schema = "velvet_purge_" + Guid.NewGuid().ToString("N")[..10];
        var ownerCs = new NpgsqlConnectionStringBuilder(owner) { SearchPath = schema };
        var appCs = new NpgsqlConnectionStringBuilder(app) { SearchPath = schema };
        await ExecAsync(owner, $"CREATE SCHEMA {schema}; GRANT USAGE ON SCHEMA {schema} TO \"{appCs.Username}\"");
        try
        {
            await using (var store = (IAsyncDisposable)JobStoreFactory.Open(appCs.ConnectionString, ownerCs.ConnectionString))
                await SeedAsync((IJobStore)store);
            var cli = await SetupAsync(appCs.ConnectionString);

            var dry = await cli.RunAsync("notifications", "purge", "--dry-run");
            Assert.Equal(0, dry.Exit);
            Assert.Contains("would remove 2 notification(s)", dry.Out, StringComparison.Ordinal);

            var purged = await cli.RunAsync("notifications", "purge", "--older-than", "60d");
            Assert.Equal(0, purged.Exit);
            Assert.Contains("removed 1 notification(s): 0 delivered, 1 failed", purged.Out, StringComparison.Ordinal);

            var byOwner = await cli.RunAsync("notifications", "purge", "--owner-url", ownerCs.ConnectionString);
            Assert.Equal(0, byOwner.Exit);
            Assert.Contains("removed 1 notification(s): 1 delivered, 0 failed", byOwner.Out, StringComparison.Ordinal);
            foreach (var text in cli.Transcript)
            {
                Assert.DoesNotContain(ownerCs.Password!, text, StringComparison.Ordinal);
                Assert.DoesNotContain(appCs.Password!, text, StringComparison.Ordinal);
            }
        }
        finally
        {
            await ExecAsync(owner, $"DROP SCHEMA {schema} CASCADE");
        }
    }

    private static async Task ExecAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(CancellationToken.None);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
