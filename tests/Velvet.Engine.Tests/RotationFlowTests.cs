using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Results;
using Velvet.Engine.Tests.Support;
using Velvet.Vendors.Generated;

namespace Velvet.Engine.Tests;

public class RotationFlowTests
{
    [Fact]
    public async Task Operational_rotation_reaches_done_with_every_consumer_on_the_new_value_and_the_old_one_revoked()
    {
        await using var h = await Harness.StartAsync();
        var old = await h.SeedAsync();
        var job = await h.StartJobAsync();
        Assert.Equal(JobStatus.Init, job.Status);

        var validated = await h.VerifyAndMintAsync(job.JobId);
        Assert.Equal(JobStatus.Validated, validated.Status);
        var done = await h.ActAsync(job.JobId, JobAction.ProceedRevoke);

        Assert.Equal(JobStatus.Done, done.Status);
        Assert.True(done.Details.OldRevoked);
        Assert.Equal("ROT-2026-11-" + Harness.Cred, done.Details.TicketId);
        Assert.Equal("alice", done.Details.RevokeConfirmedBy);
        var rows = await h.RowsAsync(job.JobId);
        Assert.All(rows, r => Assert.Equal((RowStatus.Succeeded, RowStatus.Succeeded), (r.DistributeStatus, r.ValidateStatus)));
        var authority = new GeneratedCredentialAuthority(h.StateDir);
        Assert.False(authority.IsAccepted(Harness.Cred, old.Reveal()));
        Assert.True(authority.IsAccepted(Harness.Cred, h.Apps.Held("billing")!));
        Assert.Equal(h.Apps.Held("billing"), h.Apps.Held("search"));
        Assert.Null(await h.Store.GetSecretAsync(job.JobId, CancellationToken.None));
    }

    [Fact]
    public async Task Audit_trail_records_every_transition_with_actor_and_from_to_status_in_order()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        await h.VerifyAndMintAsync(job.JobId);
        await h.ActAsync(job.JobId, JobAction.ProceedRevoke);

