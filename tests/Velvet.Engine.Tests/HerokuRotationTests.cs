using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;
using Velvet.Vendors.Tests.Heroku;

namespace Velvet.Engine.Tests;

/// <summary>A heroku-token credential rotated by the real engine to heroku-config-var consumers on the local Heroku fake.</summary>
public sealed class HerokuRotationTests : IAsyncLifetime
{
    private const string Cred = "HK_PLATFORM_FULL";
    private const string OldToken = "HRKU-old-engine-canary-0a1b2c";
    private const string BootstrapToken = "HRKU-bootstrap-engine-canary-3d4e";
    private const string DatabaseCanary = "postgres://owner:engine-db-canary-5f6a@ec2-9-9-9-9.compute-1.amazonaws.com:5432/d1";
    private static readonly string[] Apps = ["raxx-api-prod", "raxx-console-prod"];
    private HerokuFake _fake = null!;
    private string _oldId = "";

    public async ValueTask InitializeAsync()
    {
        _fake = await HerokuFake.StartAsync();
        _oldId = _fake.AddToken(OldToken);
        _fake.AddToken(BootstrapToken, "velvet bootstrap");
        foreach (var app in Apps)
            _fake.AddApp(app, new Dictionary<string, string> { ["HEROKU_API_KEY"] = OldToken, ["DATABASE_URL"] = DatabaseCanary });
    }

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private string Manifest() => $$"""
        version: 1
        credentials:
          - token_name: {{Cred}}
            vendor: { kind: heroku-token, settings: { base_url: "{{_fake.BaseUrl}}", scopes: global, authorization_id: {{_oldId}} } }
            env: test
          - token_name: HK_VELVET_BOOTSTRAP
            vendor: { kind: generated }
            mode: manual_only
            env: test
            runbook_url: https://runbooks.example/hk-velvet-bootstrap
        consumers:
        {{string.Concat(Apps.Select(app => $$"""
          - consumer_id: heroku-config-{{app}}
            token_name: {{Cred}}
            kind: heroku-config-var
            update_auth_token_name: HK_VELVET_BOOTSTRAP
            settings: { app: {{app}}, key: HEROKU_API_KEY, base_url: "{{_fake.BaseUrl}}" }

        """))}}
        """;

    private async Task<Harness> StartAsync(Func<Core.Ports.IAdapterCatalog, Core.Ports.IAdapterCatalog>? wrap = null)
    {
        var h = await Harness.StartAsync((_, _) => Manifest(), wrap: wrap);
        h.Secrets.Set(Cred, new SecretValue(OldToken));
        h.Secrets.Set("HK_VELVET_BOOTSTRAP", new SecretValue(BootstrapToken));
        return h;
    }

    private static Task<RotationJob> RevokeAsync(Harness h, Guid job) =>
        h.ActAsync(job, JobAction.ProceedRevoke, r => r with { ConfirmCredentialName = Cred, TicketId = "ROT-2026-11-HK" });

    [Fact]
    public async Task A_platform_token_rotates_through_every_stage_to_done_and_the_old_one_is_revoked_with_the_new()
    {
        await using var h = await StartAsync();
        var job = await h.StartJobAsync(credential: Cred);

        var validated = await h.VerifyAndMintAsync(job.JobId);
        Assert.Equal(JobStatus.Validated, validated.Status);
        var done = await RevokeAsync(h, job.JobId);

        Assert.Equal(JobStatus.Done, done.Status);
        Assert.Equal(_oldId, done.OldCredentialId);
        // Authorization ids are not secrets: the audit trail keeps them readable for a manual revoke.
        Assert.Contains(await h.EventsAsync(job.JobId), e => e.Detail == $"revoked {_oldId}");
        var minted = _fake.Authorizations.Single(a => a.Id == done.NewCredentialId);
        Assert.Equal($"{Cred} velvet-job-{job.JobId}", minted.Description);
        Assert.All(Apps, app => Assert.Equal(minted.Token, _fake.ConfigVar(app, "HEROKU_API_KEY")));
        Assert.All(Apps, app => Assert.Equal(DatabaseCanary, _fake.ConfigVar(app, "DATABASE_URL")));
        Assert.False(_fake.IsValid(OldToken));
        Assert.True(_fake.IsValid(minted.Token));
        var delete = Assert.Single(_fake.Server.RequestsTo("DELETE"));
        Assert.Equal("Bearer " + new SecretValue(minted.Token).Fingerprint, delete.Headers["Authorization"]);
        Assert.All(_fake.Server.RequestsTo("PATCH"), p => Assert.Equal(["HEROKU_API_KEY"], p.BodyKeys));
        Assert.Single(_fake.Server.RequestsTo("POST", "/oauth/authorizations"));
        Assert.All(await h.RowsAsync(job.JobId), r => Assert.Equal((RowStatus.Succeeded, RowStatus.Succeeded), (r.DistributeStatus, r.ValidateStatus)));
        var path = (await h.EventsAsync(job.JobId)).Where(e => e.Kind == "status").Select(e => $"{e.FromStatus}>{e.ToStatus}");
        Assert.Equal(["init>verifying", "verifying>verified", "verified>minting", "minting>minted", "minted>distributing", "distributing>distributed",
            "distributed>validating", "validating>validated", "validated>revoking", "revoking>done"], path);
        // Tokens and the other config vars Heroku echoed.
        await h.AssertNoCanaryAsync(job.JobId, OldToken, BootstrapToken, DatabaseCanary, minted.Token);
    }

