using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;
using Velvet.Vendors.Tests.Postmark;

namespace Velvet.Engine.Tests;

/// <summary>An operator_manual Postmark server token through the real engine: the entered value is verified before any distribution.</summary>
public sealed class PostmarkOperatorManualTests : IAsyncLifetime
{
    private const string Cred = "PM_SERVER_MAIL";
    private const long ServerId = 5550001;
    private const string OldToken = "pm-engine-old-canary-2b3c4d";
    private const string NewToken = "pm-engine-new-canary-5e6f7a";
    private const string StagingToken = "pm-engine-staging-canary-8b9c";
    private FakePostmark _pm = null!;

    public async ValueTask InitializeAsync()
    {
        _pm = await FakePostmark.StartAsync();
        _pm.AddToken(OldToken, ServerId);
        _pm.AddToken(StagingToken, 31337, "raxx-mail-staging");
    }

    public async ValueTask DisposeAsync() => await _pm.DisposeAsync();

    private async Task<Harness> StartAsync()
    {
        var h = await Harness.StartAsync((dir, _) => $$"""
            version: 1
            credentials:
              - token_name: {{Cred}}
                vendor: { kind: postmark-server-token, settings: { server_id: "{{ServerId}}", api_url: "{{_pm.BaseAddress}}" } }
                mode: operator_manual
                env: test
            consumers:
              - consumer_id: mailer-env
                token_name: {{Cred}}
                kind: dotenv-file
                settings: { path: {{dir}}/mailer.env, key: POSTMARK_SERVER_TOKEN }
            """);
        h.Secrets.Set(Cred, new SecretValue(OldToken));
        return h;
    }

    private static Task<RotationJob> EnterAsync(Harness h, Guid job, string value) =>
        h.ActAsync(job, JobAction.ProceedMint, r => r with { NewValue = new SecretValue(value) });

    [Fact]
    public async Task A_token_of_another_server_is_refused_at_mint_and_nothing_is_distributed()
    {
        await using var h = await StartAsync();
        var job = await h.StartJobAsync(credential: Cred);
        Assert.Equal(JobStatus.Verified, (await h.ActAsync(job.JobId, JobAction.Verify)).Status);

        var failed = await EnterAsync(h, job.JobId, StagingToken);

        Assert.Equal(JobStatus.MintFailed, failed.Status);
        Assert.Contains("belongs to Postmark server 31337 (raxx-mail-staging), not server 5550001", failed.LastError, StringComparison.Ordinal);
        Assert.Contains("The old credential is still valid.", failed.LastError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(h.Dir, "mailer.env")));
        Assert.All(await h.RowsAsync(job.JobId), r => Assert.Equal(RowStatus.Pending, r.DistributeStatus));
        Assert.DoesNotContain(StagingToken, failed.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_entered_from_the_dashboard_is_verified_distributed_and_the_old_one_is_marked_manually_revoked()
    {
        _pm.AddToken(NewToken, ServerId);
        await using var h = await StartAsync();
        var job = await h.StartJobAsync(credential: Cred);
        await h.ActAsync(job.JobId, JobAction.Verify);

        var validated = await EnterAsync(h, job.JobId, NewToken);
        Assert.Equal(JobStatus.Validated, validated.Status);
        Assert.Contains($"POSTMARK_SERVER_TOKEN={NewToken}", await File.ReadAllTextAsync(Path.Combine(h.Dir, "mailer.env"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var oldId = new SecretValue(OldToken).Fingerprint;
        Assert.Equal(oldId, validated.OldCredentialId);

        var waiting = await h.ActAsync(job.JobId, JobAction.ProceedRevoke, r => r with { ConfirmCredentialName = Cred, TicketId = "ROT-2026-11-PM" });
        Assert.Equal(JobStatus.RevokeFailed, waiting.Status);
        Assert.Contains("Postmark has no API to delete a server token: delete the old token of PM_SERVER_MAIL", waiting.LastError, StringComparison.Ordinal);

        _pm.DeleteToken(OldToken); // the operator, in the dashboard
        var done = await h.ActAsync(job.JobId, JobAction.MarkManuallyRevoked, r => r with { OldCredentialId = oldId });

        Assert.Equal(JobStatus.Done, done.Status);
        var sinks = (await h.EventsAsync(job.JobId)).Select(e => $"{e.Detail}").Append(done.LastError ?? "").Concat(h.Logs.Lines);
        Assert.All(sinks, s => Assert.DoesNotContain(NewToken, s, StringComparison.Ordinal));
    }
}
