using System.Net;
using System.Net.Http.Json;
using Velvet.Core.Ports;
using Velvet.Engine.Tests.Support;
using Velvet.Store;

namespace Velvet.Server.Tests;

/// <summary>flow_type provision (+ adopt), GET /followups, POST /followups/{id}/resolve, GET /plans: scopes, shapes, no value in any answer.</summary>
public class LifecycleApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Provision_is_refused_while_consumers_hold_a_value_and_starts_with_adopt()
    {
        await using var api = await ApiHarness.StartAsync();
        // The harness seeded a first value in every consumer.
        var held = File.ReadAllText(Path.Combine(api.Engine.Dir, "vault.env")).Trim().Split('=', 2)[1];
        var rot = api.As("rotator");

        var refused = await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { flow_type = "provision" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var text = await refused.Content.ReadAsStringAsync(Ct);
        Assert.Contains($"{Harness.Cred} already has a value in 2 consumer(s)", text, StringComparison.Ordinal);
        Assert.DoesNotContain(held, text, StringComparison.Ordinal);

        var wrongFlow = await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { flow_type = "operational", adopt = true }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrongFlow.StatusCode);
        Assert.Contains("adopt applies only to flow_type provision", await wrongFlow.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var adopted = await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { flow_type = "provision", adopt = true }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, adopted.StatusCode);
        var jobId = Guid.Parse((await ApiHarness.JsonAsync(adopted)).GetProperty("job_id").GetString()!);
        var job = await api.Engine.Store.GetJobAsync(jobId, Ct);
        Assert.Equal(Velvet.Core.Jobs.FlowType.Provision, job!.Flow);
        Assert.Equal(["app-env", "vault"], job.Details.Adopted.Order());
    }

    [Fact]
    public async Task Followups_are_listed_for_readers_and_resolved_by_rotators_once()
    {
        await using var api = await ApiHarness.StartAsync();
        var open = await JobStoreFactory.Followups(api.Engine.Store).OpenFollowupAsync(new Followup
        {
            JobId = Guid.CreateVersion7(), CredentialName = Harness.Cred, Env = "test", CanonicalConsumerId = "vault", FallbackConsumerId = "ssm",
            Reason = "HTTP 403 Forbidden", ValueFingerprint = "sha256:00112233", CreatedAt = TimeProvider.System.GetUtcNow(),
        }, Ct);

        var list = await ApiHarness.JsonAsync(await api.As("reader").GetAsync("/followups", Ct));
        var first = list.GetProperty("followups")[0];
        Assert.Equal((open.Id, "open", "vault", "ssm"), (first.GetProperty("id").GetInt64(), first.GetProperty("status").GetString(),
            first.GetProperty("canonical_consumer").GetString(), first.GetProperty("fallback_consumer").GetString()));
        Assert.Contains($"velvet followups resolve {open.Id}", first.GetProperty("action").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await api.As("reader").PostAsJsonAsync($"/followups/{open.Id}/resolve", new { }, Ct)).StatusCode);
        // vault.env holds the seeded value, not the one recorded: the read-back refuses to close it.
        var stays = await api.As("rotator").PostAsJsonAsync($"/followups/{open.Id}/resolve", new { }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, stays.StatusCode);
        Assert.Contains($"follow-up {open.Id} stays open: vault does not hold the new value yet", await stays.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var manual = await ApiHarness.JsonAsync(await api.As("rotator").PostAsJsonAsync($"/followups/{open.Id}/resolve", new { manual = "copied into the vault by hand, checked in the UI" }, Ct));
        Assert.Equal(("resolved", "rotator"), (manual.GetProperty("status").GetString(), manual.GetProperty("resolved_by").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await api.As("rotator").PostAsJsonAsync($"/followups/{open.Id}/resolve", new { }, Ct)).StatusCode);
        Assert.Equal(0, (await ApiHarness.JsonAsync(await api.As("reader").GetAsync("/followups", Ct))).GetProperty("followups").GetArrayLength());
        Assert.Equal(1, (await ApiHarness.JsonAsync(await api.As("reader").GetAsync("/followups?status=all", Ct))).GetProperty("followups").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await api.As("rotator").PostAsJsonAsync("/followups/999999/resolve", new { }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Plans_are_listed_for_readers()
    {
        await using var api = await ApiHarness.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Anonymous.GetAsync("/plans", Ct)).StatusCode);
        var body = await ApiHarness.JsonAsync(await api.As("reader").GetAsync("/plans", Ct));
        Assert.Equal(0, body.GetProperty("plans").GetArrayLength());
    }
}
