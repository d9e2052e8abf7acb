using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Engine.Tests.Support;

namespace Velvet.Engine.Tests;

public class AbortAndRevocationTests
{
    [Fact]
    public async Task Abort_from_distribute_partial_lists_consumers_holding_new_value_and_the_cleanup()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        h.Apps.For("search").UpdateStatus = 500;
        var job = await h.StartJobAsync();
        var partial = await h.VerifyAndMintAsync(job.JobId);
        Assert.Equal(JobStatus.DistributePartial, partial.Status);

        var aborted = (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.Abort, Actor = "carol", Reason = "vendor outage" })).Unwrap();

        Assert.Equal(JobStatus.Aborted, aborted.Status);
        var r = aborted.Details.Residual!;
        Assert.Equal("distribute_partial", r.AbortedFrom);
        Assert.Equal(["vault", "app-env", "billing"], r.ConsumersWithNewValue);
        Assert.Equal(["search"], r.ConsumersWithOldValue);
        Assert.True(r.NewCredentialExists);
        Assert.Equal(partial.NewCredentialId, r.NewCredentialId);
        Assert.True(r.OldCredentialStillValid);
        Assert.Contains(r.CleanupSteps, s => s.StartsWith("Consumers holding the NEW value: vault, app-env, billing.", StringComparison.Ordinal));
        Assert.Contains(r.CleanupSteps, s => s.StartsWith($"Delete the new credential {partial.NewCredentialId}", StringComparison.Ordinal));
        Assert.Equal(("carol", "vendor outage"), (aborted.Details.AbortedBy, aborted.Details.AbortReason));
        Assert.Null(await h.Store.GetSecretAsync(job.JobId, CancellationToken.None));
        // Persisted with the job, not only returned.
        var stored = (await h.Store.GetJobAsync(job.JobId, CancellationToken.None))!.Details.Residual!;
        Assert.Equal(r.ConsumersWithNewValue, stored.ConsumersWithNewValue);
        Assert.Equal(r.CleanupSteps, stored.CleanupSteps);
    }

    [Fact]
    public async Task Abort_while_distributing_reports_rows_not_yet_finished_as_unknown_and_the_worker_loses_the_race()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        var gate = new TaskCompletionSource();
        h.Apps.For("search").Gate = gate;
        var job = await h.StartJobAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);
        (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "alice" })).Unwrap();
        var run = h.Runner.RunAsync(job.JobId, CancellationToken.None);
        while (Volatile.Read(ref h.Apps.For("search").Updates) == 0) await Task.Delay(10, TestContext.Current.CancellationToken);

        var aborted = (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.Abort, Actor = "carol" })).Unwrap();
        gate.SetResult();
        var final = await run;

        Assert.Equal("distributing", aborted.Details.Residual!.AbortedFrom);
        Assert.Contains("search", aborted.Details.Residual.ConsumersUnknown);
        Assert.DoesNotContain("search", aborted.Details.Residual.ConsumersWithOldValue);
        Assert.Equal(JobStatus.Aborted, final!.Status);
    }

    [Fact]
    public async Task Rows_not_started_when_the_job_is_aborted_are_never_pushed()
    {
        await using var h = await Harness.StartAsync(options: o => o with { PerKindConcurrency = 1 });
        await h.SeedAsync();
        var gate = new TaskCompletionSource();
        h.Apps.For("billing").Gate = gate;
        h.Apps.For("search").Gate = gate;
        var job = await h.StartJobAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);
        (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "alice" })).Unwrap();
        var run = h.Runner.RunAsync(job.JobId, CancellationToken.None);
        int Calls() => Volatile.Read(ref h.Apps.For("billing").Updates) + Volatile.Read(ref h.Apps.For("search").Updates);
        while (Calls() == 0) await Task.Delay(10, TestContext.Current.CancellationToken);

        (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.Abort, Actor = "carol" })).Unwrap();
        await Task.Delay(600, TestContext.Current.CancellationToken); // the runner looks at the job every 250 ms
        gate.SetResult();
        await run;

        Assert.Equal(1, Calls());
        var rows = await h.RowsAsync(job.JobId);
        Assert.Contains(rows, r => r.DistributeStatus == RowStatus.Pending);
    }

    [Fact]
    public async Task Abort_before_anything_happened_says_no_cleanup_is_needed()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        var aborted = (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.Abort, Actor = "carol" })).Unwrap();
        var r = aborted.Details.Residual!;
        Assert.Empty(r.ConsumersWithNewValue);
        Assert.False(r.NewCredentialExists);
        Assert.Contains("The old credential is still valid: consumers with the old value keep working.", r.CleanupSteps);
    }

    [Fact]
    public async Task Second_rotation_while_one_is_in_flight_names_the_existing_job_and_a_new_one_starts_after_abort()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        var first = await h.StartJobAsync();
        var second = await h.Service.StartAsync(new StartRequest { CredentialName = Harness.Cred, Actor = "bob" }, CancellationToken.None);
        var conflict = Assert.IsType<Velvet.Core.Results.ActiveJobExists>(second.Error);
        Assert.Equal(first.JobId, conflict.ExistingJobId);
        Assert.StartsWith("active rotation already in progress: job ", conflict.Message, StringComparison.Ordinal);

        await h.TryActAsync(first.JobId, new ActionRequest { Action = JobAction.Abort, Actor = "bob" });
        Assert.NotEqual(first.JobId, (await h.StartJobAsync()).JobId);
    }

    [Fact]
    public async Task Concurrent_gate_clicks_cannot_both_win()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.Verify, Actor = "x" })));
        Assert.Single(results, r => r.IsOk);
        Assert.Single(await h.EventsAsync(job.JobId), e => e.Kind == "action");
    }

    [Fact]
    public async Task Manual_only_inactive_and_other_env_credentials_are_refused_with_the_way_forward()
    {
        var extra = """
              - token_name: OLD_KEY
                vendor: { kind: generated }
                env: test
                active: false
              - token_name: PROD_KEY
                vendor: { kind: generated }
                env: prod
            """;
        await using var h = await Harness.StartAsync((d, u) => Harness.DefaultManifest(d, u, extraCredential: extra));
        async Task<string> Refusal(string name) =>
            (await h.Service.StartAsync(new StartRequest { CredentialName = name, Actor = "a" }, CancellationToken.None)).Error!.Message;
        Assert.Equal("DEPLOY_TOKEN is manual_only: Velvet does not rotate or revoke it. Follow its runbook: https://runbooks.example/deploy-token", await Refusal("DEPLOY_TOKEN"));
        Assert.Equal("OLD_KEY has active: false in the manifest: fix the manifest first, or rotate it manually per the vendor SOP", await Refusal("OLD_KEY"));
        Assert.Equal("PROD_KEY belongs to env prod, but this Velvet runs with APP_ENV=test; use the prod instance", await Refusal("PROD_KEY"));
        Assert.StartsWith("unknown credential 'NOPE'; this Velvet (env test) knows: API_TOKEN, DEPLOY_TOKEN", await Refusal("NOPE"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revocation_proves_every_consumer_is_refused()
    {
        await using var h = await Harness.StartAsync();
        var leakedValue = await h.SeedAsync();
        var job = await h.StartJobAsync(FlowType.Revocation);
        Assert.Equal(JobStatus.RevInit, job.Status);

        var after = await h.RunToGateAsync(job.JobId);

        // dotenv files cannot refuse anything: they wait for a person; both apps answered 401.
        Assert.Equal(JobStatus.RevValidating, after.Status);
        var rows = (await h.RowsAsync(job.JobId)).ToDictionary(r => r.ConsumerId);
        Assert.Equal(RowStatus.Succeeded, rows["billing"].ValidateStatus);
        Assert.Equal(RowStatus.NeedsConfirm, rows["vault"].ValidateStatus);
        Assert.False(new Velvet.Vendors.Generated.GeneratedCredentialAuthority(h.StateDir).IsAccepted(Harness.Cred, leakedValue.Reveal()));

        await h.ActAsync(job.JobId, JobAction.ManualConfirm, r => r with { ConsumerId = "vault", Reason = "vault entry deleted" });
        var done = await h.ActAsync(job.JobId, JobAction.ManualConfirm, r => r with { ConsumerId = "app-env", Reason = "app redeployed without it" });
        Assert.Equal(JobStatus.RevDone, done.Status);
    }

    [Fact]
    public async Task A_consumer_still_accepting_the_revoked_credential_makes_the_job_rev_leaked_until_revalidated()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        h.Apps.For("search").HealthStatus = 200; // caches the old token
        var job = await h.StartJobAsync(FlowType.Revocation);

        var leaked = await h.RunToGateAsync(job.JobId);

        Assert.Equal(JobStatus.RevLeaked, leaked.Status);
        Assert.Equal(["search"], leaked.Details.LeakedConsumers);
        Assert.Equal(RowStatus.Leaked, (await h.RowsAsync(job.JobId)).Single(r => r.ConsumerId == "search").ValidateStatus);
        Assert.Contains(h.Logs.Lines, l => l.StartsWith("Critical", StringComparison.Ordinal) && l.Contains("rev_leaked consumers=search", StringComparison.Ordinal));
        Assert.Contains(await h.EventsAsync(job.JobId), e => e.ToStatus == "rev_leaked" && e.Detail!.Contains("still accepted by search", StringComparison.Ordinal));
        Assert.Equal([JobAction.Abort, JobAction.Revalidate], RotationStateMachine.AllowedActions(leaked.Status, leaked.Flow));

        h.Apps.For("search").HealthStatus = null; // fixed: restarted without the cached token
        var again = await h.ActAsync(job.JobId, JobAction.Revalidate);
        Assert.Equal(JobStatus.RevValidating, again.Status); // dotenv rows still wait for a person
        Assert.Equal(RowStatus.Succeeded, (await h.RowsAsync(job.JobId)).Single(r => r.ConsumerId == "search").ValidateStatus);
    }

    [Fact]
    public async Task Stuck_jobs_are_those_waiting_on_a_person_or_unchanged_for_five_minutes()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        h.Apps.For("search").UpdateStatus = 500;
        var job = await h.StartJobAsync();
        await h.VerifyAndMintAsync(job.JobId);
        var stuck = await h.Service.ListStuckAsync(CancellationToken.None);
        Assert.Equal("distribute_partial needs an operator", Assert.Single(stuck).Reason);

        var later = (await h.Store.GetJobAsync(job.JobId, CancellationToken.None))! with { Status = JobStatus.Verified, StatusChangedAt = DateTimeOffset.UnixEpoch };
        var found = StuckDetector.Find([later], DateTimeOffset.UnixEpoch.AddMinutes(6), TimeSpan.FromMinutes(5));
        Assert.Equal("no change in verified for 6 min (limit 5 min)", Assert.Single(found).Reason);
        Assert.Empty(StuckDetector.Find([later], DateTimeOffset.UnixEpoch.AddMinutes(4), TimeSpan.FromMinutes(5)));
    }
}
