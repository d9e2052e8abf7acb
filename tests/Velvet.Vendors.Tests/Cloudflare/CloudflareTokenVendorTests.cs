using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Cloudflare;
using Velvet.Vendors.Local;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Cloudflare;

public sealed class CloudflareTokenVendorTests : IAsyncLifetime
{
    private const string Cred = "CF_DNS_EDIT_RAXX_APP";
    private const string OldValue = "cf-old-value-canary-0c1d2e3f";
    private const string Account = "0123456789abcdef0123456789abcdef";
    private FakeCloudflare _cf = null!;
    private FakeCloudflare.Token _old = null!;
    private readonly SecretMasker _masker = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _cf = await FakeCloudflare.StartAsync();
        _old = _cf.Add(OldValue, "raxx dns edit", canManage: true, condition: new Dictionary<string, object> { ["request_ip"] = new Dictionary<string, string[]> { ["in"] = ["198.51.100.0/24"] } });
    }

    public async ValueTask DisposeAsync() => await _cf.DisposeAsync();

    private CredentialSpec Spec(Dictionary<string, string>? extra = null, RotationMode mode = RotationMode.Automatic)
    {
        var settings = new Dictionary<string, string> { ["token_id"] = _old.Id, ["api_url"] = _cf.ApiUrl.ToString() };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return new CredentialSpec { TokenName = Cred, Env = "prod", Line = 20, Mode = mode, Vendor = new AdapterSpec { Kind = CloudflareTokenVendor.KindName, Settings = settings } };
    }

    private ICredentialVendor Vendor(CredentialSpec? spec = null) =>
        new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.GetTempPath(), Masker = _masker }).CreateVendor(spec ?? Spec());

    private static VendorContext Ctx(string current = OldValue, SecretValue? newValue = null, string tag = "velvet-job-1", Dictionary<string, string>? more = null)
    {
        var values = new Dictionary<string, string> { [Cred] = current };
        foreach (var (k, v) in more ?? []) values[k] = v;
        return Contexts.Vendor(Cred, tag) with { Secrets = new DictionarySecretSource(values), NewValue = newValue };
    }

    private static void AssertClean(Outcome outcome, params string[] values)
    {
        foreach (var v in values.Append(OldValue)) Assert.DoesNotContain(v, outcome.Message ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_accepts_an_active_user_token_and_returns_its_id()
    {
        var result = await Vendor().VerifyAsync(Ctx(), Ct);

        Assert.Equal(OutcomeKind.Succeeded, result.Outcome.Kind);
        Assert.Equal(_old.Id, result.CurrentCredentialId);
        Assert.Equal("/client/v4/user/tokens/verify", Assert.Single(_cf.Server.Requests).Path);
    }

    [Fact]
    public async Task Account_owned_tokens_verify_on_the_account_route_and_fail_on_the_user_route_with_the_fix()
    {
        var owned = _cf.Add("cf-account-owned-canary-77aa", "pages deploy", account: Account);
        var spec = Spec(new() { ["token_id"] = owned.Id });

        var onUser = await Vendor(spec).VerifyAsync(Ctx("cf-account-owned-canary-77aa"), Ct);
        var onAccount = await Vendor(Spec(new() { ["token_id"] = owned.Id, ["account_id"] = Account })).VerifyAsync(Ctx("cf-account-owned-canary-77aa"), Ct);

        Assert.Equal((OutcomeKind.Permanent, 403), (onUser.Outcome.Kind, onUser.Outcome.HttpStatus));
        Assert.Contains("Account-owned tokens fail on /user/tokens/verify: set account_id", onUser.Outcome.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Succeeded, onAccount.Outcome.Kind);
        Assert.Equal(owned.Id, onAccount.CurrentCredentialId);
        Assert.Equal($"/client/v4/accounts/{Account}/tokens/verify", _cf.Server.Requests[^1].Path);
    }

    [Fact]
    public async Task An_unknown_or_disabled_current_token_fails_verify_as_old_token_invalid_and_mints_nothing()
    {
        var unknown = await Vendor().VerifyAsync(Ctx("cf-not-a-token-canary"), Ct);
        _old.Status = "disabled";
        var disabled = await Vendor().VerifyAsync(Ctx(), Ct);

        Assert.Equal((OutcomeKind.Permanent, 401), (unknown.Outcome.Kind, unknown.Outcome.HttpStatus));
        Assert.StartsWith($"old token invalid: Cloudflare refuses the current token of {Cred}", unknown.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("1000 Invalid API Token", unknown.Outcome.Message, StringComparison.Ordinal);
        Assert.StartsWith($"old token invalid: the current token of {Cred} is disabled", disabled.Outcome.Message, StringComparison.Ordinal);
        Assert.Empty(_cf.Server.RequestsTo("POST"));
    }

    [Fact]
    public async Task Create_delete_mints_a_token_with_the_same_policies_keeps_the_old_until_revoke_then_deletes_it_with_the_new()
    {
        var vendor = Vendor();
        var minted = await vendor.MintAsync(Ctx(), null, Ct);

        Assert.True(minted.Outcome.IsSuccess, minted.Outcome.Message);
        var made = _cf.Tokens.Single(t => t.Id == minted.CredentialId);
        Assert.Equal($"{Cred} velvet-job-1", made.Name);
        Assert.Equal(made.Value, minted.Value!.Reveal());
        Assert.Contains("Zone Read", made.Policies.ToString(), StringComparison.Ordinal);
        Assert.Contains("198.51.100.0/24", made.Condition!.ToString(), StringComparison.Ordinal);
        Assert.True(_cf.IsValid(OldValue)); // no gap: the old one works until revoke
        Assert.DoesNotContain(made.Value, _masker.Scrub(made.Value), StringComparison.Ordinal);
        AssertClean(minted.Outcome, made.Value);

        var revoked = await vendor.RevokeAsync(Ctx(newValue: minted.Value), _old.Id, Ct);

        Assert.Equal(OutcomeKind.Succeeded, revoked.Kind);
        Assert.False(_cf.IsValid(OldValue));
        var delete = Assert.Single(_cf.Server.RequestsTo("DELETE"));
        Assert.Equal("Bearer " + minted.Value.Fingerprint, delete.Headers["Authorization"]);
        Assert.Equal($"token {_old.Id} was already deleted (404)", (await vendor.RevokeAsync(Ctx(newValue: minted.Value), _old.Id, Ct)).Message);
    }

    [Fact]
    public async Task A_retry_after_a_lost_create_deletes_that_token_and_mints_once_more()
    {
        var lost = _cf.Add("cf-lost-value-canary", $"{Cred} velvet-job-2", canManage: true);

        var minted = await Vendor().MintAsync(Ctx(tag: "velvet-job-2"), null, Ct);

        Assert.True(minted.Outcome.IsSuccess, minted.Outcome.Message);
        Assert.DoesNotContain(_cf.Tokens, t => t.Id == lost.Id);
        Assert.Single(_cf.Tokens, t => t.Name == $"{Cred} velvet-job-2");
    }

    [Fact]
    public async Task Roll_replaces_the_value_in_place_the_old_value_stops_at_once_and_revoke_has_nothing_to_delete()
    {
        var vendor = Vendor(Spec(new() { ["strategy"] = "roll" }));

        var minted = await vendor.MintAsync(Ctx(), null, Ct);
        var revoked = await vendor.RevokeAsync(Ctx(newValue: minted.Value), _old.Id, Ct);

        Assert.Equal(_old.Id, minted.CredentialId);
        Assert.False(_cf.IsValid(OldValue));
        Assert.True(_cf.IsValid(minted.Value!.Reveal()));
        Assert.Equal(Fingerprints.Sha256("{}"), _cf.Server.RequestsTo("PUT").Single().BodyFingerprint);
        Assert.Equal($"token {_old.Id} was rolled: its old value stopped working at the roll; nothing to delete", revoked.Message);
        Assert.Empty(_cf.Server.RequestsTo("DELETE"));
        AssertClean(minted.Outcome, minted.Value.Reveal());
    }

    [Theory]
    [InlineData("create_delete")]
    [InlineData("roll")]
    public async Task A_token_that_the_available_credential_cannot_mint_says_to_run_it_as_operator_manual(string strategy)
    {
        var weak = _cf.Add("cf-weak-canary-0001", "zone read only");

        var minted = await Vendor(Spec(new() { ["token_id"] = weak.Id, ["strategy"] = strategy })).MintAsync(Ctx("cf-weak-canary-0001"), null, Ct);

        Assert.Equal((OutcomeKind.Permanent, 403), (minted.Outcome.Kind, minted.Outcome.HttpStatus));
        Assert.Contains($"cannot mint {Cred}: set mode: operator_manual on {Cred}", minted.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("9109 Unauthorized to access requested resource", minted.Outcome.Message, StringComparison.Ordinal);
        Assert.True(_cf.IsValid("cf-weak-canary-0001"));
    }

    [Fact]
    public async Task An_operator_entered_value_is_adopted_only_when_it_verifies_as_active()
    {
        var made = _cf.Add("cf-dashboard-made-canary-42", "made by hand");
        var vendor = Vendor(Spec(mode: RotationMode.OperatorManual));

        var good = await vendor.MintAsync(Ctx(), new SecretValue("cf-dashboard-made-canary-42"), Ct);
        var bad = await vendor.MintAsync(Ctx(), new SecretValue("cf-typo-canary-43"), Ct);

        Assert.Equal((OutcomeKind.Succeeded, made.Id), (good.Outcome.Kind, good.CredentialId));
        Assert.Equal(OutcomeKind.Permanent, bad.Outcome.Kind);
        Assert.Contains("is not an active Cloudflare token", bad.Outcome.Message, StringComparison.Ordinal);
        AssertClean(bad.Outcome, "cf-typo-canary-43");
    }

    [Fact]
    public async Task A_429_with_retry_after_is_transient()
    {
        _cf.Server.RateLimit.Remaining = 0;
        _cf.Server.RateLimit.RetryAfterSeconds = 30;

        var result = await Vendor().VerifyAsync(Ctx(), Ct);

        Assert.Equal((OutcomeKind.Transient, 429, TimeSpan.FromSeconds(30)), (result.Outcome.Kind, result.Outcome.HttpStatus, result.Outcome.RetryAfter));
    }

    [Theory]
    [InlineData("token_id", "", "setting token_id is required")]
    [InlineData("token_id", "cf-some-value", "is not a Cloudflare token id")]
    [InlineData("account_id", "acme", "is not a Cloudflare account id")]
    [InlineData("strategy", "rotate", "setting strategy must be create_delete")]
    public void Bad_settings_name_the_credential_and_the_fix(string key, string value, string phrase)
    {
        var e = Assert.Throws<AdapterSettingsException>(() => Vendor(Spec(new() { [key] = value })));

        Assert.Contains($"credential {Cred} (line 20, vendor cloudflare-api-token)", e.Message, StringComparison.Ordinal);
        Assert.Contains(phrase, e.Message, StringComparison.Ordinal);
    }
}
