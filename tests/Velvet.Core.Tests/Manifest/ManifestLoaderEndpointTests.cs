namespace Velvet.Core.Tests.Manifest;

/// <summary>Endpoints receive credentials: https only, except loopback and local kinds.</summary>
public class ManifestLoaderEndpointTests
{
    /// <summary>The endpoint lands on line 9, its value at column <c>key.Length + 7</c>.</summary>
    private static List<string> ErrorsFor(string key, string url, string kind = "http") => TestKinds.Errors($"""
        credentials:
          - token_name: DEMO_API_TOKEN
            vendor: {"{"} kind: generated {"}"}
            env: demo
        consumers:
          - consumer_id: partner
            token_name: DEMO_API_TOKEN
            settings: {(kind == "http" ? "{}" : "{ path: ./app.env, key: API_TOKEN }")}
            {key}: {url}
            kind: {kind}
        """);

    [Theory]
    [InlineData("update_endpoint", "https://partner.example.com/creds")]
    [InlineData("update_endpoint", "http://localhost:8080/creds")]
    [InlineData("update_endpoint", "http://127.0.0.1/creds")]
    [InlineData("update_endpoint", "http://127.8.9.10/creds")]
    [InlineData("healthcheck_endpoint", "http://[::1]:9000/health")]
    public void Https_and_loopback_http_endpoints_are_accepted(string key, string url)
    {
        Assert.Empty(ErrorsFor(key, url));
    }

    [Theory]
    [InlineData("update_endpoint")]
    [InlineData("healthcheck_endpoint")]
    public void Http_endpoint_to_a_remote_host_is_rejected(string key)
    {
        Assert.Equal(
            [$"9:{key.Length + 7}: consumer partner: {key} \"http://partner.example.com/x\" uses plain http to partner.example.com — fix: use https:// (plain http is accepted only for localhost, 127.0.0.0/8 and ::1)"],
            ErrorsFor(key, "http://partner.example.com/x"));
    }

    [Theory]
    [InlineData("partner.example.com/creds", "is not an absolute URL", "write a full URL, e.g. https://app.example.com/velvet/credential")]
    [InlineData("/creds", "is not an absolute URL", "write a full URL, e.g. https://app.example.com/velvet/credential")]
    [InlineData("ftp://partner.example.com/creds", "must use https, not ftp", "use an https:// URL")]
    public void Endpoint_that_is_not_an_https_url_is_rejected(string url, string problem, string fix)
    {
        Assert.Equal(
            [$"9:22: consumer partner: update_endpoint \"{url}\" {problem} — fix: {fix}"],
            ErrorsFor("update_endpoint", url));
    }

    [Fact]
    public void Http_endpoint_of_a_local_kind_is_accepted()
    {
        Assert.Empty(ErrorsFor("healthcheck_endpoint", "http://app.internal:8080/health", kind: "dotenv-file"));
    }
}