    [Fact]
    public async Task A_deleted_app_is_skipped_with_its_reason_and_the_rotation_still_completes()
    {
        _fake.DeleteApp("raxx-console-prod");
        await using var h = await StartAsync();
        var job = await h.StartJobAsync(credential: Cred);

        var validated = await h.VerifyAndMintAsync(job.JobId);
        var done = await RevokeAsync(h, job.JobId);

        Assert.Equal(JobStatus.Validated, validated.Status);
        Assert.Equal(JobStatus.Done, done.Status);
        var rows = (await h.RowsAsync(job.JobId)).ToDictionary(r => r.ConsumerId);
        var skipped = rows["heroku-config-raxx-console-prod"];
        Assert.Equal((RowStatus.Skipped, RowStatus.Skipped), (skipped.DistributeStatus, skipped.ValidateStatus));
        Assert.StartsWith("app raxx-console-prod not found at Heroku (404): deleted or renamed. Row skipped", skipped.LastError, StringComparison.Ordinal);
        Assert.Equal(RowStatus.Succeeded, rows["heroku-config-raxx-api-prod"].ValidateStatus);
        var events = (await h.EventsAsync(job.JobId)).Where(e => e.ConsumerId == "heroku-config-raxx-console-prod").Select(e => e.Detail).ToList();
        Assert.Contains(events, d => d!.StartsWith("distribute=skipped validate=pending: distribute skipped: app raxx-console-prod not found at Heroku (404)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_crash_after_heroku_minted_but_before_the_token_was_sealed_replaces_that_authorization_once()
    {
        using var kill = new CancellationTokenSource();
        CrashingCatalog? crashing = null;
        await using var h = await StartAsync(c => crashing ??= new CrashingCatalog(c, kill, MintCrash.AfterVendorCall));
        var job = await h.StartJobAsync(credential: Cred);
        await h.ActAsync(job.JobId, JobAction.Verify);
        (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "alice" })).Unwrap();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Runner.RunAsync(job.JobId, kill.Token));
        Assert.Null(await h.Store.GetSecretAsync(job.JobId, CancellationToken.None)); // Heroku showed the token once; it was lost
        var lost = Assert.Single(_fake.Authorizations, a => a.Description == $"{Cred} velvet-job-{job.JobId}");
        await h.Restart();
        using var worker = new JobWorker(h.Service, h.Runner, NullLogger<JobWorker>.Instance, TimeProvider.System);
        await worker.ResumeAllAsync(CancellationToken.None);

        var resumed = (await h.Store.GetJobAsync(job.JobId, CancellationToken.None))!;
        Assert.Equal(JobStatus.Validated, resumed.Status);
        var kept = Assert.Single(_fake.Authorizations, a => a.Description == $"{Cred} velvet-job-{job.JobId}");
        Assert.NotEqual(lost.Id, kept.Id);
        Assert.False(_fake.IsValid(lost.Token));
        Assert.Equal(kept.Id, resumed.NewCredentialId);
        Assert.All(Apps, app => Assert.Equal(kept.Token, _fake.ConfigVar(app, "HEROKU_API_KEY")));
        Assert.Equal(2, crashing!.MintCalls);
    }

    [Fact]
    public async Task An_invalid_old_token_fails_verify_and_mints_nothing()
    {
        await using var h = await StartAsync();
        h.Secrets.Set(Cred, new SecretValue("HRKU-drifted-engine-canary-77"));
        var job = await h.StartJobAsync(credential: Cred);

        var failed = await h.ActAsync(job.JobId, JobAction.Verify);

        Assert.Equal(JobStatus.VerifyFailed, failed.Status);
        Assert.StartsWith("verify failed: HTTP 401 old token invalid: Heroku refuses the current token of HK_PLATFORM_FULL", failed.LastError, StringComparison.Ordinal);
        Assert.Empty(_fake.Server.RequestsTo("POST"));
        Assert.Empty(_fake.Server.RequestsTo("PATCH"));
    }
}
