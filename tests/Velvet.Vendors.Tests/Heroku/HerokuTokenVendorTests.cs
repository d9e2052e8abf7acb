using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Heroku;
using Velvet.Vendors.Tests.Support;
using static Velvet.Vendors.Tests.Heroku.HerokuKit;

namespace Velvet.Vendors.Tests.Heroku;

public sealed class HerokuTokenVendorTests : IAsyncLifetime
{
    private const string OldToken = "HRKU-old-canary-5e0c1d7a9b";
    private HerokuFake _fake = null!;
    private string _oldId = "";

    public async ValueTask InitializeAsync()
    {
        _fake = await HerokuFake.StartAsync();
        _oldId = _fake.AddToken(OldToken);
    }

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ICredentialVendor Adapter(Dictionary<string, string>? settings = null) => Catalog().CreateVendor(TokenSpec(_fake, settings));

    [Fact]
    public async Task Verify_accepts_the_current_token_and_finds_its_authorization_from_the_authorization_id_setting()
    {
        var secrets = Secrets((Token, OldToken));

        var verified = await Adapter(new() { ["authorization_id"] = _oldId }).VerifyAsync(Vendor(secrets), Ct);

        Assert.True(verified.Outcome.IsSuccess, verified.Outcome.Message);
        Assert.Equal(_oldId, verified.CurrentCredentialId);
        var account = Assert.Single(_fake.Server.RequestsTo("GET", "/account"));
        Assert.Equal(HerokuFake.AcceptV3, account.Headers["Accept"]);
        Assert.Equal("Bearer " + new SecretValue(OldToken).Fingerprint, account.Headers["Authorization"]);
    }

    [Fact]
    public async Task Verify_prefers_the_authorization_velvet_minted_last_over_the_initial_authorization_id()
    {
        var minted = _fake.AddToken("HRKU-minted-by-an-earlier-job", VelvetDescription(Guid.NewGuid()));
        var secrets = Secrets((Token, "HRKU-minted-by-an-earlier-job"));

        var verified = await Adapter(new() { ["authorization_id"] = _oldId }).VerifyAsync(Vendor(secrets), Ct);

        Assert.Equal(minted, verified.CurrentCredentialId);
        Assert.Equal($"GET /account accepts the current token of HK_PLATFORM_FULL; its authorization is {minted}", verified.Outcome.Message);
    }

    [Fact]
    public async Task Verify_fails_when_the_current_authorization_cannot_be_identified_and_says_how_to_name_it()
    {
        var verified = await Adapter().VerifyAsync(Vendor(Secrets((Token, OldToken))), Ct);

        Assert.Equal(OutcomeKind.Permanent, verified.Outcome.Kind);
        Assert.Equal("the id of the current token's authorization is unknown, so it could not be revoked after the rotation; " +
            "set authorization_id on the vendor of HK_PLATFORM_FULL (heroku authorizations lists ids and descriptions), then verify again", verified.Outcome.Message);
    }

    [Fact]
    public async Task A_401_on_the_current_token_fails_verify_as_old_token_invalid_and_nothing_is_minted()
    {
        var secrets = Secrets((Token, "HRKU-drifted-canary-31f0"));

        var verified = await Adapter(new() { ["authorization_id"] = _oldId }).VerifyAsync(Vendor(secrets), Ct);

        Assert.Equal((OutcomeKind.Permanent, 401), (verified.Outcome.Kind, verified.Outcome.HttpStatus));
        Assert.StartsWith("old token invalid: Heroku refuses the current token of HK_PLATFORM_FULL (GET /account: 401), so nothing was minted.", verified.Outcome.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.Server.RequestsTo("POST"));
        Assert.Single(_fake.Authorizations);
        AssertClean(verified.Outcome.Message, "HRKU-drifted-canary-31f0");
    }

    [Fact]
    public async Task Mint_posts_an_authorization_tagged_with_the_job_and_the_configured_scopes_and_returns_its_token()
    {
        var job = Guid.NewGuid();
        var secrets = Secrets((Token, OldToken));

        var minted = await Adapter(new() { ["scopes"] = "global" }).MintAsync(Vendor(secrets, job), null, Ct);

        Assert.True(minted.Outcome.IsSuccess, minted.Outcome.Message);
        var created = _fake.Authorizations.Single(a => a.Id == minted.CredentialId);
        Assert.Equal(VelvetDescription(job), created.Description);
        Assert.Equal(["global"], created.Scope);
        Assert.Equal(created.Token, minted.Value!.Reveal());
        var post = Assert.Single(_fake.Server.RequestsTo("POST", "/oauth/authorizations"));
        Assert.Equal(["description", "scope", "expires_in"], post.BodyKeys);
        AssertClean(minted.Outcome.Message, created.Token, OldToken);
    }

