using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;
using Velvet.Vendors.Heroku.Postgres;
using static Velvet.Vendors.Tests.Heroku.HerokuKit;

namespace Velvet.Vendors.Tests.Heroku;

public sealed class HerokuPostgresVendorTests : IAsyncLifetime
{
    private const string Cred = "RAPTOR_APP_DATABASE_URL";
    private const string Addon = "postgresql-adjacent-27271";
    private const string BootstrapToken = "HRKU-bootstrap-pg-canary-6d";
    private HerokuFake _fake = null!;

    public async ValueTask InitializeAsync()
    {
        _fake = await HerokuFake.StartAsync();
        _fake.AddToken(BootstrapToken, "velvet bootstrap");
        _fake.AddAddon(Addon, "heroku-postgresql:standard-0");
        _fake.AddPgCredential(Addon, "raptor_app", "oldpw-canary-3a9f");
    }

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HerokuPostgresVendor Adapter(Dictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["addon"] = Addon, ["credential"] = "raptor_app", ["auth_token_name"] = Bootstrap,
            ["base_url"] = _fake.BaseUrl, ["data_base_url"] = _fake.BaseUrl,
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        var spec = new CredentialSpec { TokenName = Cred, Env = "prod", Vendor = new AdapterSpec { Kind = HerokuPostgresVendor.KindName, Settings = settings } };
        return Assert.IsType<HerokuPostgresVendor>(Catalog().CreateVendor(spec));
    }

    private DictionarySecretSource Current() => Secrets((Bootstrap, BootstrapToken), (Cred, _fake.PgUrl(Addon, "raptor_app")));

    private VendorContext Ctx(DictionarySecretSource secrets, Guid? job = null, SecretValue? newValue = null) =>
        Vendor(secrets, job, newValue, Cred);

    [Fact]
    public async Task Verify_checks_the_plan_the_credential_and_that_velvets_url_is_the_active_login()
    {
        var verified = await Adapter().VerifyAsync(Ctx(Current()), Ct);

        Assert.True(verified.Outcome.IsSuccess, verified.Outcome.Message);
        Assert.Equal("raptor_app", verified.CurrentCredentialId);
        var read = Assert.Single(_fake.Server.RequestsTo("GET", "/postgres/"));
        Assert.Equal("Basic :" + new SecretValue(BootstrapToken).Fingerprint, read.Headers["Authorization"]);
        AssertClean(verified.Outcome.Message, "oldpw-canary-3a9f", BootstrapToken);
    }

    [Theory]
    [InlineData("heroku-postgresql:essential-0")]
    [InlineData("heroku-postgresql:hobby-dev")]
    [InlineData("heroku-postgresql:mini")]
    public async Task Essential_tier_plans_are_refused_with_the_runbooks_explanation_and_nothing_is_called_on_the_data_api(string plan)
    {
        _fake.AddAddon("postgresql-small-1", plan);
        var adapter = Adapter(new() { ["addon"] = "postgresql-small-1", ["create_if_missing"] = "true" });

        var verified = await adapter.VerifyAsync(Ctx(Current()), Ct);
        var minted = await adapter.MintAsync(Ctx(Current()), null, Ct);

        Assert.Equal(OutcomeKind.Permanent, verified.Outcome.Kind);
        Assert.Equal($"add-on postgresql-small-1 is on plan {plan}: You can't create a custom credential on Essential-tier databases. Essential plans have only the default " +
            "owner credential, so the named credential raptor_app (role separation) is impossible there. Fix: upgrade the add-on to Standard-0, the " +
            "minimum tier with named credentials (heroku addons:upgrade postgresql-small-1 heroku-postgresql:standard-0 -a APP), then verify again", verified.Outcome.Message);
        Assert.Equal(verified.Outcome.Message, minted.Outcome.Message);
        Assert.Empty(_fake.Server.RequestsTo("GET", "/postgres/"));
        Assert.Empty(_fake.Server.RequestsTo("POST"));
    }

    [Fact]
    public async Task Verify_fails_when_velvets_url_is_not_the_active_login()
    {
        var drifted = Secrets((Bootstrap, BootstrapToken), (Cred, "postgres://raptor_app:stale-pw@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8f3a1"));

        var verified = await Adapter().VerifyAsync(Ctx(drifted), Ct);

        Assert.Equal(OutcomeKind.Permanent, verified.Outcome.Kind);
        Assert.StartsWith("old credential invalid: the current value of RAPTOR_APP_DATABASE_URL is not the active login of raptor_app", verified.Outcome.Message, StringComparison.Ordinal);
        AssertClean(verified.Outcome.Message, "stale-pw", "oldpw-canary-3a9f");
    }

    [Fact]
    public async Task Mint_rotates_in_place_and_the_new_value_is_the_credentials_url()
    {
        var minted = await Adapter().MintAsync(Ctx(Current()), null, Ct);

        Assert.True(minted.Outcome.IsSuccess, minted.Outcome.Message);
        Assert.Equal("raptor_app", minted.CredentialId);
        Assert.Equal(_fake.PgUrl(Addon, "raptor_app"), minted.Value!.Reveal());
        Assert.Equal(1, _fake.Pg(Addon, "raptor_app")!.Rotations);
        Assert.Single(_fake.Server.RequestsTo("POST", "/postgres/v0/databases/"));
        AssertClean(minted.Outcome.Message, "oldpw-canary-3a9f", _fake.Pg(Addon, "raptor_app")!.Password);
    }

