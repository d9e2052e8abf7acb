using Velvet.Core.Jobs;

namespace Velvet.Store.Tests;

public abstract partial class JobStoreContract
{
    [Fact]
    public async Task Create_then_get_round_trips_every_field()
    {
        var store = await StoreAsync();
        var job = TestData.Job(TestData.Credential(), env: "staging", key: "kickoff-1", flow: FlowType.Revocation) with
        {
            ForceRevoke = true,
            StatusChangedAt = TestData.T0.AddMinutes(1),
            UpdatedAt = TestData.T0.AddMinutes(2),
            OldCredentialId = "old-123",
            NewCredentialId = "new-456",
            NewValueFingerprint = "sha256:abcd",
            LastError = "scrubbed error",
            Details = new JobDetails
            {
                TicketId = "OPS-1",
                ForceRevokeBy = "bob",
                MintIntentAt = TestData.T0.AddSeconds(30),
                OldRevoked = true,
                Residual = new ResidualReport
                {
                    AbortedFrom = "distribute_partial",
                    ConsumersWithNewValue = ["a"],
                    ConsumersWithOldValue = ["b", "c"],
                    ConsumersUnknown = [],
                    NewCredentialExists = true,
                    NewCredentialId = "new-456",
                    OldCredentialStillValid = false,
                    CleanupSteps = ["revoke new-456"],
                },
            },
        };
        var created = await CreatedAsync(store, job);
        var read = await store.GetJobAsync(job.JobId, Ct);

        Assert.NotNull(read);
        AssertSameJob(created, read);
        AssertSameJob(job, read);
        Assert.Equal(job.CredentialName, read.CredentialName);
        Assert.Equal("staging", read.Env);
        Assert.Equal(FlowType.Revocation, read.Flow);
        Assert.Equal(JobStatus.Init, read.Status);
        Assert.Equal("kickoff-1", read.IdempotencyKey);
        Assert.True(read.ForceRevoke);
        Assert.Equal(TestData.T0, read.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
        Assert.Equal(TestData.T0.AddMinutes(2), read.UpdatedAt);
        Assert.Equal(TestData.T0.AddMinutes(1), read.StatusChangedAt);
        Assert.Equal("old-123", read.OldCredentialId);
        Assert.Equal("new-456", read.NewCredentialId);
        Assert.Equal("sha256:abcd", read.NewValueFingerprint);
        Assert.Equal("scrubbed error", read.LastError);
        Assert.Equal("OPS-1", read.Details.TicketId);
        Assert.Equal(TestData.T0.AddSeconds(30), read.Details.MintIntentAt);
        Assert.NotNull(read.Details.Residual);
        Assert.Equal(["b", "c"], read.Details.Residual.ConsumersWithOldValue);
        Assert.Equal(["revoke new-456"], read.Details.Residual.CleanupSteps);
        Assert.Null(read.LeaseOwner);
        Assert.Null(read.LeaseUntil);
        Assert.Null(await store.GetJobAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task Non_utc_offsets_are_stored_as_the_same_instant_in_utc()
    {
        var store = await StoreAsync();
        var local = TestData.T0.ToOffset(TimeSpan.FromHours(2));
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential(), at: local));
        Assert.Equal(TestData.T0, job.CreatedAt);
        Assert.Equal(TimeSpan.Zero, job.CreatedAt.Offset);
    }

    [Fact]
    public async Task Consumer_rows_round_trip_in_manifest_order()
    {
        var store = await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()), consumers: 3);
        var rows = await store.GetConsumerRowsAsync(job.JobId, Ct);
        Assert.Equal(["consumer-0000", "consumer-0001", "consumer-0002"], rows.Select(r => r.ConsumerId));
        Assert.True(rows[0].IsCanonical);
        Assert.Equal("ssm", rows[0].Kind);
        Assert.All(rows, r => Assert.Equal(RowStatus.Pending, r.DistributeStatus));

        var changed = rows[1] with
        {
            DistributeStatus = RowStatus.Succeeded,
            ValidateStatus = RowStatus.NeedsConfirm,
            Attempts = 2,
            LastError = "timeout",
            WrittenFingerprint = "hmac:1",
            WrittenAt = TestData.T0.AddSeconds(4),
            ConfirmedBy = "carol",
            ConfirmReason = "checked by hand",
            UpdatedAt = TestData.T0.AddSeconds(5),
        };
        await store.UpdateConsumerRowsAsync([changed], [], Ct);
        var after = await store.GetConsumerRowsAsync(job.JobId, Ct);
        Assert.Equal(changed, after[1]);
        Assert.Equal(rows[0], after[0]);
        Assert.Empty(await store.GetConsumerRowsAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task List_is_newest_first_with_limit_and_filters()
    {
        var store = await StoreAsync();
        var cred = TestData.Credential();
        var oldest = await CreatedAsync(store, TestData.Job(cred, env: "e1", at: TestData.T0));
        var middle = await CreatedAsync(store, TestData.Job(cred, env: "e2", at: TestData.T0.AddMinutes(1)));
        var newest = await CreatedAsync(store, TestData.Job(cred, env: "e3", at: TestData.T0.AddMinutes(2)));
        await MoveAsync(store, middle, JobStatus.Aborted);

        var all = await store.ListJobsAsync(new JobQuery { CredentialName = cred }, Ct);
        Assert.Equal([newest.JobId, middle.JobId, oldest.JobId], all.Select(j => j.JobId));

        var two = await store.ListJobsAsync(new JobQuery { CredentialName = cred, Limit = 2 }, Ct);
        Assert.Equal([newest.JobId, middle.JobId], two.Select(j => j.JobId));

        var active = await store.ListJobsAsync(new JobQuery { CredentialName = cred, NonTerminalOnly = true }, Ct);
        Assert.Equal([newest.JobId, oldest.JobId], active.Select(j => j.JobId));

        var everyone = await store.ListJobsAsync(new JobQuery { Limit = 1000 }, Ct);
        Assert.Contains(everyone, j => j.JobId == oldest.JobId);
        Assert.True(everyone.Zip(everyone.Skip(1)).All(p => p.First.CreatedAt >= p.Second.CreatedAt), "not newest first");
    }

    [Fact]
    public async Task Events_come_back_in_order_with_increasing_seq_and_resume_after_a_seq()
    {
        var store = await StoreAsync();
        var job = await CreatedAsync(store, TestData.Job(TestData.Credential()));
        await store.UpdateConsumerRowsAsync([], [TestData.Note(job.JobId, "one"), TestData.Note(job.JobId, "two", consumer: "consumer-0001")], Ct);
        var moved = await store.UpdateJobAsync(TestData.Moved(job, JobStatus.Verifying, TimeSpan.FromSeconds(1)), [],
            [new JobEvent { JobId = job.JobId, At = TestData.T0.AddSeconds(1), Actor = "alice", Kind = "status", FromStatus = "init", ToStatus = "verifying" }], Ct);
        Assert.True(moved.IsOk);

        var events = await store.GetEventsAsync(job.JobId, 0, Ct);
        Assert.Equal(["created", "note", "consumer", "status"], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.True(e.Seq > 0));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Seq < p.Second.Seq), "seq not increasing");
        Assert.Equal("consumer-0001", events[2].ConsumerId);
        Assert.Equal("verifying", events[3].ToStatus);
        Assert.Equal(TestData.T0.AddSeconds(1), events[3].At);

        var resumed = await store.GetEventsAsync(job.JobId, events[1].Seq, Ct);
        Assert.Equal(events.Skip(2), resumed);
        Assert.Empty(await store.GetEventsAsync(job.JobId, events[^1].Seq, Ct));
    }
}