    [Fact]
    public async Task A_retried_mint_reuses_the_authorization_tagged_for_the_job_instead_of_minting_twice()
    {
        var job = Guid.NewGuid();
        var secrets = Secrets((Token, OldToken));
        var first = await Adapter().MintAsync(Vendor(secrets, job), null, Ct);

        // The engine sealed the value, then stopped before recording the id: the retry brings the sealed value.
        var retry = await Adapter().MintAsync(Vendor(secrets, job), first.Value, Ct);

        Assert.True(retry.Outcome.IsSuccess, retry.Outcome.Message);
        Assert.Equal(first.CredentialId, retry.CredentialId);
        Assert.Null(retry.Value);
        Assert.Single(_fake.Server.RequestsTo("POST", "/oauth/authorizations"));
        Assert.Single(_fake.Authorizations, a => a.Description == VelvetDescription(job));
    }

    [Fact]
    public async Task The_tag_is_found_on_a_later_page_of_the_authorization_list()
    {
        _fake.PageSize = 2;
        for (var i = 0; i < 4; i++) _fake.AddToken($"HRKU-other-{i}", $"other tool {i}");
        var job = Guid.NewGuid();
        var secrets = Secrets((Token, OldToken));
        var first = await Adapter().MintAsync(Vendor(secrets, job), null, Ct);

        var retry = await Adapter().MintAsync(Vendor(secrets, job), first.Value, Ct);

        Assert.Equal(first.CredentialId, retry.CredentialId);
        Assert.Single(_fake.Server.RequestsTo("POST", "/oauth/authorizations"));
        var lists = _fake.Server.RequestsTo("GET", "/oauth/authorizations").Select(r => r.Status).ToList();
        Assert.Equal([206, 206, 200, 206, 206, 200], lists);
    }

