using System.Net;
using System.Net.Http.Json;
using Velvet.Engine.Tests.Support;

namespace Velvet.Server.Tests;

/// <summary>GET job is served from memory between writes (ADR 0008): own writes show at once, others' within the TTL.</summary>
public sealed class JobViewCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(ApiHarness Api, string JobId, string Url)> StartJobAsync(TimeSpan ttl)
    {
        var api = await ApiHarness.StartAsync(tweak: s => s with { JobViewCacheTtl = ttl });
        var r = await api.As("rotator").PostAsJsonAsync($"/tokens/{Harness.Cred}/rotate", new { }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        var jobId = (await ApiHarness.JsonAsync(r)).GetProperty("job_id").GetString()!;
        return (api, jobId, $"/tokens/{Harness.Cred}/rotations/{jobId}");
    }

    /// <summary>What another replica (or the CLI) does: a write straight to the shared store, not through this server.</summary>
    private static async Task WriteElsewhereAsync(ApiHarness api, string jobId, string error)
    {
        var job = (await api.Engine.Store.GetJobAsync(Guid.Parse(jobId), Ct))!;
        var written = await api.Engine.Store.UpdateJobAsync(job with { LastError = error, UpdatedAt = job.UpdatedAt.AddSeconds(1) }, [], [], Ct);
        Assert.True(written.IsOk, written.Error?.Message);
    }

    private static async Task<string?> LastErrorAsync(HttpClient client, string url, bool noCache = false)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        if (noCache) req.Headers.CacheControl = new() { NoCache = true };
        using var r = await client.SendAsync(req, Ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
        var view = await ApiHarness.JsonAsync(r);
        Assert.True(view.GetProperty("consumers").GetArrayLength() > 0);
        return view.GetProperty("last_error").GetString();
    }

    [Fact]
    public async Task Writes_through_this_server_show_at_once_and_writes_elsewhere_after_the_ttl_or_with_no_cache()
    {
        var (api, jobId, url) = await StartJobAsync(TimeSpan.FromHours(1));
        await using var _ = api;
        var reader = api.As("reader");
        Assert.Null(await LastErrorAsync(reader, url));

        await WriteElsewhereAsync(api, jobId, "written by another replica");
        Assert.Null(await LastErrorAsync(reader, url)); // served from memory: the TTL has not passed
        Assert.Equal("written by another replica", await LastErrorAsync(reader, url, noCache: true));

        // An action through this server drops the entry: the next read shows it.
        var abort = await api.As("rotator").PostAsJsonAsync($"{url}/stage", new { action = "abort" }, Ct);
        Assert.Equal(HttpStatusCode.OK, abort.StatusCode);
        using var after = await reader.GetAsync(url, Ct);
        Assert.Equal("aborted", (await ApiHarness.JsonAsync(after)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_write_elsewhere_shows_once_the_ttl_has_passed()
    {
        var (api, jobId, url) = await StartJobAsync(TimeSpan.FromMilliseconds(100));
        await using var _ = api;
        var reader = api.As("reader");
        Assert.Null(await LastErrorAsync(reader, url));
        await WriteElsewhereAsync(api, jobId, "written by the cli");
        await Task.Delay(250, Ct);
        // The first read after the TTL may still get the expired view while it starts the refresh (no stampede);
        // the refresh is one store read, so the write shows right after.
        string? seen = null;
        for (var i = 0; i < 40 && seen is null; i++)
        {
            seen = await LastErrorAsync(reader, url);
            if (seen is null) await Task.Delay(50, Ct);
        }
        Assert.Equal("written by the cli", seen);
    }

    [Fact]
    public async Task Concurrent_readers_right_after_a_change_all_see_it()
    {
        var (api, jobId, url) = await StartJobAsync(TimeSpan.FromHours(1));
        await using var _ = api;
        var reader = api.As("reader");
        Assert.Null(await LastErrorAsync(reader, url));
        var abort = await api.As("rotator").PostAsJsonAsync($"{url}/stage", new { action = "abort" }, Ct);
        Assert.Equal(HttpStatusCode.OK, abort.StatusCode);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var r = await reader.GetAsync(url, Ct);
            return (await ApiHarness.JsonAsync(r)).GetProperty("status").GetString();
        }));
        Assert.All(statuses, s => Assert.Equal("aborted", s));
    }

    [Fact]
    public async Task The_cache_never_serves_a_job_under_another_credential_name()
    {
        var (api, _, url) = await StartJobAsync(TimeSpan.FromHours(1));
        await using var __ = api;
        var reader = api.As("reader");
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(url, Ct)).StatusCode);
        var other = url.Replace($"/tokens/{Harness.Cred}/", "/tokens/SOME_OTHER_TOKEN/", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync(other, Ct)).StatusCode);
    }
}
