using System.Net;
using System.Net.Http.Json;
using Velvet.Engine.Tests.Support;

namespace Velvet.Server.Tests;

/// <summary>GET /inventory (SPEC §8): where every copy lives, last write and rotation; read scope; never a value.</summary>
public class InventoryApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Inventory_after_a_rotation_lists_each_copy_with_its_last_write_and_no_value()
    {
        await using var api = await ApiHarness.StartAsync(tweak: s => s with { Targets = new Velvet.Vendors.ConsumerTargets() });
        var rot = api.As("rotator");
        var jobId = (await ApiHarness.JsonAsync(await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { }, Ct))).GetProperty("job_id").GetString()!;
        await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotations/{jobId}/stage", new { action = "verify" }, Ct);
        await api.WaitForAsync(jobId, "verified");
        await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotations/{jobId}/stage", new { action = "proceed_mint" }, Ct);
        await api.WaitForAsync(jobId, "validated");
        var value = api.Engine.Apps.Held("search")!;

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Anonymous.GetAsync("/inventory", Ct)).StatusCode);
        var response = await api.As("reader").GetAsync("/inventory", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(value, text, StringComparison.Ordinal);

        var body = await ApiHarness.JsonAsync(await api.As("reader").GetAsync("/inventory", Ct));
        Assert.Equal("test", body.GetProperty("env").GetString());
        var cred = body.GetProperty("credentials").EnumerateArray().Single(c => c.GetProperty("token_name").GetString() == Harness.Cred);
        Assert.False(cred.GetProperty("overdue").GetBoolean());
        var copies = cred.GetProperty("copies").EnumerateArray().ToList();
        Assert.Equal("vault", copies[0].GetProperty("consumer_id").GetString()); // the canonical store first
        Assert.True(copies[0].GetProperty("canonical").GetBoolean());
        Assert.Equal(4, copies.Count);
        var search = copies.Single(c => c.GetProperty("consumer_id").GetString() == "search");
        Assert.Equal("http", search.GetProperty("kind").GetString());
        Assert.Equal($"{api.Engine.Apps.BaseUrl}/config/search", search.GetProperty("target").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, search.GetProperty("last_written_at").ValueKind);
        Assert.Equal(jobId, search.GetProperty("written_by_job").GetString());
    }
}
