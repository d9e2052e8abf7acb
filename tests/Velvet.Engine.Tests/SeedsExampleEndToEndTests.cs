using System.Text;
using System.Text.Json;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;
using Velvet.Vendors.Tests.GitHub;
using Velvet.Vendors.Tests.Heroku;
using Velvet.Vendors.Tests.Infisical;

namespace Velvet.Engine.Tests;

/// <summary>
/// Issue 5 item 9: examples/seeds.velvet.yaml itself (base URLs pointed at the local fakes, authorization_id of the
/// hand-made token, healthchecks of the four apps) rotates HK_PLATFORM_FULL through every stage against the Heroku,
/// GitHub and Infisical fakes, then an emergency revocation shows the 401 criterion.
/// </summary>
public sealed class SeedsExampleEndToEndTests : IAsyncLifetime
{
    private const string Cred = "HK_PLATFORM_FULL";
    private const string OldToken = "HRKU-seeds-old-canary-51c0";
    private const string BootstrapToken = "HRKU-seeds-bootstrap-canary-7e2a";
    private const string GitHubToken = "ghs_seeds-ops-bot-canary-90af";
    private const string InfisicalSecret = "inf-client-secret-seeds-canary-3b1d";
    private const string Project = "00000000-0000-4000-8000-000000000000";
    private const string VaultPath = "/MooseQuest/heroku";
    private const string VaultName = "HEROKU_PLATFORM_API_TOKEN";
    private const string GitHubConsumer = "github-actions-heroku-api-key";
    private const string VaultConsumer = "infisical-heroku-key";
    private static readonly Dictionary<string, string> AppOf = new(StringComparer.Ordinal)
    {
        ["heroku-config-console-prod"] = "raxx-console-prod",
        ["heroku-config-console-staging"] = "raxx-console-staging",
        ["heroku-config-api-prod"] = "raxx-api-prod",
        ["heroku-config-api-staging"] = "raxx-api-staging",
    };

    private HerokuFake _heroku = null!;
    private readonly FakeGitHub _github = new();
    private readonly FakeInfisical _infisical = new();
    private string _oldId = "";

    public async ValueTask InitializeAsync()
    {
        _heroku = await HerokuFake.StartAsync();
        await _github.InitializeAsync();
        await _infisical.InitializeAsync();
        _oldId = _heroku.AddToken(OldToken);
        _heroku.AddToken(BootstrapToken, "velvet bootstrap");
        foreach (var app in AppOf.Values) _heroku.AddApp(app, new Dictionary<string, string> { ["HEROKU_API_KEY"] = OldToken });
        _github.AddToken(GitHubToken);
        _github.AddRepo("raxx", "raxx-api");
        _infisical.AddProject(Project, "prod");
        _infisical.AddIdentity("velvet-identity", InfisicalSecret, Project);
    }

    public async ValueTask DisposeAsync()
    {
        await _heroku.DisposeAsync();
        await _github.DisposeAsync();
        await _infisical.DisposeAsync();
    }

    private string Manifest(string appsUrl)
    {
        var heroku = _heroku.BaseUrl;
        var consumers = AppOf.Keys.ToDictionary(id => id, IReadOnlyDictionary<string, string> (_) => new Dictionary<string, string> { ["base_url"] = heroku });
        consumers["raptor-url-api-staging"] = new Dictionary<string, string> { ["base_url"] = heroku };
        consumers[GitHubConsumer] = new Dictionary<string, string> { ["api_url"] = _github.BaseAddress.ToString() };
        consumers[VaultConsumer] = new Dictionary<string, string> { ["api_url"] = _infisical.BaseAddress.ToString() };
        return SeedsManifest.With(
            new Dictionary<string, IReadOnlyDictionary<string, string>> { [Cred] = new Dictionary<string, string> { ["base_url"] = heroku, ["authorization_id"] = _oldId } },
            consumers,
            AppOf.Keys.ToDictionary(id => id, IReadOnlyDictionary<string, string> (id) => new Dictionary<string, string> { ["healthcheck_endpoint"] = $"{appsUrl}/health/{id}" }));
    }

