using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Http;

public sealed class HttpConsumerTests(ConsumerEndpointServer server) : IClassFixture<ConsumerEndpointServer>
{
    private const string NewValue = "canary-NEW-value-7f3a9c51";
    private const string AuthValue = "deploy-token-AUTH-91b2e0";
    private static readonly SecretValue Value = new(NewValue);
    private readonly DictionarySecretSource _secrets = new(new Dictionary<string, string> { ["DEPLOY_TOKEN"] = AuthValue });

    internal static ConsumerSpec Spec(Uri update, string? method = null, string? auth = "DEPLOY_TOKEN",
        Dictionary<string, string>? settings = null, Uri? health = null, int? healthStatus = null) => new()
    {
        ConsumerId = "app-api",
        TokenName = "API_TOKEN",
        Kind = "http",
        Env = "prod",
        UpdateEndpoint = update.ToString(),
        UpdateMethod = method,
        UpdateAuthTokenName = auth,
        Settings = settings ?? [],
        HealthcheckEndpoint = health?.ToString(),
        HealthcheckSuccessStatus = healthStatus,
        Line = 12,
    };

    internal static BuiltInAdapterCatalog Catalog(TimeSpan? timeout = null, TimeProvider? time = null) => new(new BuiltInAdapterOptions
    {
        StateDirectory = Path.GetTempPath(),
        HttpTimeout = timeout ?? TimeSpan.FromSeconds(5),
        TimeProvider = time ?? TimeProvider.System,
    });

    private async Task<Outcome> PushAsync(Uri url, string? method = null, Dictionary<string, string>? settings = null, TimeSpan? timeout = null, TimeProvider? time = null)
    {
        var consumer = Catalog(timeout, time).CreateConsumer(Contexts.Credential(), Spec(url, method, settings: settings));
        return await consumer.PushAsync(Contexts.Consumer(_secrets), Value, TestContext.Current.CancellationToken);
    }

    private static void AssertNoSecret(Outcome outcome)
    {
        var text = outcome.ToString();
        Assert.DoesNotContain(NewValue, text, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthValue, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_sends_the_value_in_the_default_json_field_with_a_bearer_header_from_the_auth_credential()
    {
        var url = server.Url("/config");
        var outcome = await PushAsync(url);

        Assert.Equal(OutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal($"PUT {server.BaseAddress}config: 200 ok; sent {Value.Fingerprint}", outcome.Message);
        var got = server.Received(url)!;
        Assert.Equal("PUT", got.Method);
        Assert.Equal($"Bearer {AuthValue}", got.Headers["Authorization"]);
        Assert.StartsWith("application/json", got.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(NewValue, JsonDocument.Parse(got.Body).RootElement.GetProperty("value").GetString());
        AssertNoSecret(outcome);
    }

    [Fact]
    public async Task Post_with_body_field_and_custom_auth_header_sends_the_bare_auth_value()
    {
        var url = server.Url("/secrets");
        var outcome = await PushAsync(url, "post", new() { ["body_field"] = "api_key", ["auth_header"] = "X-Api-Key" });

        Assert.True(outcome.IsSuccess);
        var got = server.Received(url)!;
        Assert.Equal("POST", got.Method);
        Assert.Equal(AuthValue, got.Headers["X-Api-Key"]);
        Assert.False(got.Headers.ContainsKey("Authorization"));
        Assert.Equal(NewValue, JsonDocument.Parse(got.Body).RootElement.GetProperty("api_key").GetString());
    }

    [Fact]
    public async Task Patch_is_used_when_update_method_says_so()
    {
        var url = server.Url("/config");
        Assert.True((await PushAsync(url, "PATCH")).IsSuccess);
        Assert.Equal("PATCH", server.Received(url)!.Method);
    }

    [Theory]
    [InlineData(201)]
    [InlineData(204)]
    public async Task Any_2xx_answer_to_an_update_succeeds(int status)
    {
        var outcome = await PushAsync(server.Url("/config", $"status={status}"));
        Assert.Equal(OutcomeKind.Succeeded, outcome.Kind);
    }

    [Theory]
    [InlineData(401, "401 unauthorized: the endpoint refused the update credential (update_auth_token_name); fix that credential, do not rotate")]
    [InlineData(403, "403 forbidden: fix the consumer's policy, do not rotate")]
    [InlineData(404, "404 not found: check update_endpoint")]
    [InlineData(422, "422 unprocessable entity: the endpoint refused the value; check its format rules and body_field")]
    [InlineData(409, "409 conflict: the endpoint refused the request; fix the consumer's settings, do not rotate")]
    public async Task Client_errors_are_permanent_with_advice_and_never_echo_the_value(int status, string advice)
    {
        var url = server.Url("/config", $"status={status}");
        var outcome = await PushAsync(url);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.Equal(status, outcome.HttpStatus);
        Assert.StartsWith($"PUT {server.BaseAddress}config: {advice} (response body ", outcome.Message, StringComparison.Ordinal);
        Assert.EndsWith(" bytes, not shown)", outcome.Message, StringComparison.Ordinal);
        // The endpoint did echo the value back; our outcome must not carry it.
        Assert.Contains(NewValue, server.Received(url)!.Body, StringComparison.Ordinal);
        AssertNoSecret(outcome);
    }

    [Fact]
    public async Task Status_429_is_transient_and_carries_retry_after_seconds()
    {
        var outcome = await PushAsync(server.Url("/config", "status=429&retry_after=30"));

        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(30), outcome.RetryAfter);
        Assert.Equal(429, outcome.HttpStatus);
        Assert.StartsWith($"PUT {server.BaseAddress}config: 429 too many requests; retry after 30 s", outcome.Message, StringComparison.Ordinal);
        AssertNoSecret(outcome);
    }

    [Fact]
    public async Task Status_503_with_an_http_date_retry_after_waits_until_that_date()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(now);
        var date = Uri.EscapeDataString(now.AddMinutes(2).ToString("r"));
        var outcome = await PushAsync(server.Url("/config", $"status=503&retry_after={date}"), time: time);

        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromMinutes(2), outcome.RetryAfter);
        Assert.Contains("503 service unavailable; retry after 120 s", outcome.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(408)]
    public async Task Server_errors_and_408_are_transient(int status)
    {
        var outcome = await PushAsync(server.Url("/config", $"status={status}"));
        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
        Assert.Null(outcome.RetryAfter);
        AssertNoSecret(outcome);
    }

    [Fact]
    public async Task A_slow_endpoint_times_out_as_transient()
    {
        var outcome = await PushAsync(server.Url("/config", "delay_ms=5000"), timeout: TimeSpan.FromMilliseconds(300));

        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"PUT {server.BaseAddress}config: no answer within 0.3 s (timeout); retry", outcome.Message);
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var outcome = await PushAsync(new Uri($"http://127.0.0.1:{port}/config"));

        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"PUT http://127.0.0.1:{port}/config: connection refused; is the endpoint up? retry", outcome.Message);
    }