        var statusPath = (await h.EventsAsync(job.JobId)).Where(e => e.Kind == "status").Select(e => $"{e.FromStatus}>{e.ToStatus}").ToArray();
        Assert.Equal(
            ["init>verifying", "verifying>verified", "verified>minting", "minting>minted", "minted>distributing", "distributing>distributed",
             "distributed>validating", "validating>validated", "validated>revoking", "revoking>done"], statusPath);
        var events = await h.EventsAsync(job.JobId);
        Assert.Equal(events.Select(e => e.Seq).Order(), events.Select(e => e.Seq));
        Assert.Contains(events, e => e is { Kind: "action", Actor: "alice", ToStatus: "revoking" } && e.Detail!.Contains("ticket=ROT-2026-11-", StringComparison.Ordinal));
        Assert.Contains(events, e => e is { Kind: "consumer", ConsumerId: "billing" });
        Assert.All(events, e => Assert.Equal(TimeSpan.Zero, e.At.Offset));
    }

    [Fact]
    public async Task Canonical_store_is_written_first_and_its_failure_stops_the_fan_out()
    {
        await using var h = await Harness.StartAsync((d, u) => Harness.DefaultManifest(d, u).Replace("canonical_consumer: vault", "canonical_consumer: billing", StringComparison.Ordinal));
        await h.SeedAsync();
        h.Apps.For("billing").UpdateStatus = 403;
        var job = await h.StartJobAsync();

        var stopped = await h.VerifyAndMintAsync(job.JobId);

        Assert.Equal(JobStatus.DistributeFailed, stopped.Status);
        var rows = (await h.RowsAsync(job.JobId)).ToDictionary(r => r.ConsumerId);
        Assert.Equal(0, rows["billing"].Ordinal);
        Assert.Equal(RowStatus.Failed, rows["billing"].DistributeStatus);
        Assert.Contains("403", rows["billing"].LastError, StringComparison.Ordinal);
        Assert.All(rows.Values.Where(r => r.ConsumerId != "billing"), r => Assert.Equal(RowStatus.Pending, r.DistributeStatus));
        Assert.Equal(0, h.Apps.For("search").Updates);

        h.Apps.For("billing").UpdateStatus = 204;
        var retried = await h.ActAsync(job.JobId, JobAction.RetryFailed);
        Assert.Equal(JobStatus.Validated, retried.Status);
    }

    [Fact]
    public async Task Transient_errors_are_retried_honouring_retry_after_and_permanent_ones_fail_the_row_at_once()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        h.Apps.For("billing").NextUpdates.Enqueue(503);
        h.Apps.For("billing").NextUpdates.Enqueue(429);
        h.Apps.For("billing").RetryAfter = "0";
        h.Apps.For("search").UpdateStatus = 422;
        var job = await h.StartJobAsync();

        var partial = await h.VerifyAndMintAsync(job.JobId);

        Assert.Equal(JobStatus.DistributePartial, partial.Status);
        var rows = (await h.RowsAsync(job.JobId)).ToDictionary(r => r.ConsumerId);
        Assert.Equal((RowStatus.Succeeded, 3), (rows["billing"].DistributeStatus, rows["billing"].Attempts));
        Assert.Equal((RowStatus.Failed, 1), (rows["search"].DistributeStatus, rows["search"].Attempts));
        Assert.Equal(1, h.Apps.For("search").Updates);
    }

    [Fact]
    public async Task Retry_failed_reruns_only_the_failed_rows()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        h.Apps.For("search").UpdateStatus = 500;
        var job = await h.StartJobAsync();
        Assert.Equal(JobStatus.DistributePartial, (await h.VerifyAndMintAsync(job.JobId)).Status);
        var billingCalls = h.Apps.For("billing").Updates;
        var searchCalls = h.Apps.For("search").Updates;

        h.Apps.For("search").UpdateStatus = 204;
        var after = await h.ActAsync(job.JobId, JobAction.RetryFailed);

        Assert.Equal(JobStatus.Validated, after.Status);
        Assert.Equal(billingCalls, h.Apps.For("billing").Updates);
        Assert.Equal(searchCalls + 1, h.Apps.For("search").Updates);
    }

    [Fact]
    public async Task Manual_confirm_records_who_and_why_and_settles_the_job_when_the_last_row_is_confirmed()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        h.Apps.For("search").UpdateStatus = 500;
        var job = await h.StartJobAsync();
        await h.VerifyAndMintAsync(job.JobId);

        var missingReason = await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ManualConfirm, Actor = "bob", ConsumerId = "search" });
        Assert.Equal("manual_confirm needs a reason: how you verified this consumer (recorded with your name)", missingReason.Error!.Message);
        var confirmed = await h.ActAsync(job.JobId, JobAction.ManualConfirm, r => r with { Actor = "bob", ConsumerId = "search", Reason = "pasted in the vendor console" });

        // search still holds the old value, which stays valid until revoke: its healthcheck passes (ADR-0039 semantics).
        Assert.Equal(JobStatus.Validated, confirmed.Status);
        var row = (await h.RowsAsync(job.JobId)).Single(r => r.ConsumerId == "search");
        Assert.Equal((RowStatus.Confirmed, "bob", "pasted in the vendor console"), (row.DistributeStatus, row.ConfirmedBy, row.ConfirmReason));
        Assert.Contains(await h.EventsAsync(job.JobId), e => e is { Kind: "action", Actor: "bob", ConsumerId: "search" });
    }

    [Fact]
    public async Task Revoke_before_100_percent_is_refused_unless_force_revoke_is_acknowledged_with_a_reason()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        h.Apps.For("search").HealthStatus = 503;
        var job = await h.StartJobAsync();
        Assert.Equal(JobStatus.ValidatePartial, (await h.VerifyAndMintAsync(job.JobId)).Status);

        var refused = await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedRevoke, Actor = "alice", ConfirmCredentialName = Harness.Cred, TicketId = "ROT-2026-1" });
        Assert.IsType<InvalidTransition>(refused.Error);
        var noReason = await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedRevoke, Actor = "alice", ConfirmCredentialName = Harness.Cred, TicketId = "ROT-2026-1", ForceRevoke = true });
        Assert.Equal("reason", Assert.IsType<Invalid>(noReason.Error).Field);

        var done = await h.ActAsync(job.JobId, JobAction.ProceedRevoke, r => r with { ForceRevoke = true, Reason = "search is being decommissioned" });
        Assert.Equal(JobStatus.Done, done.Status);
        Assert.Equal(("alice", "search is being decommissioned"), (done.Details.ForceRevokeBy, done.Details.ForceRevokeReason));
    }

    [Theory]
    [InlineData(null, "ROT-2026-11-X", "confirm_credential_name")]
    [InlineData("api_token", "ROT-2026-11-X", "confirm_credential_name")]
    [InlineData(Harness.Cred, "", "ticket_id")]
    [InlineData(Harness.Cred, "TICKET-1", "ticket_id")]
    [InlineData(Harness.Cred, "ROT-26-1", "ticket_id")]
    public async Task Revoke_gate_needs_the_exact_credential_name_and_a_ROT_ticket(string? typed, string ticket, string field)
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        await h.VerifyAndMintAsync(job.JobId);
        var r = await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedRevoke, Actor = "alice", ConfirmCredentialName = typed, TicketId = ticket });
        Assert.Equal(field, Assert.IsType<Invalid>(r.Error).Field);
        Assert.Equal(JobStatus.Validated, (await h.Store.GetJobAsync(job.JobId, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Consumer_without_healthcheck_needs_a_manual_confirm_and_update_no_verify_is_never_checked()
    {
        var extra = """
              - consumer_id: legacy
                token_name: API_TOKEN
                kind: http
                capabilities: [update, update_no_verify]
                update_endpoint: URL/config/legacy
                update_auth_token_name: DEPLOY_TOKEN
            """;
        await using var h = await Harness.StartAsync((d, u) => Harness.DefaultManifest(d, u, extraConsumers: extra.Replace("URL", u, StringComparison.Ordinal)));
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        Assert.Equal(JobStatus.ValidatePartial, (await h.VerifyAndMintAsync(job.JobId)).Status);
        var legacy = (await h.RowsAsync(job.JobId)).Single(r => r.ConsumerId == "legacy");
        Assert.Equal(RowStatus.NeedsConfirm, legacy.ValidateStatus);
        Assert.Equal(0, h.Apps.For("legacy").HealthChecks);

        var settled = await h.ActAsync(job.JobId, JobAction.ManualConfirm, r => r with { ConsumerId = "legacy", Reason = "restarted legacy, login works" });
        Assert.Equal(JobStatus.Validated, settled.Status);
    }

    [Fact]
    public async Task Testing_flow_probes_and_changes_nothing()
    {
        await using var h = await Harness.StartAsync();
        await h.SeedAsync();
        var before = await File.ReadAllTextAsync(Path.Combine(h.Dir, "app.env"), TestContext.Current.CancellationToken);
        var stateBefore = Directory.GetFiles(h.StateDir).Select(File.ReadAllText).ToArray();
        var job = await h.StartJobAsync(FlowType.Testing);

        var done = await h.RunToGateAsync(job.JobId);

        Assert.Equal(JobStatus.Done, done.Status);
        Assert.Null(done.NewCredentialId);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(h.Dir, "app.env"), TestContext.Current.CancellationToken));
        Assert.Equal(stateBefore, Directory.GetFiles(h.StateDir).Select(File.ReadAllText).ToArray());
        Assert.Equal(0, h.Apps.For("billing").Updates);
        Assert.All(await h.RowsAsync(job.JobId), r => Assert.Equal(RowStatus.Pending, r.DistributeStatus));
    }

    [Fact]
    public async Task Verify_failure_leaves_the_credential_untouched_and_can_be_retried()
    {
        await using var h = await Harness.StartAsync();
        var job = await h.StartJobAsync(); // nothing seeded: the vendor knows no current credential
        var failed = await h.ActAsync(job.JobId, JobAction.Verify);
        Assert.Equal(JobStatus.VerifyFailed, failed.Status);
        Assert.Contains("verify failed", failed.LastError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(h.Dir, "app.env")));

        await h.SeedAsync();
        Assert.Equal(JobStatus.Verified, (await h.ActAsync(job.JobId, JobAction.Verify)).Status);
    }

    [Fact]
    public async Task Per_kind_concurrency_limit_caps_parallel_calls()
    {
        var many = string.Concat(Enumerable.Range(0, 24).Select(i => $"""

              - consumer_id: app{i}
                token_name: API_TOKEN
                kind: http
                update_endpoint: URL/config/app{i}
                update_auth_token_name: DEPLOY_TOKEN
                healthcheck_endpoint: URL/health/app{i}
            """));
        await using var h = await Harness.StartAsync((d, u) => Harness.DefaultManifest(d, u, extraConsumers: many.Replace("URL", u, StringComparison.Ordinal)),
            o => o with { PerKindConcurrency = 4 });
        await h.SeedAsync();
        h.Apps.Latency = TimeSpan.FromMilliseconds(30);
        var job = await h.StartJobAsync();
        Assert.Equal(JobStatus.Validated, (await h.VerifyAndMintAsync(job.JobId)).Status);
        Assert.InRange(h.Apps.MaxInFlight, 2, 4);
    }
}