    private async Task<Harness> StartAsync()
    {
        var h = await Harness.StartAsync((_, url) => Manifest(url), o => o with { Env = "prod" });
        h.Secrets.Set(Cred, new SecretValue(OldToken));
        h.Secrets.Set("HK_VELVET_BOOTSTRAP", new SecretValue(BootstrapToken));
        h.Secrets.Set("GH_APP_OPS_BOT", new SecretValue(GitHubToken));
        h.Secrets.Set("INFISICAL_CLIENT_ID", new SecretValue("velvet-identity"));
        h.Secrets.Set("INFISICAL_CLIENT_SECRET", new SecretValue(InfisicalSecret));
        // An app is healthy while the HEROKU_API_KEY in its config vars is a token Heroku accepts.
        h.Apps.Holder = id => _heroku.ConfigVar(AppOf[id], "HEROKU_API_KEY");
        h.Apps.IsAccepted = _heroku.IsValid;
        return h;
    }

    /// <summary>An action on HK_PLATFORM_FULL (proceed_revoke confirms this credential's name).</summary>
    private static Task<RotationJob> ActAsync(Harness h, Guid job, JobAction action, Func<ActionRequest, ActionRequest>? with = null) =>
        h.ActAsync(job, action, r =>
        {
            var request = action == JobAction.ProceedRevoke ? r with { ConfirmCredentialName = Cred, TicketId = "ROT-2026-11-HK" } : r;
            return with?.Invoke(request) ?? request;
        });

    /// <summary>verify → mint → distribute → validate (GitHub confirmed by a person) → revoke; returns the done job and the new token.</summary>
    private async Task<(RotationJob Job, string NewToken)> RotateAsync(Harness h)
    {
        var job = await h.StartJobAsync(credential: Cred);
        Assert.Equal(JobStatus.Verified, (await ActAsync(h, job.JobId, JobAction.Verify)).Status);
        var partial = await ActAsync(h, job.JobId, JobAction.ProceedMint);
        // GitHub cannot read a secret back: its row waits for a person, everything else validated by itself.
        Assert.Equal(JobStatus.ValidatePartial, partial.Status);
        var waiting = (await h.RowsAsync(job.JobId)).Where(r => r.ValidateStatus != RowStatus.Succeeded).Select(r => (r.ConsumerId, r.ValidateStatus));
        Assert.Equal([(GitHubConsumer, RowStatus.NeedsConfirm)], waiting);
        var validated = await ActAsync(h, job.JobId, JobAction.ManualConfirm, r => r with { ConsumerId = GitHubConsumer, Reason = "deploy workflow ran green" });
        Assert.Equal(JobStatus.Validated, validated.Status);
        var done = await ActAsync(h, job.JobId, JobAction.ProceedRevoke);
        Assert.Equal(JobStatus.Done, done.Status);
        return (done, _heroku.Authorizations.Single(a => a.Id == done.NewCredentialId).Token);
    }

    [Fact]
    public async Task The_seeds_example_rotates_HK_PLATFORM_FULL_through_every_stage_to_done()
    {
        await using var h = await StartAsync();

        var (done, newToken) = await RotateAsync(h);

        var path = (await h.EventsAsync(done.JobId)).Where(e => e.Kind == "status").Select(e => $"{e.FromStatus}>{e.ToStatus}");
        Assert.Equal(["init>verifying", "verifying>verified", "verified>minting", "minting>minted", "minted>distributing", "distributing>distributed",
            "distributed>validating", "validating>validate_partial", "validate_partial>validated", "validated>revoking", "revoking>done"], path);
        // Every consumer holds the new value: the four config vars, the vault copy (created in a folder that did
        // not exist), and the GitHub secret as GitHub opens it; its row records the fingerprint of what was written.
        Assert.All(AppOf.Values, app => Assert.Equal(newToken, _heroku.ConfigVar(app, "HEROKU_API_KEY")));
        Assert.Equal(newToken, _infisical.Get(Project, "prod", VaultPath, VaultName)!.Value);
        Assert.Equal(newToken, _github.Secret("raxx", "raxx-api", "HEROKU_API_KEY")!.Plaintext);
        Assert.Equal(new SecretValue(newToken).Fingerprint, done.NewValueFingerprint);
        Assert.All(await h.RowsAsync(done.JobId), r => Assert.Equal(RowStatus.Succeeded, r.DistributeStatus));
        // The hand-made token is gone, revoked with the NEW token.
        Assert.Equal(_oldId, done.OldCredentialId);
        Assert.False(_heroku.IsValid(OldToken));
        var delete = Assert.Single(_heroku.Server.RequestsTo("DELETE", "/oauth/authorizations"));
        Assert.Equal("Bearer " + new SecretValue(newToken).Fingerprint, delete.Headers["Authorization"]);
        Assert.Equal($"/oauth/authorizations/{_oldId}", delete.Path);
        await h.AssertNoCanaryAsync(done.JobId, OldToken, BootstrapToken, GitHubToken, InfisicalSecret, newToken);
    }

