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

namespace Velvet.Vendors.Tests.Support;

/// <summary>What the endpoint received.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A local Kestrel endpoint that behaves like a consumer: answers the status in <c>?status=</c>, sets
/// <c>Retry-After</c> from <c>?retry_after=</c>, sleeps <c>?delay_ms=</c>, and on errors echoes the request body in
/// the response body and the reason phrase, the way careless APIs do, so tests can prove we never print it.
/// </summary>
public sealed class ConsumerEndpointServer : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly ConcurrentDictionary<string, RecordedRequest> _requests = new(StringComparer.Ordinal);

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>A URL unique to one call, so tests can find what it received even when classes run in parallel.</summary>
    public Uri Url(string path, string query = "") =>
        new(BaseAddress, $"{path}?id={Guid.NewGuid():N}{(query.Length > 0 ? "&" + query : "")}");

    public RecordedRequest? Received(Uri url) => _requests.TryGetValue(url.PathAndQuery, out var r) ? r : null;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync(ctx.RequestAborted);
        var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests[ctx.Request.Path + ctx.Request.QueryString] = new RecordedRequest(ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString, headers, body);

        var q = ctx.Request.Query;
        if (int.TryParse(q["delay_ms"], CultureInfo.InvariantCulture, out var delay))
            await Task.Delay(delay, ctx.RequestAborted);
        var status = int.TryParse(q["status"], CultureInfo.InvariantCulture, out var s) ? s : 200;
        ctx.Response.StatusCode = status;
        if (q.TryGetValue("retry_after", out var retryAfter)) ctx.Response.Headers.RetryAfter = retryAfter.ToString();
        if (status >= 400 && body.Length > 0)
        {
            ctx.Features.GetRequiredFeature<IHttpResponseFeature>().ReasonPhrase = "echo " + body;
            var echo = System.Text.Encoding.UTF8.GetBytes($"{{\"error\":\"rejected\",\"you_sent\":{body}}}");
            ctx.Response.ContentLength = echo.Length;
            await ctx.Response.Body.WriteAsync(echo, ctx.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
