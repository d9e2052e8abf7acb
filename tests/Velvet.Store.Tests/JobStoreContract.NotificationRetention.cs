using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Store.Tests;

/// <summary>Outbox retention: finished notifications go after their limit, pending ones never, failed ones keep longer.</summary>
public abstract partial class JobStoreContract
{
    /// <summary>Notifications in every state, named by what a purge should do with them; times relative to <see cref="TestData.T0"/>.</summary>
    private sealed record Outbox(long Sent40d, long Sent10d, long Retrying, long NotFannedOut, long Dead40d, long Dead100d, long Unwanted40d);

    private static async Task<long> EnqueueAsync(INotificationStore outbox, string name, DateTimeOffset at)
    {
        var e = SystemNotifications.ScheduleReminder("RETAIN_" + name, "prod", "slot-" + name, null, at);
        Assert.True(await outbox.EnqueueNotificationAsync(e, Ct));
        return (await outbox.PendingFanOutAsync(100, Ct)).Single(p => p.EventKey == e.EventKey).Id;
    }

    /// <summary>Fans <paramref name="id"/> out to <paramref name="channels"/> at <paramref name="at"/> and finishes each delivery as told.</summary>
    private static async Task FinishAsync(INotificationStore outbox, long id, DateTimeOffset at, params (string Channel, string Ends)[] channels)
    {
        await outbox.FanOutAsync(id, channels.Select(c => new NewDelivery(c.Channel, "{}")).ToList(), at, Ct);
        // Claims every due delivery, also another event's retry: only this event's are finished (the rest keep a short lease).
        foreach (var d in (await outbox.ClaimDeliveriesAsync("retention-test", at, at.AddMinutes(1), 100, Ct)).Where(d => d.EventId == id))
        {
            var ends = channels.Single(c => c.Channel == d.Channel).Ends;
            Assert.True(await outbox.CompleteDeliveryAsync(new DeliveryAttempt
            {
                Id = d.Id, Owner = "retention-test", At = at, Sent = ends == "sent", Dead = ends == "dead",
                Error = ends == "sent" ? null : "503", NextAttemptAt = ends == "retry" ? at.AddMinutes(5) : null,
            }, Ct));
        }
    }

    private static async Task<Outbox> SeedOutboxAsync(INotificationStore outbox)
    {
        var t = TestData.T0;
        var o = new Outbox(
            await EnqueueAsync(outbox, "sent40", t), await EnqueueAsync(outbox, "sent10", t), await EnqueueAsync(outbox, "retrying", t),
            await EnqueueAsync(outbox, "new", t), await EnqueueAsync(outbox, "dead40", t), await EnqueueAsync(outbox, "dead100", t),
            await EnqueueAsync(outbox, "unwanted40", t));
        await FinishAsync(outbox, o.Dead100d, t, ("slack", "dead"), ("mail", "sent"));
        await FinishAsync(outbox, o.Retrying, t, ("slack", "sent"), ("mail", "retry"));
        await FinishAsync(outbox, o.Sent40d, t.AddDays(60), ("slack", "sent"), ("mail", "sent"));
        await FinishAsync(outbox, o.Dead40d, t.AddDays(60), ("slack", "dead"));
        await FinishAsync(outbox, o.Unwanted40d, t.AddDays(60)); // no channel wanted it
        await FinishAsync(outbox, o.Sent10d, t.AddDays(90), ("slack", "sent"));
        return o;
    }

    /// <summary>The events still in the outbox, by the name they were enqueued under.</summary>
    private static async Task<string[]> RemainingAsync(INotificationStore outbox)
    {
        // Fanned-out events are not listed by the port; enqueueing each key again tells whether its row still exists
        // (and re-adds the purged ones as new, unsent events: call this last).
        var names = new[] { "sent40", "sent10", "retrying", "new", "dead40", "dead100", "unwanted40" };
        var left = new List<string>();
        foreach (var name in names)
        {
            var e = SystemNotifications.ScheduleReminder("RETAIN_" + name, "prod", "slot-" + name, null, TestData.T0);
            if (!await outbox.EnqueueNotificationAsync(e, Ct)) left.Add(name);
        }
        return [.. left];
    }

