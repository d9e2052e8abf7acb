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
    public async Task An_open_followup_shows_in_the_job_view_and_in_inventory_until_resolved_never_with_a_value()
    {
        await using var api = await ApiHarness.StartAsync(tweak: s => s with { RunWorker = false });
        var held = File.ReadAllText(Path.Combine(api.Engine.Dir, "vault.env")).Trim().Split('=', 2)[1];
        var job = await api.Engine.StartJobAsync();
        var open = await JobStoreFactory.Followups(api.Engine.Store).OpenFollowupAsync(new Followup
        {
            JobId = job.JobId, CredentialName = Harness.Cred, Env = "test", CanonicalConsumerId = "vault", FallbackConsumerId = "app-env",
            Reason = "HTTP 403 Forbidden", ValueFingerprint = "sha256:00112233", CreatedAt = TimeProvider.System.GetUtcNow(),
        }, Ct);
        var reader = api.As("reader");
        async Task<string> ViewAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/tokens/{Harness.Cred}/rotations/{job.JobId}");
            request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
            var response = await reader.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync(Ct);
        }

        var viewText = await ViewAsync();
        using (var view = System.Text.Json.JsonDocument.Parse(viewText))
        {
            var f = Assert.Single(view.RootElement.GetProperty("followups").EnumerateArray().ToList());
            Assert.Equal((open.Id, "open", "vault", "app-env", "HTTP 403 Forbidden"), (f.GetProperty("id").GetInt64(), f.GetProperty("status").GetString(),
                f.GetProperty("canonical_consumer").GetString(), f.GetProperty("fallback_consumer").GetString(), f.GetProperty("reason").GetString()));
        }
        var inventoryText = await (await reader.GetAsync("/inventory", Ct)).Content.ReadAsStringAsync(Ct);
        using (var inventory = System.Text.Json.JsonDocument.Parse(inventoryText))
        {
            var cred = inventory.RootElement.GetProperty("credentials").EnumerateArray().Single(c => c.GetProperty("token_name").GetString() == Harness.Cred);
            var f = Assert.Single(cred.GetProperty("followups").EnumerateArray().ToList());
            var fallbackTarget = cred.GetProperty("copies").EnumerateArray().Single(c => c.GetProperty("consumer_id").GetString() == "app-env").GetProperty("target").GetString();
            Assert.Equal($"fallback: value in {fallbackTarget} until follow-up {open.Id} resolved", f.GetProperty("note").GetString());
            Assert.Equal((fallbackTarget, job.JobId.ToString()), (f.GetProperty("fallback_target").GetString(), f.GetProperty("job_id").GetString()));
            var vault = cred.GetProperty("copies").EnumerateArray().Single(c => c.GetProperty("consumer_id").GetString() == "vault");
            Assert.StartsWith("lacks the new value: fallback: value in", vault.GetProperty("followup").GetString(), StringComparison.Ordinal);
        }
        Assert.DoesNotContain(held, viewText, StringComparison.Ordinal); // canary: the seeded value is in neither answer
        Assert.DoesNotContain(held, inventoryText, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await api.As("rotator").PostAsJsonAsync($"/followups/{open.Id}/resolve", new { manual = "copied by hand" }, Ct)).StatusCode);
        using (var resolved = System.Text.Json.JsonDocument.Parse(await ViewAsync()))
            Assert.Equal("resolved", resolved.RootElement.GetProperty("followups")[0].GetProperty("status").GetString());
        using var after = System.Text.Json.JsonDocument.Parse(await (await reader.GetAsync("/inventory", Ct)).Content.ReadAsStringAsync(Ct));
        var afterCred = after.RootElement.GetProperty("credentials").EnumerateArray().Single(c => c.GetProperty("token_name").GetString() == Harness.Cred);
        Assert.Equal(0, afterCred.GetProperty("followups").GetArrayLength());
        Assert.All(afterCred.GetProperty("copies").EnumerateArray(), c => Assert.Equal(System.Text.Json.JsonValueKind.Null, c.GetProperty("followup").ValueKind));
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