    [Fact]
    public async Task A_mint_whose_token_was_lost_before_sealing_deletes_that_authorization_and_mints_one_replacement()
    {
        var job = Guid.NewGuid();
        var secrets = Secrets((Token, OldToken));
        var lost = await Adapter().MintAsync(Vendor(secrets, job), null, Ct);

        var again = await Adapter().MintAsync(Vendor(secrets, job), null, Ct);

        Assert.True(again.Outcome.IsSuccess, again.Outcome.Message);
        Assert.NotEqual(lost.CredentialId, again.CredentialId);
        Assert.Single(_fake.Authorizations, a => a.Description == VelvetDescription(job));
        Assert.False(_fake.IsValid(lost.Value!.Reveal()));
        Assert.Contains("deleted 1 earlier authorization(s) of this job whose token was lost", again.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_deletes_the_old_authorization_with_the_new_token_and_checks_the_old_one_is_refused()
    {
        var job = Guid.NewGuid();
        var secrets = Secrets((Token, OldToken));
        var minted = await Adapter().MintAsync(Vendor(secrets, job), null, Ct);

        var revoked = await Adapter().RevokeAsync(Vendor(secrets, job, minted.Value), _oldId, Ct);

        Assert.True(revoked.IsSuccess, revoked.Message);
        var delete = Assert.Single(_fake.Server.RequestsTo("DELETE", "/oauth/authorizations/"));
        Assert.Equal($"/oauth/authorizations/{_oldId}", delete.Path);
        Assert.Equal("Bearer " + minted.Value!.Fingerprint, delete.Headers["Authorization"]);
        Assert.False(_fake.IsValid(OldToken));
        Assert.True(_fake.IsValid(minted.Value.Reveal()));
        Assert.EndsWith("the old token is refused (GET /account: 401)", revoked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_again_succeeds_and_revoking_the_jobs_own_authorization_is_refused()
    {
        var job = Guid.NewGuid();
        var secrets = Secrets((Token, OldToken));
        var minted = await Adapter().MintAsync(Vendor(secrets, job), null, Ct);
        await Adapter().RevokeAsync(Vendor(secrets, job, minted.Value), _oldId, Ct);

        var again = await Adapter().RevokeAsync(Vendor(secrets, job, minted.Value), _oldId, Ct);
        var own = await Adapter().RevokeAsync(Vendor(secrets, job, minted.Value), minted.CredentialId!, Ct);

        Assert.True(again.IsSuccess, again.Message);
        Assert.StartsWith($"{_oldId} was already revoked (404)", again.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Permanent, own.Kind);
        Assert.Contains("it is the authorization this job minted (the new token)", own.Message, StringComparison.Ordinal);
        Assert.True(_fake.IsValid(minted.Value!.Reveal()));
    }

    [Fact]
    public async Task An_emergency_revocation_needs_another_token_and_never_uses_the_one_it_revokes()
    {
        var secrets = Secrets((Token, OldToken), (Bootstrap, "HRKU-bootstrap-2c4e"));
        _fake.AddToken("HRKU-bootstrap-2c4e", "velvet bootstrap");

        var refused = await Adapter().RevokeAsync(Vendor(secrets), _oldId, Ct);
        var revoked = await Adapter(new() { ["auth_token_name"] = Bootstrap }).RevokeAsync(Vendor(secrets), _oldId, Ct);

        Assert.Equal(OutcomeKind.Permanent, refused.Kind);
        Assert.Contains("needs a Heroku token other than the one revoked", refused.Message, StringComparison.Ordinal);
        Assert.True(revoked.IsSuccess, revoked.Message);
        Assert.Equal("Bearer " + new SecretValue("HRKU-bootstrap-2c4e").Fingerprint, Assert.Single(_fake.Server.RequestsTo("DELETE")).Headers["Authorization"]);
    }

    [Fact]
    public async Task A_new_token_that_fails_get_account_revokes_nothing()
    {
        var revoked = await Adapter().RevokeAsync(Vendor(Secrets((Token, OldToken)), newValue: new SecretValue("HRKU-not-a-real-token")), _oldId, Ct);

        Assert.Equal(OutcomeKind.Permanent, revoked.Kind);
        Assert.StartsWith($"{_oldId} was NOT revoked:", revoked.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.Server.RequestsTo("DELETE"));
        Assert.True(_fake.IsValid(OldToken));
    }

    [Fact]
    public async Task A_429_is_transient_with_the_servers_retry_after()
    {
        _fake.Server.Inject("GET", "/account", FakeResponse.Error(429, "rate_limit", "Your account reached the API rate limit",
            new Dictionary<string, string> { ["Retry-After"] = "7" }));

        var verified = await Adapter().VerifyAsync(Vendor(Secrets((Token, OldToken))), Ct);

        Assert.Equal((OutcomeKind.Transient, 429, TimeSpan.FromSeconds(7)), (verified.Outcome.Kind, verified.Outcome.HttpStatus, verified.Outcome.RetryAfter));
        Assert.Equal("GET /account: 429 too many requests; retry after 7 s (response body 71 bytes, not shown)", verified.Outcome.Message);
    }

    [Fact]
    public async Task A_429_without_retry_after_waits_at_least_one_refill_of_the_bucket()
    {
        _fake.Server.RateLimit.Remaining = 0;

        var verified = await Adapter().VerifyAsync(Vendor(Secrets((Token, OldToken))), Ct);

        Assert.Equal((OutcomeKind.Transient, HerokuRateGate.DefaultRefillInterval), (verified.Outcome.Kind, verified.Outcome.RetryAfter));
    }

    [Fact]
    public async Task A_permanent_403_says_fix_the_policy_and_do_not_rotate()
    {
        _fake.Server.Inject("POST", "/oauth/authorizations", FakeResponse.Error(403, "forbidden", "You do not have access; canary-403-body-88"));

        var minted = await Adapter().MintAsync(Vendor(Secrets((Token, OldToken))), null, Ct);

        Assert.Equal((OutcomeKind.Permanent, 403), (minted.Outcome.Kind, minted.Outcome.HttpStatus));
        Assert.StartsWith("POST /oauth/authorizations: 403 forbidden: the token of HK_PLATFORM_FULL is valid but may not do this; fix the policy", minted.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("do not rotate", minted.Outcome.Message, StringComparison.Ordinal);
        AssertClean(minted.Outcome.Message, "canary-403-body-88");
    }

    [Fact]
    public async Task A_5xx_is_transient()
    {
        _fake.Server.Inject("GET", "/oauth/authorizations", new FakeResponse(503));

        var minted = await Adapter().MintAsync(Vendor(Secrets((Token, OldToken))), null, Ct);

        Assert.Equal((OutcomeKind.Transient, 503), (minted.Outcome.Kind, minted.Outcome.HttpStatus));
        Assert.Empty(_fake.Server.RequestsTo("POST"));
    }

    private static string VelvetDescription(Guid job) => HerokuTokenVendor.Description(Token, $"velvet-job-{job}");
}
