using Velvet.Core.Jobs;
using Velvet.Engine.Tests.Support;

namespace Velvet.Engine.Tests;

/// <summary>A consumer's command check is part of validation: a failing check fails the row and blocks the revoke gate; retry works once it passes.</summary>
public class CommandCheckFlowTests
{
    private static string WithCheck(string dir, string url) => Harness.DefaultManifest(dir, url).Replace(
        $"settings: {{ path: {dir}/app.env, key: {Harness.Cred} }}",
        $"settings: {{ path: {dir}/app.env, key: {Harness.Cred} }}\n    check: {{ argv: [/bin/sh, {dir}/smoke.sh, --env=test], timeout: 30s, value_env: NEW_TOKEN }}",
        StringComparison.Ordinal);

    [Fact]
    public async Task A_failing_check_fails_its_row_and_blocks_revoke_until_a_retry_passes()
    {
        await using var h = await Harness.StartAsync(WithCheck);
        await h.SeedAsync();
        var smoke = Path.Combine(h.Dir, "smoke.sh");
        // The smoke suite is red and prints what it was given (a careless script): the record must not show it.
        await File.WriteAllTextAsync(smoke, "echo \"smoke: 2 of 14 failed ($1) token=$NEW_TOKEN\"\nexit 1\n", TestContext.Current.CancellationToken);
        var job = await h.StartJobAsync();

        var stopped = await h.VerifyAndMintAsync(job.JobId);

        Assert.Equal(JobStatus.ValidatePartial, stopped.Status);
        var row = (await h.RowsAsync(job.JobId)).Single(r => r.ConsumerId == "app-env");
        Assert.Equal(RowStatus.Failed, row.ValidateStatus);
        Assert.Contains("check /bin/sh exited 1; output: smoke: 2 of 14 failed (--env=test) token=***", row.LastError, StringComparison.Ordinal);
        var refused = await h.TryActAsync(job.JobId, new Velvet.Core.Engine.ActionRequest
        {
            Action = JobAction.ProceedRevoke, Actor = "alice", ConfirmCredentialName = Harness.Cred, TicketId = "ROT-2026-11-X",
        });
        Assert.False(refused.IsOk);
        Assert.Contains("not every consumer validated", refused.Error!.Message, StringComparison.Ordinal);

        // Fixed: the suite now checks the app holds exactly the value it was given.
        await File.WriteAllTextAsync(smoke, $"grep -qx \"{Harness.Cred}=$NEW_TOKEN\" {h.Dir}/app.env && echo smoke: 14 passed\n", TestContext.Current.CancellationToken);
        var retried = await h.ActAsync(job.JobId, JobAction.RetryFailed);

        Assert.Equal(JobStatus.Validated, retried.Status);
        var events = await h.EventsAsync(job.JobId);
        Assert.Contains(events, e => e.ConsumerId == "app-env" && e.Detail!.Contains("validate succeeded: check /bin/sh exited 0; output: smoke: 14 passed", StringComparison.Ordinal));
        var value = h.Masker.Count > 0 ? File.ReadAllText(Path.Combine(h.Dir, "app.env")).Split('=')[1].Trim() : "";
        Assert.All(events, e => Assert.DoesNotContain(value, e.Detail ?? "", StringComparison.Ordinal));
        Assert.All(await h.RowsAsync(job.JobId), r => Assert.DoesNotContain(value, r.LastError ?? "", StringComparison.Ordinal));
        Assert.Equal(JobStatus.Done, (await h.ActAsync(job.JobId, JobAction.ProceedRevoke)).Status);
    }
}
