using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Velvet.Core.Auth;
using Velvet.Engine.Tests.Support;

namespace Velvet.Server.Tests;

public class AuthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string[] Open = ["/healthz", "/health", "/readyz"];

    [Fact]
    public async Task No_route_but_health_answers_without_a_token()
    {
        await using var api = await ApiHarness.StartAsync();
        var routes = api.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(routes.Count >= 14, $"only {routes.Count} routes found");
        var checkedRoutes = 0;
        foreach (var route in routes)
        {
            var path = "/" + string.Join("/", route.RoutePattern.PathSegments.Select(seg => string.Concat(seg.Parts.Select(p => p switch
            {
                RoutePatternLiteralPart l => l.Content,
                RoutePatternParameterPart { Name: "jobId" } => Guid.NewGuid().ToString(),
                RoutePatternParameterPart { Name: "name" } => Harness.Cred,
                RoutePatternParameterPart => "x",
                _ => "",
            }))));
            // The console's pages send people to its sign-in page instead: tests/Velvet.Console.Tests/AnonymousTests.cs.
            if (path.StartsWith("/console", StringComparison.Ordinal)) continue;
            var methods = route.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method != "GET") request.Content = JsonContent.Create(new { action = "abort" });
                var r = await api.Anonymous.SendAsync(request, Ct);
                checkedRoutes++;
                if (Open.Contains(path)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                else Assert.True(r.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)r.StatusCode} without a token");
            }
        }
        Assert.True(checkedRoutes >= 14);
    }

    [Fact]
    public async Task Wrong_unknown_and_revoked_tokens_are_401_and_a_missing_scope_is_403()
    {
        await using var api = await ApiHarness.StartAsync(tweak: s => s with { TokenCacheTtl = TimeSpan.Zero });
        async Task<HttpStatusCode> Get(string? bearer)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, "/tokens");
            if (bearer is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            return (await api.Anonymous.SendAsync(req, Ct)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await Get(null));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("not-a-token"));
        var reader = api.Tokens["reader"];
        Assert.Equal(HttpStatusCode.Unauthorized, await Get(reader[..^4] + "AAAA")); // right id, wrong secret
        Assert.Equal(HttpStatusCode.OK, await Get(reader));
        Assert.True(await ((IServiceTokenStore)api.Engine.Store).RevokeTokenAsync("reader", TimeProvider.System.GetUtcNow(), Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get(reader));

        var forbidden = await api.As("rotator").PostAsJsonAsync($"/tokens/{Harness.Cred}/revoke", new { confirm_credential_name = Harness.Cred }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var problem = await ApiHarness.JsonAsync(forbidden);
        Assert.Equal("service token rotator lacks the 'revoke' scope", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.As("rotator").GetAsync("/tokens", Ct)).StatusCode); // rotate implies read
        Assert.Equal(HttpStatusCode.OK, (await api.As("admin").GetAsync("/jobs/stuck", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_once_the_cached_row_expires()
    {
        await using var api = await ApiHarness.StartAsync(tweak: s => s with { TokenCacheTtl = TimeSpan.FromMilliseconds(300) });
        var reader = api.As("reader");
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/tokens", Ct)).StatusCode);
        Assert.True(await ((IServiceTokenStore)api.Engine.Store).RevokeTokenAsync("reader", TimeProvider.System.GetUtcNow(), Ct));
        await Task.Delay(500, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.GetAsync("/tokens", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_api_route()
    {
        await using var api = await ApiHarness.StartAsync();
        var doc = await (await api.As("reader").GetAsync("/openapi/v1.json", Ct)).Content.ReadAsStringAsync(Ct);
        foreach (var path in new[] { "/tokens/{name}/rotate", "/tokens/{name}/rotations/{jobId}/stage", "/tokens/{name}/rotations/{jobId}/stream", "/jobs/stuck", "/flags" })
            Assert.Contains(path, doc, StringComparison.Ordinal);
    }
}
