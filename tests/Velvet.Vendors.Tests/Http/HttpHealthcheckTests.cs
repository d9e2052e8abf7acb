using Velvet.Core.Ports;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Http;

public sealed class HttpHealthcheckTests(ConsumerEndpointServer server) : IClassFixture<ConsumerEndpointServer>
{
    private IHealthcheck Healthcheck(Uri url, int? successStatus = null, TimeSpan? timeout = null) =>
        HttpConsumerTests.Catalog(timeout).CreateHealthcheck(HttpConsumerTests.Spec(server.Url("/config"), health: url, healthStatus: successStatus))!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_consumer_without_healthcheck_endpoint_has_no_healthcheck()
    {
        Assert.Null(HttpConsumerTests.Catalog().CreateHealthcheck(HttpConsumerTests.Spec(server.Url("/config"))));
    }

    [Fact]
    public async Task Healthy_when_the_answer_is_the_expected_status()
    {
        var url = server.Url("/health", "status=204");
        var outcome = await Healthcheck(url, successStatus: 204).CheckHealthyAsync(Contexts.Consumer(), Ct);

        Assert.Equal(OutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal($"GET {server.BaseAddress}health: 204 (healthy)", outcome.Message);
        Assert.Equal("GET", server.Received(url)!.Method);
    }

    [Fact]
    public async Task A_different_status_than_expected_is_permanent()
    {
        var outcome = await Healthcheck(server.Url("/health", "status=401")).CheckHealthyAsync(Contexts.Consumer(), Ct);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.Equal($"GET {server.BaseAddress}health: 401 unauthorized, expected 200: app-api is not healthy with the new value", outcome.Message);
    }

    [Fact]
    public async Task Unhealthy_with_503_is_transient()
    {
        var outcome = await Healthcheck(server.Url("/health", "status=503&retry_after=5")).CheckHealthyAsync(Contexts.Consumer(), Ct);

        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(5), outcome.RetryAfter);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Refused_check_succeeds_on_401_and_403(int status)
    {
        var outcome = await Healthcheck(server.Url("/health", $"status={status}")).CheckRefusedAsync(Contexts.Consumer(), Ct);

        Assert.Equal(OutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal($"refused: {status}", outcome.Message);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(204)]
    public async Task Refused_check_reports_a_leak_when_the_consumer_still_gets_in(int status)
    {
        var outcome = await Healthcheck(server.Url("/health", $"status={status}")).CheckRefusedAsync(Contexts.Consumer(), Ct);

        Assert.Equal(OutcomeKind.Leaked, outcome.Kind);
        Assert.Equal($"still accepted: {status}", outcome.Message);
        Assert.Equal(status, outcome.HttpStatus);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    public async Task Refused_check_is_transient_when_the_consumer_cannot_tell(int status)
    {
        var outcome = await Healthcheck(server.Url("/health", $"status={status}")).CheckRefusedAsync(Contexts.Consumer(), Ct);
        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
    }

    [Fact]
    public async Task Refused_check_times_out_as_transient()
    {
        var check = Healthcheck(server.Url("/health", "delay_ms=5000"), timeout: TimeSpan.FromMilliseconds(300));
        var outcome = await check.CheckRefusedAsync(Contexts.Consumer(), Ct);

        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"GET {server.BaseAddress}health: no answer within 0.3 s (timeout); retry", outcome.Message);
    }

    [Fact]
    public async Task Refused_check_with_404_is_permanent()
    {
        var outcome = await Healthcheck(server.Url("/health", "status=404")).CheckRefusedAsync(Contexts.Consumer(), Ct);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.Equal($"GET {server.BaseAddress}health: 404 not found: neither refused (401/403) nor accepted (2xx); check healthcheck_endpoint", outcome.Message);
    }
}
