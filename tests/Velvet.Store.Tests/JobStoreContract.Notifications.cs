using Velvet.Core.Jobs;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;

namespace Velvet.Store.Tests;

/// <summary>The notification outbox: enqueued with the transition, fanned out once, claimed under a lease, retried, dead.</summary>
public abstract partial class JobStoreContract
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    /// <summary>A job moved to <paramref name="to"/> through UpdateJobAsync (leaked consumers recorded for rev_leaked).</summary>
    protected static async Task<RotationJob> MovedAsync(IJobStore store, JobStatus to, DateTimeOffset at, FlowType flow = FlowType.Revocation)
    {
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential(), flow: flow));
        var updated = job with
        {
            Status = to, UpdatedAt = at, StatusChangedAt = at,
            Details = job.Details with { LeakedConsumers = to == JobStatus.RevLeaked ? ["consumer-0001"] : [] },
        };
        var result = await store.UpdateJobAsync(updated, [], [], Ct);
        Assert.True(result.IsOk, result.Error?.Message);
        return result.Value;
    }

    [Fact]
    public async Task Outbox_a_notified_transition_is_enqueued_with_the_job_update_once()
    {
        var store = await IsolatedStoreAsync();
        var outbox = JobStoreFactory.Notifications(store);
        var job = await MovedAsync(store, JobStatus.RevLeaked, TestData.T0.AddSeconds(1));

        // Rewriting the job in the same status (a row change, a note) raises nothing new.
        var again = await store.UpdateJobAsync(job with { UpdatedAt = TestData.T0.AddSeconds(2) }, [], [], Ct);
        Assert.True(again.IsOk);

        var pending = await outbox.PendingFanOutAsync(10, Ct);
        var e = Assert.Single(pending);
        Assert.Equal(NotificationKinds.RevLeaked, e.Kind);
        Assert.Equal(job.JobId, e.JobId);
        Assert.Equal(job.CredentialName, e.CredentialName);
        Assert.Equal("rev_leaked", e.Status);
        Assert.Equal(NotificationEvent.Key(job.JobId, "rev_leaked", "rev_leaked", job.StatusChangedAt), e.EventKey);
        Assert.Equal(TestData.T0.AddSeconds(1), e.CreatedAt);
    }

    [Fact]
    public async Task Outbox_a_status_that_is_not_notified_enqueues_nothing_and_a_failed_update_enqueues_nothing()
    {
        var store = await IsolatedStoreAsync();
        var outbox = JobStoreFactory.Notifications(store);
        var job = await MovedAsync(store, JobStatus.Verifying, TestData.T0.AddSeconds(1), FlowType.Operational);
        // A stale version loses: its transition did not happen, so neither does its notification.
        var stale = await store.UpdateJobAsync(job with { Version = job.Version - 1, Status = JobStatus.Aborted }, [], [], Ct);
        Assert.False(stale.IsOk);

        Assert.Empty(await outbox.PendingFanOutAsync(10, Ct));
    }

    [Fact]
    public async Task Outbox_enqueue_is_idempotent_by_key()
    {
        var store = await IsolatedStoreAsync();
        var outbox = JobStoreFactory.Notifications(store);
        var job = await MovedAsync(store, JobStatus.DistributePartial, TestData.T0.AddSeconds(1), FlowType.Operational);
        var stuck = NotificationEvent.Stuck(job, "distribute_partial needs an operator", TestData.T0.AddMinutes(1));

        Assert.True(await outbox.EnqueueNotificationAsync(stuck, Ct));
        Assert.False(await outbox.EnqueueNotificationAsync(stuck with { CreatedAt = TestData.T0.AddMinutes(2) }, Ct));
        Assert.Single(await outbox.PendingFanOutAsync(10, Ct));
    }

    [Fact]
    public async Task Outbox_fan_out_once_then_claim_lease_retry_and_dead()
    {
        var store = await IsolatedStoreAsync();
        var outbox = JobStoreFactory.Notifications(store);
        await MovedAsync(store, JobStatus.RevLeaked, TestData.T0);
        var e = Assert.Single(await outbox.PendingFanOutAsync(10, Ct));
        var t = TestData.T0.AddSeconds(5);

        await outbox.FanOutAsync(e.Id, [new NewDelivery("slack", "{\"m\":1}"), new NewDelivery("mail", "{\"m\":1}")], t, Ct);
        // A second fan-out (another replica that read the event too) adds nothing.
        await outbox.FanOutAsync(e.Id, [new NewDelivery("slack", "{\"m\":2}"), new NewDelivery("hook", "{\"m\":2}")], t, Ct);
        Assert.Empty(await outbox.PendingFanOutAsync(10, Ct));

        var claimed = await outbox.ClaimDeliveriesAsync("a", t, t + Lease, 10, Ct);
        Assert.Equal(["mail", "slack"], claimed.Select(d => d.Channel).Order());
        Assert.All(claimed, d => Assert.Equal("{\"m\":1}", d.MessageJson));
        Assert.Empty(await outbox.ClaimDeliveriesAsync("b", t, t + Lease, 10, Ct));

        var slack = claimed.Single(d => d.Channel == "slack");
        var mail = claimed.Single(d => d.Channel == "mail");
        Assert.False(await outbox.CompleteDeliveryAsync(new DeliveryAttempt { Id = slack.Id, Owner = "b", At = t, Sent = true }, Ct));
        Assert.True(await outbox.CompleteDeliveryAsync(new DeliveryAttempt { Id = slack.Id, Owner = "a", At = t, Sent = true }, Ct));
        Assert.True(await outbox.CompleteDeliveryAsync(new DeliveryAttempt
        {
            Id = mail.Id, Owner = "a", At = t, Error = "SMTP 451", NextAttemptAt = t.AddSeconds(10),
        }, Ct));

        Assert.Empty(await outbox.ClaimDeliveriesAsync("b", t.AddSeconds(9), t.AddSeconds(9) + Lease, 10, Ct));
        var retry = Assert.Single(await outbox.ClaimDeliveriesAsync("b", t.AddSeconds(10), t.AddSeconds(10) + Lease, 10, Ct));
        Assert.Equal(1, retry.Attempts);
        Assert.True(await outbox.CompleteDeliveryAsync(new DeliveryAttempt { Id = mail.Id, Owner = "b", At = t.AddSeconds(11), Dead = true, Error = "SMTP 550" }, Ct));
        Assert.Empty(await outbox.ClaimDeliveriesAsync("c", t.AddDays(1), t.AddDays(1) + Lease, 10, Ct));

        var stats = (await outbox.NotificationStatsAsync(Ct)).ToDictionary(s => s.Channel);
        Assert.Equal((0, 1, 0), (stats["mail"].Pending, stats["mail"].Dead, stats["mail"].Sent));
        Assert.Equal("SMTP 550", stats["mail"].LastError);
        Assert.Equal(t.AddSeconds(11), stats["mail"].LastFailedAt);
        Assert.True(stats["mail"].Failing);
        Assert.Equal((0, 0, 1), (stats["slack"].Pending, stats["slack"].Dead, stats["slack"].Sent));
        Assert.Equal(t, stats["slack"].LastSentAt);
        Assert.False(stats["slack"].Failing);
    }

    [Fact]
    public async Task Outbox_an_expired_lease_lets_another_replica_claim_and_the_late_owner_cannot_complete()
    {
        var store = await IsolatedStoreAsync();
        var outbox = JobStoreFactory.Notifications(store);
        await MovedAsync(store, JobStatus.Aborted, TestData.T0, FlowType.Operational);
        var e = Assert.Single(await outbox.PendingFanOutAsync(10, Ct));
        await outbox.FanOutAsync(e.Id, [new NewDelivery("hook", "{}")], TestData.T0, Ct);

        var first = Assert.Single(await outbox.ClaimDeliveriesAsync("a", TestData.T0, TestData.T0 + Lease, 10, Ct));
        Assert.Empty(await outbox.ClaimDeliveriesAsync("b", TestData.T0 + Lease - TimeSpan.FromSeconds(1), TestData.T0 + Lease * 2, 10, Ct));
        var second = Assert.Single(await outbox.ClaimDeliveriesAsync("b", TestData.T0 + Lease, TestData.T0 + Lease * 2, 10, Ct));
        Assert.Equal(first.Id, second.Id);

        Assert.False(await outbox.CompleteDeliveryAsync(new DeliveryAttempt { Id = first.Id, Owner = "a", At = TestData.T0 + Lease, Sent = true }, Ct));
        Assert.True(await outbox.CompleteDeliveryAsync(new DeliveryAttempt { Id = first.Id, Owner = "b", At = TestData.T0 + Lease, Sent = true }, Ct));
    }

    [Fact]
    public async Task Outbox_sev1_is_fanned_out_and_claimed_first()
    {
        var store = await IsolatedStoreAsync();
        var outbox = JobStoreFactory.Notifications(store);
        await MovedAsync(store, JobStatus.Done, TestData.T0, FlowType.Operational);
        var leak = await MovedAsync(store, JobStatus.RevLeaked, TestData.T0.AddSeconds(1));

        var pending = await outbox.PendingFanOutAsync(10, Ct);
        Assert.Equal(leak.JobId, pending[0].JobId);
        foreach (var e in pending) await outbox.FanOutAsync(e.Id, [new NewDelivery("hook", e.Kind)], TestData.T0.AddSeconds(2), Ct);
        var first = Assert.Single(await outbox.ClaimDeliveriesAsync("a", TestData.T0.AddSeconds(2), TestData.T0.AddSeconds(60), 1, Ct));
        Assert.Equal("rev_leaked", first.MessageJson);
    }
}