    [Fact]
    public async Task An_emergency_revocation_with_one_app_still_accepting_the_token_ends_rev_leaked_naming_it()
    {
        await using var h = await StartAsync();

        var (leaked, leakedToken) = await RevokeAfterRotationAsync(h, () => h.Apps.For("heroku-config-api-prod").HealthStatus = 200); // a dyno that cached a session

        Assert.Equal(JobStatus.RevLeaked, leaked.Status);
        Assert.Equal(["heroku-config-api-prod"], leaked.Details.LeakedConsumers);
        Assert.False(_heroku.IsValid(leakedToken));
        Assert.Contains(await h.EventsAsync(leaked.JobId), e => e.ToStatus == "rev_leaked" && e.Detail!.Contains("still accepted by heroku-config-api-prod", StringComparison.Ordinal));
        var rows = (await h.RowsAsync(leaked.JobId)).ToDictionary(r => r.ConsumerId);
        Assert.All(AppOf.Keys.Where(id => id != "heroku-config-api-prod"), id => Assert.Equal(RowStatus.Succeeded, rows[id].ValidateStatus));
        await h.AssertNoCanaryAsync(leaked.JobId, OldToken, BootstrapToken, GitHubToken, InfisicalSecret, leakedToken);
    }

    [Fact]
    public async Task An_emergency_revocation_that_every_consumer_refuses_ends_rev_done()
    {
        await using var h = await StartAsync();

        var (probed, leakedToken) = await RevokeAfterRotationAsync(h);

        // The apps' healthchecks answer 401; the vault copy and the GitHub secret cannot refuse anything: a person confirms.
        Assert.Equal(JobStatus.RevValidating, probed.Status);
        var rows = (await h.RowsAsync(probed.JobId)).ToDictionary(r => r.ConsumerId);
        Assert.All(AppOf.Keys, id => Assert.Equal(RowStatus.Succeeded, rows[id].ValidateStatus));
        Assert.Equal((RowStatus.NeedsConfirm, RowStatus.NeedsConfirm), (rows[GitHubConsumer].ValidateStatus, rows[VaultConsumer].ValidateStatus));
        await ActAsync(h, probed.JobId, JobAction.ManualConfirm, r => r with { ConsumerId = GitHubConsumer, Reason = "deploys fail with 401" });
        var done = await ActAsync(h, probed.JobId, JobAction.ManualConfirm, r => r with { ConsumerId = VaultConsumer, Reason = "vault copy is the revoked token" });

        Assert.Equal(JobStatus.RevDone, done.Status);
        Assert.False(_heroku.IsValid(leakedToken));
        Assert.True(_heroku.IsValid(BootstrapToken));
        await h.AssertNoCanaryAsync(probed.JobId, OldToken, BootstrapToken, GitHubToken, InfisicalSecret, leakedToken);
    }

    /// <summary>
    /// Rotates, then starts an emergency revocation of the token now in use and runs it to its first stop. After the
    /// rotation Velvet's current value is the vault copy (current_value_source), as in production.
    /// </summary>
    private async Task<(RotationJob Probed, string LeakedToken)> RevokeAfterRotationAsync(Harness h, Action? meanwhile = null)
    {
        var (_, leakedToken) = await RotateAsync(h);
        h.Secrets.Set(Cred, new SecretValue(_infisical.Get(Project, "prod", VaultPath, VaultName)!.Value));
        meanwhile?.Invoke();
        var job = await h.StartJobAsync(FlowType.Revocation, credential: Cred);
        return (await h.RunToGateAsync(job.JobId), leakedToken);
    }
}
