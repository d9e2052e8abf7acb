using System.Text.RegularExpressions;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Results;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;
using Velvet.Vendors.Generated;
using Velvet.Vendors.Tests.GitHub;
using Velvet.Vendors.Tests.Heroku;

namespace Velvet.Engine.Tests;

/// <summary>
/// The provisioning log's item 3 through the real engine: CONSOLE_AUDIT_INGEST_TOKEN (32 random bytes as 64 hex
/// characters) created for the first time and set as a GitHub environment secret on production and staging AND as a
/// config var on both Heroku console apps, all four holding the same value; nothing revoked.
/// </summary>
public sealed partial class ProvisionFlowTests : IAsyncLifetime
{
    private const string Cred = "CONSOLE_AUDIT_INGEST_TOKEN";
    private const string GhToken = "ghp_provision-canary-5e6f7a";
    private const string HkToken = "HRKU-provision-canary-8b9c0d";
    private static readonly string[] Apps = ["raxx-console-prod", "raxx-console-staging"];
    private static readonly string[] Environments = ["production", "staging"];
    private readonly FakeGitHub _github = new();
    private HerokuFake _heroku = null!;

    public async ValueTask InitializeAsync()
    {
        await _github.InitializeAsync();
        _github.AddToken(GhToken);
        _github.AddRepo("MooseQuest", "raxx-console", Environments);
        _heroku = await HerokuFake.StartAsync();
        _heroku.AddToken(HkToken, "velvet bootstrap");
        foreach (var app in Apps) _heroku.AddApp(app, new Dictionary<string, string> { ["FLAG_CONSOLE_DEPLOY_AUDIT_INGEST"] = "on" });
    }

    public async ValueTask DisposeAsync()
    {
        await _github.DisposeAsync();
        await _heroku.DisposeAsync();
    }

    private string Manifest() => $$"""
        version: 1
        credentials:
          - token_name: {{Cred}}
            description: deploy audit ingest (post-#1267); the deploy workflow sends it, the console checks it
            vendor: { kind: generated, settings: { encoding: hex, bytes: "32" } }
            env: test
          - token_name: GH_VELVET_TOKEN
            vendor: { kind: generated }
            mode: manual_only
            env: test
            runbook_url: https://runbooks.example/gh-velvet-token
        {{ManifestSnippets.HerokuBootstrap}}
        consumers:
        {{string.Concat(Environments.Select(env => $$"""
          - consumer_id: gh-env-{{env}}
            token_name: {{Cred}}
            kind: github-actions-secret
            settings: { owner: MooseQuest, repo: raxx-console, environment: {{env}}, secret_name: {{Cred}}, token_name: GH_VELVET_TOKEN, api_url: "{{_github.BaseAddress}}" }

        """))}}
        {{string.Concat(Apps.Select(app => $$"""
          - consumer_id: heroku-{{app}}
            token_name: {{Cred}}
            kind: heroku-config-var
            update_auth_token_name: HK_VELVET_BOOTSTRAP
            settings: { app: {{app}}, key: {{Cred}}, base_url: "{{_heroku.BaseUrl}}" }

        """))}}
        """;

    private async Task<Harness> StartAsync()
    {
        var h = await Harness.StartAsync((_, _) => Manifest(), options: o => o with { FingerprintKey = new byte[32] });
        h.Secrets.Set("GH_VELVET_TOKEN", new SecretValue(GhToken));
        h.Secrets.Set("HK_VELVET_BOOTSTRAP", new SecretValue(HkToken));
        return h;
    }

    private static Task<Result<JobCreated>> ProvisionAsync(Harness h, bool adopt = false) =>
        h.Service.StartAsync(new StartRequest { CredentialName = Cred, Flow = FlowType.Provision, Actor = "alice", Adopt = adopt, Secrets = h.Secrets }, CancellationToken.None);

    /// <summary>verify → proceed_mint → (GitHub is write-only: confirm both rows by their written fingerprint) → done.</summary>
    private async Task<RotationJob> ProvisionToDoneAsync(Harness h)
    {
        var job = (await ProvisionAsync(h)).Unwrap().Job;
        var partial = await h.VerifyAndMintAsync(job.JobId);
        Assert.True(partial.Status == JobStatus.ValidatePartial, $"{partial.Status}: {partial.LastError}");
        await ConfirmGitHubAsync(h, partial);
        return (await h.Store.GetJobAsync(job.JobId, CancellationToken.None))!;
    }

    private static async Task ConfirmGitHubAsync(Harness h, RotationJob job)
    {
        var rows = await h.RowsAsync(job.JobId);
        Assert.All(rows.Where(r => r.Kind == "github-actions-secret"), r => Assert.Equal(RowStatus.NeedsConfirm, r.ValidateStatus));
        RotationJob last = job;
        foreach (var row in rows.Where(r => r.ValidateStatus == RowStatus.NeedsConfirm))
            last = await h.ActAsync(job.JobId, JobAction.ManualConfirm, r => r with { ConsumerId = row.ConsumerId, Reason = $"written_fingerprint {row.WrittenFingerprint} at {row.WrittenAt:O}; deploy workflow green" });
        // The last confirm settles validate to validated and the engine ends the provision flow at once.
        Assert.Equal(JobStatus.Done, last.Status);
    }

