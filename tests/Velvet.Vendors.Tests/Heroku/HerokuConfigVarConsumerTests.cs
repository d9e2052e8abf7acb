using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;
using Velvet.Vendors.Heroku;
using Velvet.Vendors.Tests.Support;
using static Velvet.Vendors.Tests.Heroku.HerokuKit;

namespace Velvet.Vendors.Tests.Heroku;

public sealed class HerokuConfigVarConsumerTests : IAsyncLifetime
{
    private const string App = "raxx-api-prod";
    private const string BootstrapToken = "HRKU-bootstrap-canary-41ad";
    // Other vars of the app: Heroku echoes them in every PATCH and GET answer. None may reach an outcome.
    private const string DatabaseCanary = "postgres://owner:db-canary-pw-0c7e@ec2-9-9-9-9.compute-1.amazonaws.com:5432/d1";
    private const string OtherCanary = "sk_live_other-var-canary-77b1";
    private static readonly SecretValue NewToken = new("HRKU-new-canary-9f2b61");
    private HerokuFake _fake = null!;
    private readonly DictionarySecretSource _secrets = Secrets((Bootstrap, BootstrapToken));

    public async ValueTask InitializeAsync()
    {
        _fake = await HerokuFake.StartAsync();
        _fake.AddToken(BootstrapToken, "velvet bootstrap");
        _fake.AddApp(App, new Dictionary<string, string> { ["DATABASE_URL"] = DatabaseCanary, ["STRIPE_KEY"] = OtherCanary, ["HEROKU_API_KEY"] = "HRKU-old-value" });
    }

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IConsumerAdapter Adapter(string app = App, string? health = null) =>
        Catalog().CreateConsumer(TokenSpec(_fake), ConfigVar(_fake, app, health: health));

    private ConsumerContext Context(string? expected = null) => Consumer(_secrets, "heroku-config-" + App, expected);

    [Fact]
    public async Task Push_patches_only_our_key_and_never_reports_the_echoed_vars()
    {
        var outcome = await Adapter().PushAsync(Context(), NewToken, Ct);

        Assert.True(outcome.IsSuccess, outcome.Message);
        Assert.Equal($"PATCH /apps/{App}/config-vars: 200; set HEROKU_API_KEY ({NewToken.Fingerprint})", outcome.Message);
        var patch = Assert.Single(_fake.Server.RequestsTo("PATCH"));
        Assert.Equal(["HEROKU_API_KEY"], patch.BodyKeys);
        Assert.Equal("Bearer " + new SecretValue(BootstrapToken).Fingerprint, patch.Headers["Authorization"]);
        Assert.Equal(HerokuFake.AcceptV3, patch.Headers["Accept"]);
        Assert.Equal(NewToken.Reveal(), _fake.ConfigVar(App, "HEROKU_API_KEY"));
        Assert.Equal(DatabaseCanary, _fake.ConfigVar(App, "DATABASE_URL"));
        AssertClean(outcome.ToString(), DatabaseCanary, OtherCanary, NewToken.Reveal(), BootstrapToken);
    }

    [Fact]
    public async Task An_error_answer_that_echoes_the_vars_is_not_reported_either()
    {
        _fake.Server.Inject("PATCH", "/apps/{app}/config-vars", FakeResponse.Json(new Dictionary<string, string>
        {
            ["id"] = "invalid_params", ["message"] = "bad value " + NewToken.Reveal(), ["DATABASE_URL"] = DatabaseCanary,
        }, 422));

        var outcome = await Adapter().PushAsync(Context(), NewToken, Ct);

        Assert.Equal((OutcomeKind.Permanent, 422), (outcome.Kind, outcome.HttpStatus));
        Assert.StartsWith($"PATCH /apps/{App}/config-vars: 422 invalid_params: Heroku refused the request's parameters", outcome.Message, StringComparison.Ordinal);
        AssertClean(outcome.ToString(), DatabaseCanary, NewToken.Reveal(), BootstrapToken);
    }

    [Fact]
    public async Task Validate_compares_the_fingerprint_of_our_key_only()
    {
        await Adapter().PushAsync(Context(), NewToken, Ct);

        var ok = await Adapter().ValidateAsync(Context(NewToken.Fingerprint), Ct);
        var other = await Adapter().ValidateAsync(Context(new SecretValue("HRKU-someone-else").Fingerprint), Ct);

        Assert.True(ok.IsSuccess, ok.Message);
        Assert.Equal($"HEROKU_API_KEY on {App} holds the new value ({NewToken.Fingerprint})", ok.Message);
        Assert.Equal(OutcomeKind.Permanent, other.Kind);
        Assert.StartsWith($"HEROKU_API_KEY on {App} holds a different value than the one distributed", other.Message, StringComparison.Ordinal);
        AssertClean(ok.ToString() + other, DatabaseCanary, OtherCanary, NewToken.Reveal());
    }