    [Fact]
    public async Task Missing_auth_secret_is_permanent_names_the_credential_and_sends_nothing()
    {
        var url = server.Url("/config");
        var consumer = Catalog().CreateConsumer(Contexts.Credential(), Spec(url, auth: "ci-deploy.token"));
        var outcome = await consumer.PushAsync(Contexts.Consumer(_secrets), Value, TestContext.Current.CancellationToken);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("app-api: the update credential ci-deploy.token (update_auth_token_name) has no current value; give it to Velvet, e.g. as the environment variable VELVET_SECRET_CI_DEPLOY_TOKEN", outcome.Message);
        Assert.Null(server.Received(url));
    }

    [Fact]
    public async Task Without_update_auth_token_name_no_auth_header_is_sent()
    {
        var url = server.Url("/config");
        var consumer = Catalog().CreateConsumer(Contexts.Credential(), Spec(url, auth: null));
        Assert.True((await consumer.PushAsync(Contexts.Consumer(_secrets), Value, TestContext.Current.CancellationToken)).IsSuccess);
        Assert.False(server.Received(url)!.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Without_healthcheck_validate_and_probe_need_a_person()
    {
        var consumer = Catalog().CreateConsumer(Contexts.Credential(), Spec(server.Url("/config")));
        var ct = TestContext.Current.CancellationToken;

        var validate = await consumer.ValidateAsync(Contexts.Consumer(_secrets), ct);
        var probe = await consumer.ProbeRejectedAsync(Contexts.Consumer(_secrets), ct);

        Assert.Equal(OutcomeKind.NeedsConfirm, validate.Kind);
        Assert.Equal("no healthcheck_endpoint: confirm manually that app-api works with the new value", validate.Message);
        Assert.Equal(OutcomeKind.NeedsConfirm, probe.Kind);
        Assert.Equal("no healthcheck_endpoint: confirm manually that app-api now refuses the revoked credential", probe.Message);
    }

    [Fact]
    public async Task With_healthcheck_validate_and_probe_use_it()
    {
        var spec = Spec(server.Url("/config"), health: server.Url("/health", "status=401"));
        var consumer = Catalog().CreateConsumer(Contexts.Credential(), spec);
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(OutcomeKind.Permanent, (await consumer.ValidateAsync(Contexts.Consumer(_secrets), ct)).Kind);
        Assert.Equal(OutcomeKind.Succeeded, (await consumer.ProbeRejectedAsync(Contexts.Consumer(_secrets), ct)).Kind);
    }
}
