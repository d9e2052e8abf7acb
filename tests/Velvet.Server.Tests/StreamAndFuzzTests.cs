using System.Net;
using System.Net.Http.Json;
using System.Text;
using Velvet.Engine.Tests.Support;

namespace Velvet.Server.Tests;

public class StreamAndFuzzTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<(string Id, string Event, string Data)>> ReadSseAsync(HttpClient client, string url, string? lastEventId = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        req.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) req.Headers.Add("Last-Event-ID", lastEventId);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        using var r = await client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", r.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await r.Content.ReadAsStreamAsync(cts.Token));
        var items = new List<(string, string, string)>();
        string id = "", ev = "", data = "";
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.Length == 0) { if (data.Length > 0) items.Add((id, ev, data)); id = ev = data = ""; continue; }
            if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) ev = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data += line[6..];
        }
        return items;
    }

    [Fact]
    public async Task The_stream_sends_every_event_with_an_id_resumes_after_last_event_id_and_closes_after_a_terminal_status()
    {
        await using var api = await ApiHarness.StartAsync();
        var rot = api.As("rotator");
        var jobId = (await ApiHarness.JsonAsync(await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { flow_type = "testing" }, Ct))).GetProperty("job_id").GetString();
        var url = $"/tokens/{Harness.Cred}/rotations/{jobId}/stream";

        var all = await ReadSseAsync(api.As("reader"), url); // returns because testing ends in done
        Assert.Contains(all, e => e.Event == "status" && e.Data.Contains("\"to_status\":\"done\"", StringComparison.Ordinal));
        var ids = all.Select(e => long.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var stored = await api.Engine.EventsAsync(Guid.Parse(jobId!));
        Assert.Equal(stored.Select(e => e.Seq), ids);

        var resumed = await ReadSseAsync(api.As("reader"), url, all[1].Id);
        Assert.Equal(ids.Skip(2), resumed.Select(e => long.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task The_stream_follows_a_live_rotation_to_done()
    {
        await using var api = await ApiHarness.StartAsync();
        var rot = api.As("rotator");
        var jobId = (await ApiHarness.JsonAsync(await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { }, Ct))).GetProperty("job_id").GetString();
        var streaming = ReadSseAsync(api.As("reader"), $"/tokens/{Harness.Cred}/rotations/{jobId}/stream");
        var stage = $"/tokens/{Harness.Cred}/rotations/{jobId}/stage";
        await rot.PostAsJsonAsync(stage, new { action = "verify" }, Ct);
        await api.WaitForAsync(jobId!, "verified");
        await rot.PostAsJsonAsync(stage, new { action = "proceed_mint" }, Ct);
        await api.WaitForAsync(jobId!, "validated");
        await rot.PostAsJsonAsync(stage, new { action = "proceed_revoke", confirm_credential_name = Harness.Cred, ticket_id = "ROT-2026-1" }, Ct);
        var events = await streaming;
        Assert.Contains(events, e => e.Event == "consumer" && e.Data.Contains("\"consumer_id\":\"billing\"", StringComparison.Ordinal));
        Assert.Equal("status", events[^1].Event);
        Assert.Contains("\"to_status\":\"done\"", events[^1].Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fifty_subscribers_of_one_job_each_receive_every_event()
    {
        await using var api = await ApiHarness.StartAsync();
        var rot = api.As("rotator");
        var jobId = (await ApiHarness.JsonAsync(await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { }, Ct))).GetProperty("job_id").GetString();
        var url = $"/tokens/{Harness.Cred}/rotations/{jobId}/stream";
        var subscribers = Enumerable.Range(0, 50).Select(_ => ReadSseAsync(api.As("reader"), url)).ToList();
        await Task.Delay(300, Ct);
        var stage = $"/tokens/{Harness.Cred}/rotations/{jobId}/stage";
        await rot.PostAsJsonAsync(stage, new { action = "verify" }, Ct);
        await api.WaitForAsync(jobId!, "verified");
        await rot.PostAsJsonAsync(stage, new { action = "abort", reason = "enough" }, Ct);
        var received = await Task.WhenAll(subscribers);
        var stored = (await api.Engine.EventsAsync(Guid.Parse(jobId!))).Select(e => e.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.All(received, r => Assert.Equal(stored, r.Select(e => e.Id)));
    }

    [Fact]
    public async Task Malformed_bodies_and_paths_never_get_a_5xx()
    {
        await using var api = await ApiHarness.StartAsync();
        var rot = api.As("admin");
        var jobId = (await ApiHarness.JsonAsync(await rot.PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { }, Ct))).GetProperty("job_id").GetString();
        var rng = new Random(20261122);
        string[] bodies =
        [
            "", "null", "{}", "[]", "\"x\"", "1", "{\"action\":null}", "{\"action\":1}", "{\"action\":\"verify\",\"action\":\"abort\"}",
            "{\"action\":\"manual_confirm\"}", "{\"action\":\"proceed_mint\",\"new_value\":\"\"}", "{\"action\":\"" + new string('a', 5000) + "\"}",
            "{\"flow_type\":{}}", "{\"limit\":-1}", "\u0000\u0001", "{\"action\":\"verify\"", "{'action':'verify'}", "{\"action\":\"verify\"}garbage",
        ];
        string[] paths =
        [
            $"/tokens/{Harness.Cred}/rotate", $"/tokens/{Harness.Cred}/revoke", $"/tokens/{Harness.Cred}/rotations/{jobId}/stage",
            $"/tokens/{Harness.Cred}/rotations/not-a-guid/stage", "/tokens/%01/rotate", $"/tokens/{Harness.Cred}/rotations/{jobId}",
            $"/tokens/{Harness.Cred}/rotations?limit=abc", $"/tokens/{Harness.Cred}/rotations?limit=99999", "/tokens/../../etc/passwd",
            $"/tokens/{new string('Z', 3000)}/subscribers", "/jobs/stuck?x=%ff", $"/tokens/{Harness.Cred}/rotations/{Guid.NewGuid()}/stream",
        ];
        var count = 0;
        foreach (var path in paths)
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
            {
                foreach (var body in method == HttpMethod.Get ? [""] : bodies.Concat([RandomJson(rng), RandomJson(rng)]))
                {
                    using var req = new HttpRequestMessage(method, path);
                    if (method != HttpMethod.Get) req.Content = new StringContent(body, Encoding.UTF8, rng.Next(4) == 0 ? "text/plain" : "application/json");
                    var r = await rot.SendAsync(req, Ct);
                    count++;
                    Assert.True((int)r.StatusCode < 500, $"{method} {path} with body {Short(body)} answered {(int)r.StatusCode}");
                }
            }
        }
        Assert.True(count > 500, $"only {count} requests");
    }

    private static string Short(string s) => s.Length > 60 ? s[..60] + "…" : s;

    private static string RandomJson(Random rng)
    {
        string[] keys = ["action", "flow_type", "idempotency_key", "force_revoke", "consumer_id", "reason", "ticket_id", "new_value", "zzz"];
        string[] values = ["\"verify\"", "true", "1.5e308", "null", "[]", "{}", "\"abort\"", "\"ROT-2026-x\"", "-1", "\"\\ud800\""];
        var n = rng.Next(0, 5);
        return "{" + string.Join(",", Enumerable.Range(0, n).Select(_ => $"\"{keys[rng.Next(keys.Length)]}\":{values[rng.Next(values.Length)]}")) + "}";
    }
}
