using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Jobs;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Store.Postgres;

namespace Velvet.Store.Tests;

/// <summary>Two replicas (two store handles on one PostgreSQL database) dispatch the same outbox: each message is sent exactly once.</summary>
public sealed class PostgresNotificationDispatchTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Records successful sends; fails the first attempt of some messages so retries move between replicas too.</summary>
    private sealed class RecordingChannel(string name, ConcurrentBag<(string Key, string Channel)> sent, ConcurrentDictionary<string, int> tries) : INotificationChannel
    {
        public string Name => name;

        public ChannelSpec Spec { get; } = new() { Name = name, Kind = ChannelKinds.Webhook };

        public async Task<Outcome> SendAsync(NotificationMessage message, CancellationToken ct)
        {
            await Task.Delay(2, ct); // a real await, so the two replicas interleave
            var attempt = tries.AddOrUpdate(message.EventKey + "|" + name, 1, (_, n) => n + 1);
            if (name == "flaky" && attempt == 1) return Outcome.Transient("503 service unavailable; retry", 503);
            sent.Add((message.EventKey!, name));
            return Outcome.Ok();
        }
    }

    [Fact]
    public async Task Two_dispatchers_on_one_database_deliver_each_message_exactly_once()
    {
        pg.Require();
        await using var a = new PostgresJobStore(pg.AppConnectionString, pg.OwnerConnectionString);
        await using var b = new PostgresJobStore(pg.AppConnectionString, pg.OwnerConnectionString);
        await a.MigrateAsync(Ct);
        var time = new FakeTimeProvider(TestData.T0);
        const int jobs = 24;
        for (var i = 0; i < jobs; i++)
        {
            var job = TestData.Job(TestData.Credential(), at: time.GetUtcNow(), flow: FlowType.Revocation);
            Assert.True((await a.CreateJobAsync(TestData.New(job), TestData.Created(job), Ct)).IsOk);
            var to = i % 2 == 0 ? JobStatus.RevLeaked : JobStatus.RevDone;
            Assert.True((await (i % 3 == 0 ? b : a).UpdateJobAsync(job with { Status = to, UpdatedAt = time.GetUtcNow() }, [], [], Ct)).IsOk);
        }

        var sent = new ConcurrentBag<(string Key, string Channel)>();
        var tries = new ConcurrentDictionary<string, int>();
        NotificationDispatcher Replica(PostgresJobStore store, string owner) => new(store, store,
            [new RecordingChannel("steady", sent, tries), new RecordingChannel("flaky", sent, tries)], new SecretMasker(),
            new DispatcherOptions { Owner = owner, BatchSize = 5, BaseBackoff = TimeSpan.FromSeconds(2) }, time, NullLogger.Instance, () => 0.0);
        var replicas = new[] { Replica(a, "replica-a"), Replica(b, "replica-b") };

        for (var round = 0; round < 30 && sent.Count < jobs * 2; round++)
        {
            await Task.WhenAll(replicas.Select(r => r.RunOnceAsync(Ct)));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(jobs * 2, sent.Count);
        Assert.Equal(jobs * 2, sent.Distinct().Count());
        var stats = (await a.NotificationStatsAsync(Ct)).ToDictionary(s => s.Channel);
        Assert.Equal((jobs, 0, 0), (stats["steady"].Sent, stats["steady"].Pending, stats["steady"].Dead));
        Assert.Equal((jobs, 0, 0), (stats["flaky"].Sent, stats["flaky"].Pending, stats["flaky"].Dead));
    }
}
