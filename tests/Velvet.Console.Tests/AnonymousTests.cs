using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Velvet.Console.Tests.Support;

namespace Velvet.Console.Tests;

/// <summary>Without a session, the console shows only its sign-in page and its assets (no browser needed).</summary>
public sealed class AnonymousTests
{
    private static readonly string[] Public = ["/console/sign-in", "/console/assets/console.css", "/console/assets/console.js"];

    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task Every_console_route_without_a_session_redirects_to_sign_in_or_is_refused_except_sign_in_and_assets()
    {
        await using var server = await ConsoleHarness.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(server.BaseUrl) };
        var routes = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(r => r.RoutePattern.RawText?.StartsWith("/console", StringComparison.Ordinal) == true).ToList();
        Assert.True(routes.Count >= 9, $"only {routes.Count} console routes");
        foreach (var route in routes)
        {
            var path = "/" + string.Join("/", route.RoutePattern.PathSegments.Select(seg => string.Concat(seg.Parts.Select(p => p switch
            {
                RoutePatternLiteralPart l => l.Content,
                RoutePatternParameterPart { Name: "jobId" } => Guid.NewGuid().ToString(),
                RoutePatternParameterPart { Name: "file" } => "console.css",
                RoutePatternParameterPart => "API_TOKEN",
                _ => "",
            })))).TrimEnd('/');
            foreach (var method in route.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                using var r = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);
                var where = $"{method} {path} answered {(int)r.StatusCode}";
                if (method == "GET" && Public.Contains(path)) Assert.True(r.StatusCode == HttpStatusCode.OK, where);
                else if (method == "GET") Assert.True(r.StatusCode == HttpStatusCode.Redirect && r.Headers.Location!.OriginalString.Contains("/console/", StringComparison.Ordinal), where);
                else Assert.True(r.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, where); // no anti-forgery token, no session
            }
        }
        var css = await http.GetAsync("/console/assets/console.css", TestContext.Current.CancellationToken);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        var page = await http.GetAsync("/console/sign-in", TestContext.Current.CancellationToken);
        var csp = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("http", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal); // nothing from elsewhere
    }
}
