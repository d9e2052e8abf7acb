using System.Net;
using System.Net.Http.Json;
using Velvet.Core.Ports;
using Velvet.Engine.Tests.Support;

namespace Velvet.Server.Tests;

/// <summary>Hybrid registration (ADR-0041): seeded from the manifest, then the table is the source of truth.</summary>
public class SubscriberApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object NewSubscriber(string url, string id = "reports") => new
    {
        consumer_id = id, token_name = Harness.Cred, kind = "http",
        update_endpoint = $"{url}/config/{id}", update_auth_token_name = "DEPLOY_TOKEN",
        healthcheck_endpoint = $"{url}/health/{id}",
    };

    [Fact]
    public async Task The_manifest_seeds_the_table_and_a_registered_subscriber_receives_the_next_rotation()
    {
        await using var api = await ApiHarness.StartAsync();
        var admin = api.As("admin");
        var listed = await ApiHarness.JsonAsync(await admin.GetAsync("/api/v1/subscribers", Ct));
        Assert.Equal(4, listed.GetProperty("subscribers").GetArrayLength());

        var added = await admin.PostAsJsonAsync("/api/v1/subscribers", NewSubscriber(api.Engine.Apps.BaseUrl), Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var subs = await ApiHarness.JsonAsync(await admin.GetAsync($"/tokens/{Harness.Cred}/subscribers", Ct));
        Assert.Contains(subs.GetProperty("subscribers").EnumerateArray(), x => x.GetProperty("consumer_id").GetString() == "reports");

        var rot = api.As("rotator");
        var jobId = (await ApiHarness.JsonAsync(await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { }, Ct))).GetProperty("job_id").GetString()!;
        await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotations/{jobId}/stage", new { action = "verify" }, Ct);
        await api.WaitForAsync(jobId, "verified");
        await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotations/{jobId}/stage", new { action = "proceed_mint" }, Ct);
        var validated = await api.WaitForAsync(jobId, "validated");
        Assert.Contains(validated.GetProperty("consumers").EnumerateArray(), c => c.GetProperty("consumer_id").GetString() == "reports");
        Assert.Equal(1, api.Engine.Apps.For("reports").Updates);

        var events = await ((ISubscriberStore)api.Engine.Store).ListSystemEventsAsync(10, Ct);
        Assert.Contains(events, e => e.Kind == "velvet.subscribers.added" && e.Actor == "admin");
        Assert.Contains(events, e => e.Kind == "velvet.subscribers.seeded");
    }

    [Fact]
    public async Task Changes_need_admin_and_bad_rows_are_400_naming_the_field()
    {
        await using var api = await ApiHarness.StartAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await api.As("rotator").PostAsJsonAsync("/api/v1/subscribers", NewSubscriber(api.Engine.Apps.BaseUrl), Ct)).StatusCode);
        var admin = api.As("admin");
        async Task<string?> Field(object body) =>
            (await ApiHarness.JsonAsync(await admin.PostAsJsonAsync("/api/v1/subscribers", body, Ct))).GetProperty("field").GetString();
        Assert.Equal("token_name", await Field(new { consumer_id = "x", token_name = "NOPE", kind = "http", update_endpoint = "https://a.example/x" }));
        Assert.Equal("update_endpoint", await Field(new { consumer_id = "x", token_name = Harness.Cred, kind = "http", update_endpoint = "http://partner.example/x" }));
        Assert.Equal("capabilities", await Field(new { consumer_id = "x", token_name = Harness.Cred, kind = "http", update_endpoint = "https://a.example/x", capabilities = new[] { "healthcheck" } }));
        Assert.Equal("kind", await Field(new { consumer_id = "x", token_name = Harness.Cred, kind = "s3" }));
        Assert.Equal("settings", await Field(new { consumer_id = "x", token_name = Harness.Cred, kind = "dotenv-file", settings = new { path = "/tmp/x.env" } }));
        var dup = await admin.PostAsJsonAsync("/api/v1/subscribers", new { consumer_id = "vault", token_name = Harness.Cred, kind = "dotenv-file", settings = new { path = "/tmp/v.env", key = "K" } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, dup.StatusCode);
        Assert.Equal("consumer_id", (await ApiHarness.JsonAsync(dup)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Drift_lists_manifest_only_db_only_and_mismatched_fields_and_is_audited()
    {
        await using var api = await ApiHarness.StartAsync();
        var admin = api.As("admin");
        var clean = await ApiHarness.JsonAsync(await admin.GetAsync("/api/v1/subscribers/drift", Ct));
        Assert.False(clean.GetProperty("drift").GetBoolean());

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/subscribers", NewSubscriber(api.Engine.Apps.BaseUrl), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/subscribers/{Harness.Cred}/app-env", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/subscribers/{Harness.Cred}/app-env", Ct)).StatusCode);
        var moved = new
        {
            consumer_id = "billing", token_name = Harness.Cred, kind = "http", update_endpoint = $"{api.Engine.Apps.BaseUrl}/config/billing-v2",
            update_auth_token_name = "DEPLOY_TOKEN", healthcheck_endpoint = $"{api.Engine.Apps.BaseUrl}/health/billing",
        };
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/subscribers/{Harness.Cred}/billing", moved, Ct)).StatusCode);

        var drift = await ApiHarness.JsonAsync(await admin.GetAsync("/api/v1/subscribers/drift", Ct));
        Assert.Equal([$"{Harness.Cred}/test/app-env"], drift.GetProperty("manifest_only").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal([$"{Harness.Cred}/test/reports"], drift.GetProperty("db_only").EnumerateArray().Select(x => x.GetString()));
        var mismatch = Assert.Single(drift.GetProperty("mismatched_field").EnumerateArray());
        Assert.Equal("billing", mismatch.GetProperty("consumer_id").GetString());
        Assert.Equal(["update_endpoint"], mismatch.GetProperty("fields").EnumerateArray().Select(x => x.GetString()));
        var audit = await ((ISubscriberStore)api.Engine.Store).ListSystemEventsAsync(1, Ct);
        Assert.Equal("velvet.subscribers.drift", audit[0].Kind);
        Assert.Contains("app-env", audit[0].Detail, StringComparison.Ordinal);
    }
}