    [Fact]
    public async Task A_provision_reaches_done_with_both_github_environments_and_both_heroku_apps_holding_the_same_value()
    {
        await using var h = await StartAsync();

        var done = await ProvisionToDoneAsync(h);

        Assert.Equal((JobStatus.Done, FlowType.Provision), (done.Status, done.Flow));
        Assert.Null(done.OldCredentialId);
        Assert.False(done.Details.OldRevoked);
        var fingerprints = Environments.Select(env => _github.Secret("MooseQuest", "raxx-console", Cred, env)!.Plaintext)
            .Concat(Apps.Select(app => _heroku.ConfigVar(app, Cred)!))
            .Select(v => new SecretValue(v).Fingerprint).ToList();
        Assert.Equal(4, fingerprints.Count);
        Assert.All(fingerprints, f => Assert.Equal(done.NewValueFingerprint, f));
        var value = _github.Secret("MooseQuest", "raxx-console", Cred, "production")!.Plaintext;
        Assert.Matches(Hex64(), value);
        // The write-only rows keep what Velvet wrote, keyed: the same for both environments.
        var written = (await h.RowsAsync(done.JobId)).Where(r => r.Kind == "github-actions-secret").Select(r => r.WrittenFingerprint).Distinct().ToList();
        Assert.Equal([Fingerprints.Hmac(new byte[32], value)], written);
        var path = (await h.EventsAsync(done.JobId)).Where(e => e.Kind == "status").Select(e => $"{e.FromStatus}>{e.ToStatus}").ToArray();
        Assert.Equal(["init>verifying", "verifying>verified", "verified>minting", "minting>minted", "minted>distributing", "distributing>distributed",
            "distributed>validating", "validating>validate_partial", "validate_partial>validated", "validated>done"], path);
        Assert.Contains(await h.EventsAsync(done.JobId), e => e.Detail == "provisioned: every consumer validated; no old credential to revoke");
        Assert.True(new GeneratedCredentialAuthority(h.StateDir).IsAccepted(Cred, value));
        Assert.Equal("on", _heroku.ConfigVar("raxx-console-prod", "FLAG_CONSOLE_DEPLOY_AUDIT_INGEST"));
        var all = string.Join("\n", (await h.EventsAsync(done.JobId)).Select(e => e.Detail)) + string.Join("\n", h.Logs.Lines);
        Assert.DoesNotContain(value, all, StringComparison.Ordinal);
        Assert.DoesNotContain(GhToken, all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provisioning_again_is_refused_naming_every_holder_unless_adopt_says_to_overwrite()
    {
        await using var h = await StartAsync();
        await ProvisionToDoneAsync(h);

        var refused = await ProvisionAsync(h);

        Assert.False(refused.IsOk);
        var message = refused.Error!.Message;
        Assert.Contains($"{Cred} already has a value in 4 consumer(s)", message, StringComparison.Ordinal);
        Assert.Contains($"heroku-raxx-console-prod: {Cred} is set on raxx-console-prod", message, StringComparison.Ordinal);
        Assert.Contains("gh-env-staging: write-only: cannot be read back; Velvet wrote a value there on ", message, StringComparison.Ordinal);
        Assert.Contains($"Rotate it instead (velvet rotate {Cred}), or provision with --adopt", message, StringComparison.Ordinal);

        var adopted = (await ProvisionAsync(h, adopt: true)).Unwrap().Job;
        Assert.Equal(["gh-env-production", "gh-env-staging", "heroku-raxx-console-prod", "heroku-raxx-console-staging"], adopted.Details.Adopted.Order());
        Assert.Contains(await h.EventsAsync(adopted.JobId), e => e.Kind == "created" && e.Detail!.Contains("adopt: overwriting the values held by", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_set_by_hand_on_one_heroku_app_refuses_the_provision_and_revoke_actions_do_not_exist_for_it()
    {
        _heroku.AddApp("raxx-console-staging", new Dictionary<string, string> { [Cred] = "set-by-hand-before-velvet-0001" });
        await using var h = await StartAsync();

        var refused = await ProvisionAsync(h);
        Assert.Contains($"{Cred} already has a value in 1 consumer(s) (heroku-raxx-console-staging: {Cred} is set on raxx-console-staging", refused.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("set-by-hand", refused.Error.Message, StringComparison.Ordinal);

        _heroku.AddApp("raxx-console-staging", new Dictionary<string, string>());
        var job = (await ProvisionAsync(h)).Unwrap().Job;
        Assert.DoesNotContain(JobAction.ProceedRevoke, RotationStateMachine.AllowedActions(JobStatus.Validated, FlowType.Provision));
        Assert.Contains(JobAction.ProceedRevoke, RotationStateMachine.AllowedActions(JobStatus.Validated, FlowType.Operational));
        Assert.Equal(JobStatus.Init, job.Status);
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Hex64();
}
