using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Velvet.Vendors.Tests.Notifications;

/// <summary>One request a receiver got.</summary>
public sealed record ReceivedPost(string Key, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>How a receiver answers requests for one key (status, body, Retry-After).</summary>
public sealed record Answer(int Status, string Body, int? RetryAfterSeconds = null);

/// <summary>
/// A local Kestrel server that plays Slack (incoming webhook at /slack-webhook/KEY, chat.postMessage at
/// /slack-api/KEY/chat.postMessage) and a generic webhook receiver (/hook/KEY). Each key answers like the real
/// thing ("ok", {"ok":true}, 200) until a test sets another <see cref="Answer"/> for it; every request is recorded.
/// </summary>
public sealed class NotificationReceiver : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly ConcurrentDictionary<string, Answer> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedPost> _received = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Answer>> _once = new(StringComparer.Ordinal);

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public static string NewKey() => Guid.NewGuid().ToString("N")[..12];

    public Uri SlackWebhook(string key) => new(BaseAddress, $"slack-webhook/{key}");

    public Uri SlackApi(string key) => new(BaseAddress, $"slack-api/{key}/chat.postMessage");

    public Uri Hook(string key) => new(BaseAddress, $"hook/{key}");

    /// <summary>From now on, requests for <paramref name="key"/> get <paramref name="answer"/>.</summary>
    public void Answer(string key, Answer answer) => _answers[key] = answer;

    /// <summary>The next request for <paramref name="key"/> gets <paramref name="answer"/> (queued; then the usual answer again).</summary>
    public void AnswerOnce(string key, Answer answer) => _once.GetOrAdd(key, _ => new ConcurrentQueue<Answer>()).Enqueue(answer);

    public IReadOnlyList<ReceivedPost> Received(string key) => _received.Where(r => r.Key == key).ToList();

    public IReadOnlyList<ReceivedPost> All => _received.ToList();

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/slack-webhook/{key}", (HttpContext ctx, string key) => HandleAsync(ctx, key, new Answer(200, "ok")));
        _app.MapPost("/slack-api/{key}/chat.postMessage", (HttpContext ctx, string key) => HandleAsync(ctx, key, new Answer(200, "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.2\"}")));
        _app.MapPost("/hook/{key}", (HttpContext ctx, string key) => HandleAsync(ctx, key, new Answer(204, "")));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address + "/");
    }

    private async Task HandleAsync(HttpContext ctx, string key, Answer normal)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync(ctx.RequestAborted);
        _received.Enqueue(new ReceivedPost(key, ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
        var answer = _once.TryGetValue(key, out var queue) && queue.TryDequeue(out var once) ? once : _answers.GetValueOrDefault(key, normal);
        ctx.Response.StatusCode = answer.Status;
        if (answer.RetryAfterSeconds is { } ra) ctx.Response.Headers.RetryAfter = ra.ToString(CultureInfo.InvariantCulture);
        if (answer.Body.Length > 0)
        {
            ctx.Response.ContentType = answer.Body.StartsWith('{') ? "application/json" : "text/plain";
            await ctx.Response.WriteAsync(answer.Body, ctx.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
