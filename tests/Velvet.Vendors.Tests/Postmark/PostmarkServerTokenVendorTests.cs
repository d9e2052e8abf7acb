using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;
using Velvet.Vendors.Postmark;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Postmark;

public sealed class PostmarkServerTokenVendorTests : IAsyncLifetime
{
    private const long ServerId = 4242001;
    private const string OldToken = "pm-old-token-canary-1f2e3d";
    private const string NewToken = "pm-new-token-canary-4c5b6a";
    private const string OtherServerToken = "pm-other-server-canary-9d8c";
    private FakePostmark _pm = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _pm = await FakePostmark.StartAsync();
        _pm.AddToken(OldToken, ServerId);
        _pm.AddToken(NewToken, ServerId);
        _pm.AddToken(OtherServerToken, 777, "staging-mail");
    }

    public async ValueTask DisposeAsync() => await _pm.DisposeAsync();

    private CredentialSpec Spec(RotationMode mode = RotationMode.OperatorManual, string serverId = "4242001") => new()
    {
        TokenName = "PM_SERVER_MAIL",
        Env = "prod",
        Mode = mode,
        Line = 12,
        Vendor = new AdapterSpec { Kind = PostmarkServerTokenVendor.KindName, Settings = new Dictionary<string, string> { ["server_id"] = serverId, ["api_url"] = _pm.BaseAddress.ToString() } },
    };

    private static ICredentialVendor Vendor(CredentialSpec spec) =>
        new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.GetTempPath() }).CreateVendor(spec);

    private ICredentialVendor Vendor() => Vendor(Spec());

    private static VendorContext Ctx(string? current = OldToken, SecretValue? newValue = null) => Contexts.Vendor("PM_SERVER_MAIL", "velvet-job-x") with
    {
        Secrets = new DictionarySecretSource(current is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["PM_SERVER_MAIL"] = current }),
        NewValue = newValue,
    };

    private static void AssertClean(Outcome outcome)
    {
        foreach (var canary in new[] { OldToken, NewToken, OtherServerToken })
            Assert.DoesNotContain(canary, outcome.Message ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_accepts_the_current_token_of_the_configured_server_and_records_its_fingerprint_as_the_id()
    {
        var result = await Vendor().VerifyAsync(Ctx(), Ct);

        Assert.Equal(OutcomeKind.Succeeded, result.Outcome.Kind);
        Assert.Equal(new SecretValue(OldToken).Fingerprint, result.CurrentCredentialId);
        Assert.Equal("GET /server accepts the current token of PM_SERVER_MAIL: server 4242001 (raxx-mail)", result.Outcome.Message);
        var get = Assert.Single(_pm.Server.RequestsTo("GET", "/server"));
        Assert.Equal(new SecretValue(OldToken).Fingerprint, get.Headers["X-Postmark-Server-Token"]);
        AssertClean(result.Outcome); // the answer listed every token of the server (ApiTokens)
    }

    [Theory]
    [InlineData(false, 401)]
    [InlineData(true, 422)]
    public async Task A_deleted_current_token_fails_verify_as_old_token_invalid(bool with422, int status)
    {
        _pm.RejectWith422 = with422;
        _pm.DeleteToken(OldToken);

        var result = await Vendor().VerifyAsync(Ctx(), Ct);

        Assert.Equal(OutcomeKind.Permanent, result.Outcome.Kind);
        Assert.Equal(status, result.Outcome.HttpStatus);
        Assert.StartsWith("old token invalid: Postmark refuses the current token of PM_SERVER_MAIL", result.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_refuses_a_token_of_another_server()
    {
        var result = await Vendor().VerifyAsync(Ctx(OtherServerToken), Ct);

        Assert.Equal(OutcomeKind.Permanent, result.Outcome.Kind);
        Assert.StartsWith("the current token of PM_SERVER_MAIL belongs to Postmark server 777 (staging-mail), not server 4242001", result.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mint_accepts_an_entered_token_of_the_same_server_and_uses_its_fingerprint_as_the_id()
    {
        var minted = await Vendor().MintAsync(Ctx(), new SecretValue(NewToken), Ct);

        Assert.Equal(OutcomeKind.Succeeded, minted.Outcome.Kind);
        Assert.Equal(new SecretValue(NewToken).Fingerprint, minted.CredentialId);
        Assert.Null(minted.Value);
        AssertClean(minted.Outcome);
    }

    [Fact]
    public async Task Mint_refuses_a_wrong_server_token_a_mistyped_one_the_current_one_and_no_value()
    {
        var vendor = Vendor();
        var wrongServer = await vendor.MintAsync(Ctx(), new SecretValue(OtherServerToken), Ct);
        var mistyped = await vendor.MintAsync(Ctx(), new SecretValue(NewToken + "x"), Ct);
        var same = await vendor.MintAsync(Ctx(), new SecretValue(OldToken), Ct);
        var none = await vendor.MintAsync(Ctx(), null, Ct);

        Assert.All([wrongServer, mistyped, same, none], m => Assert.Equal(OutcomeKind.Permanent, m.Outcome.Kind));
        Assert.Contains("belongs to Postmark server 777 (staging-mail), not server 4242001", wrongServer.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("is refused by Postmark", mistyped.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("is the current token", same.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("must be operator_manual", none.Outcome.Message, StringComparison.Ordinal);
        Assert.All([wrongServer, mistyped, same, none], m => AssertClean(m.Outcome));
    }

    [Fact]
    public async Task Revoke_explains_the_dashboard_step_and_mark_manually_revoked_until_the_old_token_is_deleted()
    {
        var oldId = new SecretValue(OldToken).Fingerprint;
        var vendor = Vendor();

        var pending = await vendor.RevokeAsync(Ctx(newValue: new SecretValue(NewToken)), oldId, Ct);
        _pm.DeleteToken(OldToken);
        var deleted = await vendor.RevokeAsync(Ctx(newValue: new SecretValue(NewToken)), oldId, Ct);

        Assert.Equal(OutcomeKind.Permanent, pending.Kind);
        Assert.StartsWith($"Postmark has no API to delete a server token: delete the old token of PM_SERVER_MAIL ({oldId}) in the Postmark dashboard → Servers → server 4242001 → API Tokens",
            pending.Message, StringComparison.Ordinal);
        Assert.Contains($"mark_manually_revoked --old-credential-id {oldId}", pending.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Succeeded, deleted.Kind);
        AssertClean(pending);
    }

    [Fact]
    public async Task Rate_limits_and_server_errors_are_transient()
    {
        _pm.Server.Inject("GET", "/server", new FakeResponse(429, new Dictionary<string, object> { ["ErrorCode"] = 429, ["Message"] = "slow down" }, new Dictionary<string, string> { ["Retry-After"] = "7" }));
        var limited = await Vendor().VerifyAsync(Ctx(), Ct);
        _pm.Server.Inject("GET", "/server", new FakeResponse(500));
        var failed = await Vendor().MintAsync(Ctx(), new SecretValue(NewToken), Ct);

        Assert.Equal((OutcomeKind.Transient, TimeSpan.FromSeconds(7)), (limited.Outcome.Kind, limited.Outcome.RetryAfter));
        Assert.Equal(OutcomeKind.Transient, failed.Outcome.Kind);
    }

    [Theory]
    [InlineData(RotationMode.Automatic, "4242001", "set mode: operator_manual")]
    [InlineData(RotationMode.OperatorManual, "", "setting server_id is required")]
    [InlineData(RotationMode.OperatorManual, "raxx-mail", "must be the server's numeric id")]
    public void Bad_settings_name_the_credential_and_the_fix(RotationMode mode, string serverId, string phrase)
    {
        var e = Assert.Throws<AdapterSettingsException>(() => Vendor(Spec(mode, serverId)));

        Assert.Contains("credential PM_SERVER_MAIL (line 12, vendor postmark-server-token)", e.Message, StringComparison.Ordinal);
        Assert.Contains(phrase, e.Message, StringComparison.Ordinal);
    }
}