    [Fact]
    public async Task Validate_says_when_the_key_is_not_set()
    {
        var outcome = await Catalog().CreateConsumer(TokenSpec(_fake), ConfigVar(_fake, App, key: "NOT_THERE")).ValidateAsync(Context(NewToken.Fingerprint), Ct);

        Assert.Equal("NOT_THERE is not set on raxx-api-prod; push again (retry_failed) and check nothing unsets it", outcome.Message);
    }

    [Fact]
    public async Task A_deleted_app_skips_the_row_with_the_reason()
    {
        _fake.DeleteApp(App);

        var pushed = await Adapter().PushAsync(Context(), NewToken, Ct);
        var validated = await Adapter().ValidateAsync(Context(NewToken.Fingerprint), Ct);

        Assert.Equal(OutcomeKind.Skipped, pushed.Kind);
        Assert.Equal($"app {App} not found at Heroku (404): deleted or renamed. Row skipped; remove heroku-config-{App} from the manifest (or fix its app setting)", pushed.Message);
        Assert.Equal(OutcomeKind.Skipped, validated.Kind);
    }

    [Fact]
    public async Task A_403_says_fix_the_policy_and_a_401_names_the_update_credential()
    {
        _fake.ForbiddenApps[App] = true;
        var forbidden = await Adapter().PushAsync(Context(), NewToken, Ct);
        _fake.ForbiddenApps.Clear();
        var wrongAuth = Secrets((Bootstrap, "HRKU-revoked-bootstrap"));
        var refused = await Adapter().PushAsync(Consumer(wrongAuth, "heroku-config-" + App), NewToken, Ct);

        Assert.Equal((OutcomeKind.Permanent, 403), (forbidden.Kind, forbidden.HttpStatus));
        Assert.Contains("403 forbidden: the token of HK_VELVET_BOOTSTRAP is valid but may not do this; fix the policy", forbidden.Message, StringComparison.Ordinal);
        Assert.Equal((OutcomeKind.Permanent, 401), (refused.Kind, refused.HttpStatus));
        Assert.Contains("401 unauthorized: Heroku refused the token of HK_VELVET_BOOTSTRAP", refused.Message, StringComparison.Ordinal);
        Assert.Equal("HRKU-old-value", _fake.ConfigVar(App, "HEROKU_API_KEY"));
    }

    [Fact]
    public async Task A_429_on_the_patch_is_transient_with_retry_after()
    {
        _fake.Server.Inject("PATCH", "/apps/{app}/config-vars", FakeResponse.Error(429, "rate_limit", "slow down",
            new Dictionary<string, string> { ["Retry-After"] = "3" }));

        var outcome = await Adapter().PushAsync(Context(), NewToken, Ct);

        Assert.Equal((OutcomeKind.Transient, TimeSpan.FromSeconds(3)), (outcome.Kind, outcome.RetryAfter));
    }

    [Fact]
    public async Task Without_the_update_credential_nothing_is_sent()
    {
        var outcome = await Adapter().PushAsync(Consumer(Secrets(), "heroku-config-" + App), NewToken, Ct);

        Assert.Equal($"heroku-config-{App}: the Heroku credential HK_VELVET_BOOTSTRAP (update_auth_token_name) has no current value; " +
            "give it to Velvet, e.g. as the environment variable VELVET_SECRET_HK_VELVET_BOOTSTRAP", outcome.Message);
        Assert.Empty(_fake.Server.Requests);
    }

    [Fact]
    public async Task The_revocation_probe_is_the_apps_healthcheck()
    {
        await using var health = await FakeVendorServer.StartAsync();
        health.Map("GET", "/healthz", _ => new FakeResponse(401));

        var probed = await Adapter(health: new Uri(health.BaseAddress, "healthz").ToString()).ProbeRejectedAsync(Context(), Ct);
        var manual = await Adapter().ProbeRejectedAsync(Context(), Ct);

        Assert.True(probed.IsSuccess, probed.Message);
        Assert.Equal("refused: 401", probed.Message);
        Assert.Equal(OutcomeKind.NeedsConfirm, manual.Kind);
    }
}
