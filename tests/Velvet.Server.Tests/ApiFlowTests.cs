using System.Net;
using System.Net.Http.Json;
using System.Text;
using Velvet.Engine.Tests.Support;

namespace Velvet.Server.Tests;

public class ApiFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/health")]
    public async Task Health_and_its_alias_answer_without_a_token(string path)
    {
        await using var api = await ApiHarness.StartAsync();
        var r = await api.Anonymous.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("""{"service":"velvet","status":"ok"}""", await r.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Readiness_checks_the_store()
    {
        await using var api = await ApiHarness.StartAsync();
        var body = await ApiHarness.JsonAsync(await api.Anonymous.GetAsync("/readyz", Ct));
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("store").GetString());
    }

    [Fact]
    public async Task A_full_rotation_through_the_api_with_the_teams_paths_and_fields()
    {
        await using var api = await ApiHarness.StartAsync();
        var rot = api.As("rotator");
        var start = await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { flow_type = "operational", idempotency_key = "k-1", force_revoke = false }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var started = await ApiHarness.JsonAsync(start);
        var jobId = started.GetProperty("job_id").GetString()!;
        Assert.Equal("init", started.GetProperty("status").GetString());

        var replay = await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { idempotency_key = "k-1" }, Ct);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(jobId, (await ApiHarness.JsonAsync(replay)).GetProperty("job_id").GetString());

        var second = await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { flow_type = "operational" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var conflict = await ApiHarness.JsonAsync(second);
        Assert.Equal(jobId, conflict.GetProperty("existing_job_id").GetString());
        Assert.StartsWith("active rotation already in progress", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var stage = $"/tokens/{Harness.Cred}/rotations/{jobId}/stage";
        Assert.Equal(HttpStatusCode.OK, (await rot.PostAsJsonAsync(stage, new { action = "verify" }, Ct)).StatusCode);
        await api.WaitForAsync(jobId, "verified");
        Assert.Equal(HttpStatusCode.OK, (await rot.PostAsJsonAsync(stage, new { action = "proceed_mint" }, Ct)).StatusCode);
        var validated = await api.WaitForAsync(jobId, "validated");
        var consumers = validated.GetProperty("consumers").EnumerateArray().ToList();
        Assert.Equal(4, consumers.Count);
        Assert.All(consumers, c =>
        {
            Assert.Equal("succeeded", c.GetProperty("distribute_status").GetString());
            Assert.Equal("succeeded", c.GetProperty("validate_status").GetString());
            Assert.True(c.TryGetProperty("last_error", out _) || true);
            Assert.True(c.TryGetProperty("updated_at", out _));
        });
        Assert.True(validated.TryGetProperty("created_at", out _));

        var noTicket = await rot.PostAsJsonAsync(stage, new { action = "proceed_revoke", confirm_credential_name = Harness.Cred }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noTicket.StatusCode);
        Assert.Equal("ticket_id", (await ApiHarness.JsonAsync(noTicket)).GetProperty("field").GetString());
        var revoke = await rot.PostAsJsonAsync(stage, new { action = "proceed_revoke", confirm_credential_name = Harness.Cred, ticket_id = "ROT-2026-11-API_TOKEN" }, Ct);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await api.WaitForAsync(jobId, "done");

        var events = await api.Engine.EventsAsync(Guid.Parse(jobId));
        Assert.Contains(events, e => e.Kind == "action" && e.Actor == "rotator");
        Assert.Contains(events, e => e.Kind == "created" && e.Actor == "rotator");

        var list = await ApiHarness.JsonAsync(await api.As("reader").GetAsync($"/tokens/{Harness.Cred}/rotations?limit=5", Ct));
        Assert.Equal(jobId, list.GetProperty("rotations")[0].GetProperty("job_id").GetString());
    }

    [Fact]
    public async Task An_action_not_allowed_now_is_a_409_naming_the_status_and_the_allowed_actions()
    {
        await using var api = await ApiHarness.StartAsync();
        var rot = api.As("rotator");
        var jobId = (await ApiHarness.JsonAsync(await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { }, Ct))).GetProperty("job_id").GetString();
        var r = await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotations/{jobId}/stage", new { action = "proceed_revoke" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType!.MediaType);
        var p = await ApiHarness.JsonAsync(r);
        Assert.Equal("init", p.GetProperty("current_status").GetString());
        Assert.Equal(["verify", "abort"], p.GetProperty("allowed_actions").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("action proceed_revoke is not allowed while the job is init; allowed now: verify, abort", p.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Abort_returns_the_residual_state_report()
    {
        await using var api = await ApiHarness.StartAsync();
        var rot = api.As("rotator");
        var jobId = (await ApiHarness.JsonAsync(await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { }, Ct))).GetProperty("job_id").GetString();
        var r = await ApiHarness.JsonAsync(await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotations/{jobId}/stage", new { action = "abort", reason = "test" }, Ct));
        Assert.Equal("aborted", r.GetProperty("status").GetString());
        Assert.Equal("init", r.GetProperty("residual").GetProperty("aborted_from").GetString());
        Assert.NotEmpty(r.GetProperty("residual").GetProperty("cleanup_steps").EnumerateArray());
    }

    [Theory]
    [InlineData("{", "body")]
    [InlineData("""{"flow_type": "operational", "colour": "red"}""", "colour")]
    [InlineData("""{"force_revoke": "yes"}""", "force_revoke")]
    [InlineData("""{"flow_type": "sideways"}""", "flow_type")]
    [InlineData("[1,2]", null)]
    public async Task Bad_bodies_are_400_naming_the_field(string body, string? field)
    {
        await using var api = await ApiHarness.StartAsync();
        var r = await api.As("rotator").PostAsync($"/tokens/{Harness.Cred}/rotate", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var p = await ApiHarness.JsonAsync(r);
        if (field is not null) Assert.Contains(field, p.GetProperty("detail").GetString() + " " + (p.TryGetProperty("field", out var f) ? f.GetString() : ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_without_a_5xx()
    {
        await using var api = await ApiHarness.StartAsync();
        var big = "{\"idempotency_key\":\"" + new string('x', 200_000) + "\"}";
        var r = await api.As("rotator").PostAsync($"/tokens/{Harness.Cred}/rotate", new StringContent(big, Encoding.UTF8, "application/json"), Ct);
        Assert.InRange((int)r.StatusCode, 400, 499);
    }

    [Fact]
    public async Task Rotation_flag_off_answers_503_with_the_reason_and_flags_show_it()
    {
        await using var api = await ApiHarness.StartAsync(tweak: s => s with { RotationEnabled = false, RotationDisabledReason = "paused for the audit" });
        var r = await api.As("rotator").PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { }, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
        Assert.Equal("paused for the audit", (await ApiHarness.JsonAsync(r)).GetProperty("detail").GetString());
        var flags = await ApiHarness.JsonAsync(await api.As("reader").GetAsync("/flags", Ct));
        Assert.False(flags.GetProperty("velvet_v2_rotation").GetBoolean());
        Assert.False(flags.GetProperty("rotation_enabled").GetBoolean());
    }

    [Fact]
    public async Task Tokens_and_subscribers_list_this_envs_credentials_and_404_an_unknown_one()
    {
        await using var api = await ApiHarness.StartAsync();
        var reader = api.As("reader");
        var tokens = await ApiHarness.JsonAsync(await reader.GetAsync("/tokens", Ct));
        Assert.Contains(tokens.GetProperty("tokens").EnumerateArray(), t => t.GetProperty("token_name").GetString() == Harness.Cred);
        var subs = await ApiHarness.JsonAsync(await reader.GetAsync($"/tokens/{Harness.Cred}/subscribers", Ct));
        Assert.Equal(["app-env", "billing", "search", "vault"], subs.GetProperty("subscribers").EnumerateArray().Select(x => x.GetProperty("consumer_id").GetString()).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/tokens/NOPE/subscribers", Ct)).StatusCode);
    }

    [Fact]
    public async Task Emergency_revocation_needs_the_revoke_scope_and_the_name_typed_back()
    {
        await using var api = await ApiHarness.StartAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await api.As("rotator").PostAsJsonAsync($"/tokens/{Harness.Cred}/revoke", new { confirm_credential_name = Harness.Cred }, Ct)).StatusCode);
        var wrong = await api.As("revoker").PostAsJsonAsync($"/tokens/{Harness.Cred}/revoke", new { confirm_credential_name = "api_token" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var ok = await api.As("revoker").PostAsJsonAsync($"/tokens/{Harness.Cred}/revoke", new { confirm_credential_name = Harness.Cred }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        var job = await ApiHarness.JsonAsync(ok);
        Assert.Equal("rev_init", job.GetProperty("status").GetString());
        await api.WaitForAsync(job.GetProperty("job_id").GetString()!, "rev_validating");
    }
}
