using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Aws;
using Velvet.Vendors.Local;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Aws;

public sealed class AwsIamAccessKeyVendorTests : IAsyncLifetime
{
    private const string Cred = "BILLING_AWS_ACCESS_KEY";
    private const string User = "raxx-billing-readonly";
    private const string Operator = "velvet-operator";
    private FakeIam _aws = null!;
    private AwsKeys _old = null!;
    private AwsKeys _operator = null!;
    private readonly SecretMasker _masker = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _aws = await FakeIam.StartAsync();
        _aws.AddUser(User);
        _aws.AddUser(Operator, manageKeys: true);
        _old = _aws.AddKey(User, "old-secret-canary-");
        _operator = _aws.AddKey(Operator, "operator-secret-canary-");
    }

    public async ValueTask DisposeAsync() => await _aws.DisposeAsync();

    private CredentialSpec Spec(string user = User) => new()
    {
        TokenName = Cred, Env = "prod", Line = 7,
        Vendor = new AdapterSpec
        {
            Kind = AwsIamAccessKeyVendor.KindName,
            Settings = new Dictionary<string, string>
            {
                ["user_name"] = user, ["iam_endpoint_url"] = _aws.BaseUrl, ["sts_endpoint_url"] = _aws.BaseUrl,
                ["access_key_id_name"] = "VELVET_AWS_KEY_ID", ["secret_access_key_name"] = "VELVET_AWS_SECRET",
            },
        },
    };

    private ICredentialVendor Vendor(CredentialSpec? spec = null) =>
        new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.GetTempPath(), Masker = _masker }).CreateVendor(spec ?? Spec());

    private static string Pair(AwsKeys k) => new AwsAccessKeyValue(k.AccessKeyId, new SecretValue(k.SecretAccessKey)).ToSecret().Reveal();

    private VendorContext Ctx(AwsKeys? current = null, AwsKeys? signer = null, SecretValue? newValue = null) =>
        Contexts.Vendor(Cred, "velvet-job-1") with
        {
            Secrets = new DictionarySecretSource(new Dictionary<string, string>
            {
                [Cred] = Pair(current ?? _old),
                ["VELVET_AWS_KEY_ID"] = (signer ?? _operator).AccessKeyId,
                ["VELVET_AWS_SECRET"] = (signer ?? _operator).SecretAccessKey,
            }),
            NewValue = newValue,
        };

    /// <summary>No secret half, pair or operating secret in a message.</summary>
    private void AssertClean(params Outcome[] outcomes)
    {
        var secrets = _aws.KeysOf(User).Concat(_aws.KeysOf(Operator)).Select(k => k.Secret).Append(_old.SecretAccessKey).Append(_operator.SecretAccessKey);
        foreach (var o in outcomes)
            foreach (var s in secrets)
                Assert.DoesNotContain(s, o.Message ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_mint_and_revoke_replace_the_key_and_the_old_one_is_deactivated_then_deleted_by_the_operating_identity()
    {
        var vendor = Vendor();

        var verified = await vendor.VerifyAsync(Ctx(), Ct);
        var minted = await vendor.MintAsync(Ctx(), null, Ct);
        var (fresh, _) = AwsAccessKeyValue.Parse(minted.Value!);
        var revoked = await vendor.RevokeAsync(Ctx(newValue: minted.Value), verified.CurrentCredentialId!, Ct);

        Assert.True(verified.Outcome.IsSuccess, verified.Outcome.Message);
        Assert.Equal(_old.AccessKeyId, verified.CurrentCredentialId);
        Assert.True(minted.Outcome.IsSuccess, minted.Outcome.Message);
        Assert.Equal(fresh!.AccessKeyId, minted.CredentialId);
        Assert.Equal(_aws.Find(fresh.AccessKeyId)!.Secret, fresh.SecretAccessKey.Reveal());
        Assert.True(revoked.IsSuccess, revoked.Message);
        Assert.StartsWith($"the new key {fresh.AccessKeyId} authenticates as {FakeIam.Arn(User)}; access key {_old.AccessKeyId} of user {User} set Inactive and deleted", revoked.Message, StringComparison.Ordinal);
        Assert.Equal([fresh.AccessKeyId], _aws.KeysOf(User).Select(k => k.AccessKeyId));
        var calls = _aws.Calls.ToList();
        // IAM is always operated by the operating identity; STS is asked with the key it is about.
        Assert.All(calls.Where(c => c.Action != "GetCallerIdentity"), c => Assert.Equal(_operator.AccessKeyId, c.SignedBy));
        Assert.Equal([("GetCallerIdentity", _old.AccessKeyId), ("GetCallerIdentity", fresh.AccessKeyId)], calls.Where(c => c.Action == "GetCallerIdentity"));
        Assert.Equal(["ListAccessKeys", "ListAccessKeys", "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey"], calls.Where(c => c.Action != "GetCallerIdentity").Select(c => c.Action));
        Assert.Contains("\"Version\":1", minted.Value!.Reveal(), StringComparison.Ordinal);
        Assert.DoesNotContain(fresh.SecretAccessKey.Reveal(), _masker.Scrub("leaked: " + fresh.SecretAccessKey.Reveal()), StringComparison.Ordinal);
        AssertClean(verified.Outcome, minted.Outcome, revoked);
    }

    [Fact]
    public async Task Mint_refuses_when_the_user_already_has_two_keys_and_creates_nothing()
    {
        var second = _aws.AddKey(User);

        var minted = await Vendor().MintAsync(Ctx(), null, Ct);

        Assert.Equal(OutcomeKind.Permanent, minted.Outcome.Kind);
        Assert.StartsWith($"user {User} already has 2 access keys (the maximum): delete or deactivate one first ({_old.AccessKeyId} (Active", minted.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains(second.AccessKeyId, minted.Outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_aws.Calls, c => c.Action == "CreateAccessKey");
        Assert.Equal(2, _aws.KeysOf(User).Count);
    }

    [Fact]
    public async Task IAM_LimitExceeded_on_create_gets_the_same_clear_refusal()
    {
        // Another tool creates a key between our ListAccessKeys and CreateAccessKey.
        AwsKeys? raced = null;
        _aws.BeforeCreate = () => raced ??= _aws.AddKey(User);

        var minted = await Vendor().MintAsync(Ctx(), null, Ct);

        Assert.Equal(OutcomeKind.Permanent, minted.Outcome.Kind);
        Assert.StartsWith($"user {User} already has 2 access keys (the maximum): delete or deactivate one first", minted.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains(raced!.AccessKeyId, minted.Outcome.Message, StringComparison.Ordinal);
        Assert.Equal(2, _aws.KeysOf(User).Count);
    }

    [Fact]
    public async Task Verify_refuses_when_Velvet_operates_with_the_key_being_rotated()
    {
        _aws.AddUser(User, manageKeys: true);

        var verified = await Vendor().VerifyAsync(Ctx(signer: _old), Ct);

        Assert.Equal(OutcomeKind.Permanent, verified.Outcome.Kind);
        Assert.StartsWith($"Velvet operates with access key {_old.AccessKeyId}, the key of {Cred} being replaced: it cannot deactivate the key it signs with", verified.Outcome.Message, StringComparison.Ordinal);
        Assert.Empty(_aws.Calls);
    }

    [Fact]
    public async Task Revoke_refuses_to_run_with_the_key_it_revokes()
    {
        var revoked = await Vendor().RevokeAsync(Ctx(signer: _operator), _operator.AccessKeyId, Ct);

        Assert.Equal(OutcomeKind.Permanent, revoked.Kind);
        Assert.Contains("cannot deactivate the key it signs with", revoked.Message, StringComparison.Ordinal);
        Assert.Equal("Active", _aws.Find(_operator.AccessKeyId)!.Status);
    }

    [Fact]
    public async Task An_invalid_current_key_fails_verify_and_mints_nothing()
    {
        _aws.Find(_old.AccessKeyId)!.Status = "Inactive";

        var verified = await Vendor().VerifyAsync(Ctx(), Ct);

        Assert.Equal(OutcomeKind.Permanent, verified.Outcome.Kind);
        Assert.StartsWith($"old key invalid: AWS refuses the current key {_old.AccessKeyId} of {Cred}", verified.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidClientTokenId", verified.Outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_aws.Calls, c => c.Action == "CreateAccessKey");
    }

    [Fact]
    public async Task A_current_value_that_is_not_a_key_pair_is_refused_without_quoting_it()
    {
        var ctx = Ctx() with { Secrets = new DictionarySecretSource(new Dictionary<string, string> { [Cred] = "AKIAONLY:not-json-canary" }) };

        var verified = await Vendor().VerifyAsync(ctx, Ct);

        Assert.StartsWith($"the current value of {Cred} is not an access key pair (sha256:", verified.Outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-json-canary", verified.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_is_transient_and_access_denied_is_permanent_with_the_policy_to_fix()
    {
        _aws.Server.Inject("POST", "/", FakeIam.Throttled());
        var throttled = await Vendor().MintAsync(Ctx(), null, Ct);
        _aws.DeniedActions["CreateAccessKey"] = true;
        var denied = await Vendor().MintAsync(Ctx(), null, Ct);

        Assert.Equal((OutcomeKind.Transient, 400), (throttled.Outcome.Kind, throttled.Outcome.HttpStatus));
        Assert.Contains("Throttling", throttled.Outcome.Message, StringComparison.Ordinal);
        Assert.Equal((OutcomeKind.Permanent, 403), (denied.Outcome.Kind, denied.Outcome.HttpStatus));
        Assert.StartsWith($"IAM CreateAccessKey {User}: AWS denied iam:CreateAccessKey on arn:aws:iam::*:user/{User}", denied.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("fix the policy, don't rotate", denied.Outcome.Message, StringComparison.Ordinal);
        Assert.Single(_aws.KeysOf(User));
    }

    [Fact]
    public async Task A_wrong_operating_secret_fails_the_signature_check_as_Velvet_own_credentials()
    {
        var forged = _operator with { SecretAccessKey = "forged-secret-canary" };

        var minted = await Vendor().MintAsync(Ctx(signer: forged), null, Ct);

        Assert.Equal(OutcomeKind.Permanent, minted.Outcome.Kind);
        Assert.Contains("AWS rejected Velvet's own credentials (SignatureDoesNotMatch", minted.Outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("forged-secret-canary", minted.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_key_STS_does_not_accept_yet_keeps_the_old_key_active_and_is_transient_until_it_does()
    {
        _aws.StsLag = 1;
        var vendor = Vendor();
        var minted = await vendor.MintAsync(Ctx(), null, Ct);

        var early = await vendor.RevokeAsync(Ctx(newValue: minted.Value), _old.AccessKeyId, Ct);
        Assert.Equal(OutcomeKind.Transient, early.Kind);
        Assert.StartsWith($"{_old.AccessKeyId} was NOT revoked yet: STS does not accept the new key {minted.CredentialId} yet (IAM is eventually consistent", early.Message, StringComparison.Ordinal);
        Assert.Equal("Active", _aws.Find(_old.AccessKeyId)!.Status);

        var later = await vendor.RevokeAsync(Ctx(newValue: minted.Value), _old.AccessKeyId, Ct);
        Assert.True(later.IsSuccess, later.Message);
        Assert.Null(_aws.Find(_old.AccessKeyId));
    }

    [Fact]
    public async Task A_retried_mint_reuses_the_key_this_job_created_instead_of_creating_another()
    {
        var vendor = Vendor();
        var first = await vendor.MintAsync(Ctx(), null, Ct);

        var again = await vendor.MintAsync(Ctx(), first.Value, Ct);

        Assert.True(again.Outcome.IsSuccess, again.Outcome.Message);
        Assert.Equal(first.CredentialId, again.CredentialId);
        Assert.StartsWith($"access key {first.CredentialId} was already created for this job; reusing it", again.Outcome.Message, StringComparison.Ordinal);
        Assert.Single(_aws.Calls, c => c.Action == "CreateAccessKey");
        Assert.Equal(2, _aws.KeysOf(User).Count);
    }

    [Fact]
    public async Task Revoking_a_key_already_deleted_succeeds_and_an_emergency_revocation_needs_no_new_key()
    {
        var vendor = Vendor();
        var emergency = await vendor.RevokeAsync(Ctx(), _old.AccessKeyId, Ct);
        var again = await vendor.RevokeAsync(Ctx(), _old.AccessKeyId, Ct);

        Assert.True(emergency.IsSuccess, emergency.Message);
        Assert.Equal($"access key {_old.AccessKeyId} of user {User} set Inactive and deleted", emergency.Message);
        Assert.Equal($"access key {_old.AccessKeyId} of user {User} was already deleted", again.Message);
        Assert.Empty(_aws.KeysOf(User));
    }

    [Theory]
    [InlineData("user_name", "", "setting user_name is required")]
    [InlineData("user_name", "bad user!", "is not an IAM user name")]
    [InlineData("iam_endpoint_url", "http://iam.example.com", "uses plain http to iam.example.com")]
    [InlineData("access_key_id_name", "", "settings access_key_id_name and secret_access_key_name go together")]
    public void Bad_settings_name_the_credential_and_the_fix(string key, string value, string expected)
    {
        var spec = Spec();
        var settings = new Dictionary<string, string>(spec.Vendor.Settings) { [key] = value };
        var e = Assert.Throws<AdapterSettingsException>(() => Vendor(spec with { Vendor = spec.Vendor with { Settings = settings } }));
        Assert.Contains($"credential {Cred} (line 7, kind aws-iam-access-key)", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
