using System.Net.Http.Json;
using System.Text;
using Velvet.Engine.Tests.Support;

namespace Velvet.Server.Tests;

/// <summary>R4 at the HTTP edge: a value sent to the API appears in no response, stream, log line or database byte.</summary>
public class ServerCanaryTests
{
    private const string Canary = "API-CANARY-4e1f77-never-echoed";

    [Fact]
    public async Task An_operator_value_posted_to_the_api_never_comes_back_out()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiHarness.StartAsync((d, u) => Harness.DefaultManifest(d, u, mode: "operator_manual"));
        api.Engine.Apps.For("search").NextUpdates.Enqueue(500); // a failure that echoes the value back
        var rot = api.As("rotator");
        var outputs = new List<string>();
        async Task<string> Send(HttpResponseMessage r)
        {
            var text = await r.Content.ReadAsStringAsync(ct);
            outputs.Add(text + string.Join(";", r.Headers.Select(h => h.Key + "=" + string.Join(",", h.Value))));
            return text;
        }

        var jobId = (await ApiHarness.JsonAsync(await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { }, ct))).GetProperty("job_id").GetString()!;
        var stage = $"/tokens/{Harness.Cred}/rotations/{jobId}/stage";
        await Send(await rot.PostAsJsonAsync(stage, new { action = "verify" }, ct));
        await api.WaitForAsync(jobId, "verified");
        await Send(await rot.PostAsJsonAsync(stage, new { action = "proceed_mint", new_value = Canary }, ct));
        await Send(await rot.PostAsJsonAsync(stage, new { action = "proceed_mint", new_value = Canary, colour = "x" }, ct)); // refused body
        await api.WaitForAsync(jobId, "validated");
        await Send(await rot.PostAsJsonAsync(stage, new { action = "proceed_revoke", confirm_credential_name = Harness.Cred, ticket_id = "ROT-2026-1" }, ct));
        await api.WaitForAsync(jobId, "done");
        await Send(await api.As("reader").GetAsync($"/tokens/{Harness.Cred}/rotations/{jobId}", ct));
        await Send(await api.As("reader").GetAsync($"/tokens/{Harness.Cred}/rotations/{jobId}/stream", ct));
        await Send(await api.As("reader").GetAsync($"/tokens/{Harness.Cred}/rotations?limit=5", ct));
        await Send(await api.As("reader").GetAsync("/jobs/stuck", ct));

        Assert.Equal(Canary, api.Engine.Apps.Held("search")); // it really went out
        var forms = new[] { Canary, Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary)) };
        var sinks = outputs.Concat(api.ServerLogs.Lines).Concat(api.Engine.Logs.Lines).ToList();
        foreach (var file in Directory.GetFiles(api.Engine.Dir, "velvet.db*"))
            sinks.Add(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file, ct)));
        Assert.NotEmpty(api.ServerLogs.Lines);
        foreach (var text in sinks)
            foreach (var form in forms)
                Assert.DoesNotContain(form, text, StringComparison.Ordinal);
    }
}
