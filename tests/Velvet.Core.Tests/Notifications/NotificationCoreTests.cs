using Velvet.Core.Jobs;
using Velvet.Core.Notifications;
using Velvet.Core.Secrets;

namespace Velvet.Core.Tests.Notifications;

public class NotificationCoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 4, 0, 0, TimeSpan.Zero);

    private static RotationJob Job(JobStatus status, DateTimeOffset? changed = null) => new()
    {
        JobId = Guid.Parse("0193a0c4-2222-7000-8000-000000000002"), CredentialName = "RAPTOR_APP_DATABASE_URL", Env = "prod",
        Flow = status.Name().StartsWith("rev_", StringComparison.Ordinal) ? FlowType.Revocation : FlowType.Operational,
        Status = status, CreatedBy = "alice", CreatedAt = T0, UpdatedAt = T0, StatusChangedAt = changed ?? T0,
    };

    [Theory]
    [InlineData(JobStatus.Done, "done")]
    [InlineData(JobStatus.RevDone, "done")]
    [InlineData(JobStatus.Aborted, "aborted")]
    [InlineData(JobStatus.RevLeaked, "rev_leaked")]
    [InlineData(JobStatus.VerifyFailed, "verify_failed")]
    [InlineData(JobStatus.Distributing, null)]
    [InlineData(JobStatus.RevokeFailed, null)]
    public void Only_the_notified_statuses_raise_an_event(JobStatus status, string? kind) =>
        Assert.Equal(kind, NotificationEvent.ForTransition(Job(status), T0)?.Kind);

    [Fact]
    public void The_key_is_per_job_event_status_and_visit()
    {
        var first = NotificationEvent.Stuck(Job(JobStatus.DistributePartial), "needs an operator", T0);
        var sameVisitLater = NotificationEvent.Stuck(Job(JobStatus.DistributePartial), "needs an operator", T0.AddMinutes(9));
        var nextVisit = NotificationEvent.Stuck(Job(JobStatus.DistributePartial, T0.AddHours(1)), "needs an operator", T0.AddHours(1));

        Assert.Equal(first.EventKey, sameVisitLater.EventKey);
        Assert.NotEqual(first.EventKey, nextVisit.EventKey);
        Assert.StartsWith("0193a0c4-2222-7000-8000-000000000002:stuck:distribute_partial:", first.EventKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Backoff_doubles_up_to_the_cap_keeps_at_least_half_and_honours_retry_after()
    {
        var b = TimeSpan.FromSeconds(5);
        var max = TimeSpan.FromMinutes(15);
        Assert.Equal(TimeSpan.FromSeconds(5), Backoff.After(1, b, max, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(2.5), Backoff.After(1, b, max, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(40), Backoff.After(4, b, max, 1.0));
        Assert.Equal(max, Backoff.After(40, b, max, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(30), Backoff.After(1, b, max, 0.5, retryAfter: TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(20), Backoff.After(3, b, max, 1.0, retryAfter: TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_poll_interval_that_cannot_keep_the_30_second_promise_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DispatcherOptions { Owner = "r1", PollInterval = TimeSpan.FromSeconds(15) }.Validate());

        Assert.Contains("rev_leaked must reach every channel within 30 s", ex.Message, StringComparison.Ordinal);
        new DispatcherOptions { Owner = "r1" }.Validate();
    }

    [Fact]
    public void Messages_are_built_from_metadata_and_masked()
    {
        const string canary = "MSG-CANARY-91aa04-secret";
        var masker = new SecretMasker();
        masker.Register(canary);
        var job = Job(JobStatus.Aborted) with
        {
            LastError = canary, NewValueFingerprint = canary,
            Details = new JobDetails
            {
                AbortReason = canary,
                Residual = new ResidualReport
                {
                    AbortedFrom = "distribute_partial", ConsumersWithNewValue = ["vault", "api"], ConsumersWithOldValue = [], ConsumersUnknown = [],
                    NewCredentialExists = true, OldCredentialStillValid = true, CleanupSteps = [canary],
                },
            },
        };
        var e = NotificationEvent.ForTransition(job, T0)! with { Reason = "x " + canary };

        var json = NotificationMessage.For(e, job, masker).ToJson();

        Assert.DoesNotContain(canary, json, StringComparison.Ordinal);
        Assert.Contains("RAPTOR_APP_DATABASE_URL: rotation aborted", json, StringComparison.Ordinal);
        Assert.Contains("from distribute_partial: 2 consumer(s) hold the new value, old credential still valid: yes", json, StringComparison.Ordinal);
        Assert.Equal(NotificationMessage.FromJson(json).ToJson(), json);
    }
}