    [Fact]
    public async Task Retention_removes_old_delivered_and_older_failed_notifications_and_keeps_young_and_pending_ones()
    {
        var store = await IsolatedStoreAsync();
        var outbox = JobStoreFactory.Notifications(store);
        await SeedOutboxAsync(outbox);
        var time = new FakeTimeProvider(TestData.T0.AddDays(100));
        var retention = new NotificationRetention(JobStoreFactory.NotificationRetention(store), NotificationSettings.None, new SecretMasker(), time, NullLogger.Instance);

        // Day 100: delivered 40 d ago (with or without deliveries) go; delivered 10 d ago stays; dead 100 d ago goes, dead 40 d ago stays.
        Assert.Equal(new NotificationPurgeCount(2, 1, 4), await retention.PurgeOnceAsync(Ct));
        Assert.Equal(NotificationPurgeCount.Zero, await retention.PurgeOnceAsync(Ct));

        // Day 200: the rest of the finished ones go; the retrying one (sent to slack, mail still pending) and the one
        // never fanned out stay, however old.
        time.Advance(TimeSpan.FromDays(100));
        Assert.Equal(new NotificationPurgeCount(1, 1, 2), await retention.PurgeOnceAsync(Ct));
        Assert.Equal(["retrying", "new"], await RemainingAsync(outbox));
        var stats = (await outbox.NotificationStatsAsync(Ct)).ToDictionary(s => s.Channel);
        Assert.Equal((1, 0, 0), (stats["mail"].Pending, stats["mail"].Dead, stats["mail"].Sent));
        Assert.Equal((0, 0, 1), (stats["slack"].Pending, stats["slack"].Dead, stats["slack"].Sent));
    }

    [Fact]
    public async Task Retention_limits_follow_the_settings_and_a_dry_run_count_matches_the_purge()
    {
        var store = await IsolatedStoreAsync();
        var outbox = JobStoreFactory.Notifications(store);
        await SeedOutboxAsync(outbox);
        var purge = JobStoreFactory.NotificationRetention(store);
        // retention 5d, failed_retention 35d at day 100: every finished notification qualifies.
        var cutoffs = NotificationRetention.Cutoffs(TestData.T0.AddDays(100), TimeSpan.FromDays(5), TimeSpan.FromDays(35));

        var counted = await purge.CountPurgeableNotificationsAsync(cutoffs, Ct);
        Assert.Equal(new NotificationPurgeCount(3, 2, 6), counted);
        Assert.Equal(counted, await purge.CountPurgeableNotificationsAsync(cutoffs, Ct)); // counting removes nothing

        // Small batches, oldest first, add up to the count.
        var total = NotificationPurgeCount.Zero;
        for (var i = 0; i < 10; i++)
        {
            var batch = await purge.PurgeNotificationsAsync(cutoffs, 2, Ct);
            Assert.True(batch.Events <= 2);
            total = total.Plus(batch);
            if (batch.Events == 0) break;
        }
        Assert.Equal(counted, total);
        Assert.Equal(["retrying", "new"], await RemainingAsync(outbox));
        Assert.Equal(NotificationPurgeCount.Zero, await purge.CountPurgeableNotificationsAsync(cutoffs, Ct));
    }

    [Fact]
    public async Task Retention_runs_at_most_hourly_on_the_time_provider()
    {
        var store = await IsolatedStoreAsync();
        var outbox = JobStoreFactory.Notifications(store);
        var old = await EnqueueAsync(outbox, "sent40", TestData.T0);
        await FinishAsync(outbox, old, TestData.T0, ("slack", "sent"));
        var start = TestData.T0.AddDays(30).AddMinutes(-30);
        var time = new FakeTimeProvider(start);
        var counting = new CountingRetentionStore(JobStoreFactory.NotificationRetention(store));
        var retention = new NotificationRetention(counting, NotificationSettings.None, new SecretMasker(), time, NullLogger.Instance);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(60));
        var run = retention.RunAsync(stop.Token);

        // The first pass runs at once, 30 minutes before the row is 30 days old: it stays.
        while (counting.Calls < 1) await Task.Delay(5, stop.Token);
        Assert.Single(await outbox.NotificationStatsAsync(Ct));
        // The next pass waits for an hour of (fake) time, then removes it.
        while (counting.Calls < 2)
        {
            time.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(5, stop.Token);
        }
        Assert.True(time.GetUtcNow() - start >= NotificationRetention.Interval, $"second pass after {time.GetUtcNow() - start}");
        Assert.Empty(await outbox.NotificationStatsAsync(Ct));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    private sealed class CountingRetentionStore(INotificationRetentionStore inner) : INotificationRetentionStore
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);

        public Task<NotificationPurgeCount> CountPurgeableNotificationsAsync(RetentionCutoffs cutoffs, CancellationToken ct) =>
            inner.CountPurgeableNotificationsAsync(cutoffs, ct);

        public async Task<NotificationPurgeCount> PurgeNotificationsAsync(RetentionCutoffs cutoffs, int limit, CancellationToken ct)
        {
            var result = await inner.PurgeNotificationsAsync(cutoffs, limit, ct);
            Interlocked.Increment(ref _calls);
            return result;
        }
    }
}