    [Fact]
    public async Task A_retried_mint_never_rotates_twice()
    {
        var secrets = Current();
        var job = Guid.NewGuid();
        var first = await Adapter().MintAsync(Ctx(secrets, job), null, Ct);

        var sealedRetry = await Adapter().MintAsync(Ctx(secrets, job), first.Value, Ct);
        var lostRetry = await Adapter().MintAsync(Ctx(secrets, job), null, Ct);

        Assert.Equal(1, _fake.Pg(Addon, "raptor_app")!.Rotations);
        Assert.True(sealedRetry.Outcome.IsSuccess, sealedRetry.Outcome.Message);
        Assert.Null(sealedRetry.Value);
        Assert.True(lostRetry.Outcome.IsSuccess, lostRetry.Outcome.Message);
        Assert.Equal(first.Value, lostRetry.Value);
        Assert.StartsWith("raptor_app was already rotated (an earlier attempt of this job)", lostRetry.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_credential_is_created_only_when_allowed()
    {
        var secrets = Secrets((Bootstrap, BootstrapToken));
        var refused = await Adapter(new() { ["credential"] = "raptor_reports" }).VerifyAsync(Ctx(secrets), Ct);
        var allowed = Adapter(new() { ["credential"] = "raptor_reports", ["create_if_missing"] = "true" });

        var verified = await allowed.VerifyAsync(Ctx(secrets), Ct);
        var minted = await allowed.MintAsync(Ctx(secrets), null, Ct);

        Assert.StartsWith("credential raptor_reports does not exist on postgresql-adjacent-27271; create it (heroku pg:credentials:create DATABASE --name raptor_reports)", refused.Outcome.Message, StringComparison.Ordinal);
        Assert.True(verified.Outcome.IsSuccess, verified.Outcome.Message);
        Assert.True(minted.Outcome.IsSuccess, minted.Outcome.Message);
        Assert.Equal(_fake.PgUrl(Addon, "raptor_reports"), minted.Value!.Reveal());
        Assert.Equal(["name"], Assert.Single(_fake.Server.RequestsTo("POST", "/postgres/")).BodyKeys);
    }

    [Fact]
    public async Task Revoke_after_a_rotation_confirms_the_old_login_is_gone_and_an_emergency_revocation_forces_a_rotation()
    {
        var secrets = Current();
        var minted = await Adapter().MintAsync(Ctx(secrets), null, Ct);

        var confirmed = await Adapter().RevokeAsync(Ctx(secrets, newValue: minted.Value), "raptor_app", Ct);
        var emergency = await Adapter().RevokeAsync(Ctx(secrets), "raptor_app", Ct);

        Assert.True(confirmed.IsSuccess, confirmed.Message);
        Assert.StartsWith("the rotation replaced raptor_app's password", confirmed.Message, StringComparison.Ordinal);
        Assert.True(emergency.IsSuccess, emergency.Message);
        Assert.Equal(2, _fake.Pg(Addon, "raptor_app")!.Rotations);
        var forced = _fake.Server.RequestsTo("POST", "/postgres/").Last();
        Assert.Equal(["forced"], forced.BodyKeys);
    }

    [Fact]
    public async Task Revoke_refuses_a_credential_it_does_not_manage_and_reports_a_rotation_that_did_not_happen()
    {
        var secrets = Current();

        var other = await Adapter().RevokeAsync(Ctx(secrets, newValue: new SecretValue("postgres://x:y@h:5432/d")), "raptor_admin", Ct);
        var notRotated = await Adapter().RevokeAsync(Ctx(secrets, newValue: new SecretValue("postgres://raptor_app:never-active@h:5432/d")), "raptor_app", Ct);

        Assert.StartsWith("raptor_admin is not the credential RAPTOR_APP_DATABASE_URL manages (raptor_app)", other.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Permanent, notRotated.Kind);
        Assert.StartsWith("the active login of raptor_app is still the old one", notRotated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destroy_removes_the_credential_and_a_missing_one_counts_as_destroyed()
    {
        var secrets = Current();
        var destroyed = await Adapter().DestroyAsync(Ctx(secrets), Ct);
        var again = await Adapter().DestroyAsync(Ctx(secrets), Ct);

        Assert.Equal($"destroyed raptor_app on {Addon}", destroyed.Message);
        Assert.Null(_fake.Pg(Addon, "raptor_app"));
        Assert.Equal($"raptor_app does not exist on {Addon} (already destroyed)", again.Message);
    }

    [Fact]
    public async Task A_token_refused_by_the_data_api_is_permanent_and_names_the_token()
    {
        var revoked = Secrets((Bootstrap, "HRKU-revoked-canary"), (Cred, _fake.PgUrl(Addon, "raptor_app")));

        var verified = await Adapter().VerifyAsync(Ctx(revoked), Ct);

        Assert.Equal((OutcomeKind.Permanent, 401), (verified.Outcome.Kind, verified.Outcome.HttpStatus));
        Assert.Contains("401 unauthorized: Heroku refused the token of HK_VELVET_BOOTSTRAP", verified.Outcome.Message, StringComparison.Ordinal);
    }
}
