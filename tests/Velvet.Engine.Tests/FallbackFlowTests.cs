using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;
using Velvet.Store;
using Velvet.Vendors.Tests.Heroku;

namespace Velvet.Engine.Tests;

/// <summary>
/// The log's "vault unreachable → SSM" case: the canonical store refuses the write (403), the value goes to the
/// fallback, a follow-up stays open, and revoke waits for it until the read-back proves the vault holds the value.
/// The vault is a Heroku config var on the fake (it can be read back); the standby is a dotenv file standing in for SSM.
/// </summary>
public sealed class FallbackFlowTests : IAsyncLifetime
{
    private const string Vault = "raxx-vault-proxy";
    private const string HkToken = "HRKU-fallback-canary-4c5d6e";
    private HerokuFake _heroku = null!;

    public async ValueTask InitializeAsync()
    {
        _heroku = await HerokuFake.StartAsync();
        _heroku.AddToken(HkToken, "velvet bootstrap");
        _heroku.AddApp(Vault, new Dictionary<string, string>());
    }

    public async ValueTask DisposeAsync() => await _heroku.DisposeAsync();

    private string Manifest(string dir) => $$"""
        version: 1
        credentials:
          - token_name: {{Harness.Cred}}
            vendor: { kind: generated }
            env: test
            canonical_consumer: vault
        {{ManifestSnippets.HerokuBootstrap}}
        consumers:
          - consumer_id: vault
            token_name: {{Harness.Cred}}
            kind: heroku-config-var
            update_auth_token_name: HK_VELVET_BOOTSTRAP
            settings: { app: {{Vault}}, key: {{Harness.Cred}}, base_url: "{{_heroku.BaseUrl}}" }
            fallback: { consumer: ssm-standby, on: [access_denied] }
          - consumer_id: ssm-standby
            token_name: {{Harness.Cred}}
            kind: dotenv-file
            settings: { path: {{dir}}/ssm.env, key: {{Harness.Cred}} }
          - consumer_id: app-env
            token_name: {{Harness.Cred}}
            kind: dotenv-file
            settings: { path: {{dir}}/app.env, key: {{Harness.Cred}} }
        """;

    private async Task<(Harness H, RotationJob Job)> RotateWithTheVaultDownAsync()
    {
        var h = await Harness.StartAsync((dir, _) => Manifest(dir));
        h.Secrets.Set("HK_VELVET_BOOTSTRAP", new SecretValue(HkToken));
        await h.SeedAsync();
        _heroku.ForbiddenApps[Vault] = true; // CF Access error 1010: the vault refuses this agent
        var job = await h.StartJobAsync();
        var validated = await h.VerifyAndMintAsync(job.JobId);
        return (h, validated);
    }

    private static string Held(Harness h, string file) => File.ReadAllText(Path.Combine(h.Dir, file)).Trim().Split('=', 2)[1];

    [Fact]
    public async Task A_refused_vault_write_goes_to_the_fallback_leaves_a_followup_and_revoke_waits_for_the_read_back()
    {
        var (h, job) = await RotateWithTheVaultDownAsync();
        await using var _ = h;

        Assert.Equal(JobStatus.Validated, job.Status);
        var vault = (await h.RowsAsync(job.JobId)).Single(r => r.ConsumerId == "vault");
        Assert.Equal((RowStatus.Skipped, RowStatus.Skipped), (vault.DistributeStatus, vault.ValidateStatus));
        Assert.Contains("canonical write failed (access_denied: HTTP 403", vault.LastError, StringComparison.Ordinal);
        Assert.Contains("the value went to the fallback ssm-standby instead", vault.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(await h.RowsAsync(job.JobId), r => r.ConsumerId == "ssm-standby");
        var value = Held(h, "ssm.env");
        Assert.Equal(job.NewValueFingerprint, new SecretValue(value).Fingerprint);
        Assert.Equal(value, Held(h, "app.env"));

        var followups = JobStoreFactory.Followups(h.Store);
        var open = Assert.Single(await followups.ListFollowupsAsync(openOnly: true, CancellationToken.None));
        Assert.Equal((job.JobId, "vault", "ssm-standby", job.NewValueFingerprint), (open.JobId, open.CanonicalConsumerId, open.FallbackConsumerId, open.ValueFingerprint));

        var refused = await h.TryActAsync(job.JobId, Revoke());
        Assert.Contains($"do not revoke until the vault is updated: follow-up {open.Id} open", refused.Error!.Message, StringComparison.Ordinal);

        var service = new FollowupService(followups, h.Service.Bindings, h.Masker, TimeProvider.System);
        var stillDown = await service.ResolveAsync(open.Id, "alice", null, h.Secrets, CancellationToken.None);
        Assert.Contains($"follow-up {open.Id} stays open: vault does not hold the new value yet (", stillDown.Error!.Message, StringComparison.Ordinal);
        _heroku.ForbiddenApps.TryRemove(Vault, out bool _);
        var stale = await service.ResolveAsync(open.Id, "alice", null, h.Secrets, CancellationToken.None);
        Assert.Contains("stays open", stale.Error!.Message, StringComparison.Ordinal);

        // The operator copies the value from SSM into the vault (the log's "Step A").
        _heroku.AddApp(Vault, new Dictionary<string, string> { [Harness.Cred] = value });
        var resolved = await service.ResolveAsync(open.Id, "alice", null, h.Secrets, CancellationToken.None);
        Assert.True(resolved.IsOk, resolved.Error?.Message);
        Assert.Equal($"read back: vault holds {job.NewValueFingerprint}", resolved.Value.Resolution);
        Assert.Contains(await JobStoreFactory.Subscribers(h.Store).ListSystemEventsAsync(10, CancellationToken.None), e => e.Kind == "velvet.followup.resolved");

        Assert.Equal(JobStatus.Done, (await h.ActAsync(job.JobId, JobAction.ProceedRevoke)).Status);
        var all = string.Join("\n", (await h.EventsAsync(job.JobId)).Select(e => e.Detail)) + string.Join("\n", h.Logs.Lines) + refused.Error.Message + stillDown.Error.Message;
        Assert.DoesNotContain(value, all, StringComparison.Ordinal);
        Assert.DoesNotContain(HkToken, all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_can_be_forced_past_an_open_followup_only_with_a_reason_which_is_recorded()
    {
        var (h, job) = await RotateWithTheVaultDownAsync();
        await using var _ = h;

        var noReason = await h.TryActAsync(job.JobId, Revoke() with { ForceRevoke = true });
        Assert.Contains("needs a reason", noReason.Error!.Message, StringComparison.Ordinal);

        var done = await h.ActAsync(job.JobId, JobAction.ProceedRevoke, r => Revoke() with { ForceRevoke = true, Reason = "old token leaked; vault update tracked in #680" });

        Assert.Equal(JobStatus.Done, done.Status);
        Assert.Equal(("alice", "old token leaked; vault update tracked in #680"), (done.Details.ForceRevokeBy, done.Details.ForceRevokeReason));
        Assert.Contains(await h.EventsAsync(job.JobId), e => e.Kind == "action" && e.Detail!.Contains("force_revoke by alice: old token leaked", StringComparison.Ordinal));
        // Forcing the revoke does not close the follow-up: the vault still lacks the value.
        Assert.Single(await JobStoreFactory.Followups(h.Store).ListFollowupsAsync(openOnly: true, CancellationToken.None));
    }

    private static ActionRequest Revoke() => new()
    {
        Action = JobAction.ProceedRevoke, Actor = "alice", ConfirmCredentialName = Harness.Cred, TicketId = "ROT-2026-11-" + Harness.Cred,
    };
}
