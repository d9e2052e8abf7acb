using System.Text;
using System.Text.Json;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;

namespace Velvet.Engine.Tests;

/// <summary>R4: a planted value is found in no log line, event, row, error or database byte once the job ends.</summary>
public class CanaryTests
{
    private const string Canary = "CANARY-7f3a9c1e-do-not-print-me-42";

    [Fact]
    public async Task A_canary_rotated_through_failures_appears_in_no_log_event_row_or_database_byte()
    {
        await using var h = await Harness.StartAsync((d, u) => Harness.DefaultManifest(d, u, mode: "operator_manual"));
        await h.SeedAsync();
        // Failures whose responses echo the value back (body and header): the engine must not carry them anywhere.
        h.Apps.For("billing").NextUpdates.Enqueue(500);
        h.Apps.For("billing").NextUpdates.Enqueue(500);
        h.Apps.For("billing").NextUpdates.Enqueue(500);
        h.Apps.For("search").UpdateStatus = 422;
        var job = await h.StartJobAsync();
        await h.ActAsync(job.JobId, JobAction.Verify);

        var noValue = await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.ProceedMint, Actor = "alice" });
        Assert.Equal("new_value", Assert.IsType<Velvet.Core.Results.Invalid>(noValue.Error).Field);
        var partial = await h.ActAsync(job.JobId, JobAction.ProceedMint, r => r with { NewValue = new SecretValue(Canary) });
        Assert.Equal(JobStatus.DistributePartial, partial.Status);
        var retried = await h.ActAsync(job.JobId, JobAction.RetryFailed);
        Assert.Equal(JobStatus.DistributePartial, retried.Status); // billing ok now, search still 422
        var confirmed = await h.ActAsync(job.JobId, JobAction.ManualConfirm, r => r with { ConsumerId = "search", Reason = $"pasted by hand" });
        var done = await h.ActAsync(job.JobId, JobAction.ProceedRevoke, r => r with { ForceRevoke = confirmed.Status != JobStatus.Validated, Reason = "search confirmed by hand" });
        Assert.Equal(JobStatus.Done, done.Status);

        // The canary really went out: otherwise this test would prove nothing.
        Assert.Contains(Canary, await File.ReadAllTextAsync(Path.Combine(h.Dir, "app.env"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(Canary, h.Apps.Held("billing"));

        var forms = new[] { Canary, Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary)) };
        var sinks = await h.SinksAsync(job.JobId);
        Assert.NotEmpty(h.Logs.Lines);
        Assert.Contains(await h.RowsAsync(job.JobId), r => r.LastError is not null || r.Attempts > 1);
        foreach (var file in Directory.GetFiles(h.StateDir))
            sinks.Add(("vendor-state", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)));

        foreach (var (sink, text) in sinks)
            foreach (var form in forms)
                Assert.False(text.Contains(form, StringComparison.Ordinal), $"canary found in {sink}");
        Assert.Null(await h.Store.GetSecretAsync(job.JobId, CancellationToken.None));
    }

    [Fact]
    public async Task SecretValue_never_prints_itself()
    {
        var v = new SecretValue(Canary);
        Assert.DoesNotContain(Canary, v.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, $"{v}", StringComparison.Ordinal);
        Assert.StartsWith("[secret sha256:", v.ToString(), StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public void Masker_scrubs_raw_base64_url_and_json_escaped_forms_but_not_tiny_values()
    {
        var m = new SecretMasker();
        m.Register("p@ss/word+\"quoted\"");
        m.Register("abc");
        var text = $"raw=p@ss/word+\"quoted\" b64={Convert.ToBase64String(Encoding.UTF8.GetBytes("p@ss/word+\"quoted\""))} url={Uri.EscapeDataString("p@ss/word+\"quoted\"")} json={JsonSerializer.Serialize("p@ss/word+\"quoted\"")} abc";
        Assert.Equal("raw=*** b64=*** url=*** json=\"***\" abc", m.Scrub(text));
    }
}
