using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.GitHub;
using Velvet.Vendors.Local;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.GitHub;

public sealed class GitHubSecretConsumerTests(FakeGitHub github) : IClassFixture<FakeGitHub>
{
    private const string NewValue = "canary-GH-new-value-5d1e9f07";
    private const string Token = "ghp_canaryOPERATORtoken0000000000001";
    private static readonly SecretValue Value = new(NewValue);

    /// <summary>A repository of its own per test: the fake's state and forced answers never mix between tests.</summary>
    private static string UniqueRepo() => "svc-" + Guid.NewGuid().ToString("N")[..10];

    private ConsumerSpec Spec(string repo, string? environment = null, string secret = "HEROKU_API_KEY", string owner = "acme") => new()
    {
        ConsumerId = "github-actions-heroku-api-key",
        TokenName = "HK_PLATFORM_FULL",
        Kind = GitHubSecretConsumer.KindName,
        Env = "prod",
        Settings = new Dictionary<string, string>
        {
            ["owner"] = owner, ["repo"] = repo, ["secret_name"] = secret, ["token_name"] = "GH_TOKEN", ["api_url"] = github.BaseAddress.ToString(),
        }.Concat(environment is null ? [] : [new KeyValuePair<string, string>("environment", environment)]).ToDictionary(),
        Line = 31,
    };

    private static BuiltInAdapterCatalog Catalog(TimeProvider? time = null) => new(new BuiltInAdapterOptions
    {
        StateDirectory = Path.GetTempPath(), TimeProvider = time ?? TimeProvider.System, HttpTimeout = TimeSpan.FromSeconds(5),
    });

    private IConsumerAdapter Consumer(ConsumerSpec spec, TimeProvider? time = null) =>
        Catalog(time).CreateConsumer(Contexts.Credential("HK_PLATFORM_FULL"), spec);

    private static ConsumerContext Ctx(string? token = Token) => Contexts.Consumer(
        new DictionarySecretSource(token is null ? new Dictionary<string, string>() : new() { ["GH_TOKEN"] = token }, new SecretMasker()),
        consumerId: "github-actions-heroku-api-key");

    private static void AssertClean(Outcome outcome)
    {
        var text = outcome.ToString();
        Assert.DoesNotContain(NewValue, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain("canary", text, StringComparison.Ordinal);
    }

    private string Url(string path) => $"{github.BaseAddress}{path}";

    [Fact]
    public async Task Push_seals_the_value_with_the_repository_key_and_github_can_open_it_201_then_204()
    {
        var repo = UniqueRepo();
        github.AddRepo("acme", repo);
        github.AddToken(Token);
        var consumer = Consumer(Spec(repo));

        var first = await consumer.PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);
        var held = github.Secret("acme", repo, "HEROKU_API_KEY")!;
        var second = await consumer.PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal(OutcomeKind.Succeeded, first.Kind);
        Assert.Equal($"PUT {Url($"repos/acme/{repo}/actions/secrets/HEROKU_API_KEY")}: 201 created; sealed {Value.Fingerprint} for key_id {held.KeyId}", first.Message);
        Assert.Equal($"PUT {Url($"repos/acme/{repo}/actions/secrets/HEROKU_API_KEY")}: 204 updated; sealed {Value.Fingerprint} for key_id {held.KeyId}", second.Message);
        Assert.Equal(NewValue, github.Secret("acme", repo, "HEROKU_API_KEY")!.Plaintext);
        AssertClean(first);
        AssertClean(second);
    }

    [Fact]
    public async Task Push_fetches_the_public_key_fresh_each_time_with_githubs_headers_and_sends_only_ciphertext()
    {
        var repo = UniqueRepo();
        github.AddRepo("acme", repo);
        github.AddToken(Token);
        var consumer = Consumer(Spec(repo));

        await consumer.PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);
        github.RotateKey("acme", repo);
        var afterRotation = await consumer.PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.True(afterRotation.IsSuccess, afterRotation.Message);
        var keys = github.ReceivedTo("GET", $"/repos/acme/{repo}/actions/secrets/public-key").ToList();
        var puts = github.ReceivedTo("PUT", $"/repos/acme/{repo}/actions/secrets/HEROKU_API_KEY").ToList();
        Assert.Equal(2, keys.Count);
        Assert.Equal(2, puts.Count);
        var put = puts[0];
        Assert.Equal($"Bearer {Token}", put.Headers["Authorization"]);
        Assert.Equal("2022-11-28", put.Headers["X-GitHub-Api-Version"]);
        Assert.Equal("application/vnd.github+json", put.Headers["Accept"]);
        Assert.StartsWith("Velvet", put.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.Equal(["encrypted_value", "key_id"], put.Json.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(48 + NewValue.Length, Convert.FromBase64String(put.Json.GetProperty("encrypted_value").GetString()!).Length);
        Assert.DoesNotContain(NewValue, put.Body, StringComparison.Ordinal);
        Assert.NotEqual(puts[0].Json.GetProperty("key_id").GetString(), puts[1].Json.GetProperty("key_id").GetString());
    }

    [Fact]
    public async Task Environment_secret_uses_the_environments_key_and_path()
    {
        var repo = UniqueRepo();
        github.AddRepo("acme", repo, "production");
        github.AddToken(Token);

        var outcome = await Consumer(Spec(repo, environment: "production", secret: "CONSOLE_AUDIT_INGEST_TOKEN")).PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal(OutcomeKind.Succeeded, outcome.Kind);
        Assert.StartsWith($"PUT {Url($"repos/acme/{repo}/environments/production/secrets/CONSOLE_AUDIT_INGEST_TOKEN")}: 201 created", outcome.Message, StringComparison.Ordinal);
        Assert.Single(github.ReceivedTo("GET", $"/repos/acme/{repo}/environments/production/secrets/public-key"));
        Assert.Equal(NewValue, github.Secret("acme", repo, "CONSOLE_AUDIT_INGEST_TOKEN", "production")!.Plaintext);
        Assert.Null(github.Secret("acme", repo, "CONSOLE_AUDIT_INGEST_TOKEN"));
    }

    [Fact]
    public async Task A_missing_environment_is_a_404_that_says_the_environment_must_exist()
    {
        var repo = UniqueRepo();
        github.AddRepo("acme", repo, "production");
        github.AddToken(Token);

        var outcome = await Consumer(Spec(repo, environment: "staging")).PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Permanent, 404), (outcome.Kind, outcome.HttpStatus));
        Assert.Contains($"404 not found: acme/{repo} environment staging does not exist or the token in GH_TOKEN cannot see it", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("environment (it must already exist)", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repository_the_token_cannot_see_is_a_permanent_404_naming_owner_and_repo()
    {
        github.AddToken(Token);

        var outcome = await Consumer(Spec("no-such-repo")).PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Permanent, 404), (outcome.Kind, outcome.HttpStatus));
        Assert.Equal($"GET {Url("repos/acme/no-such-repo/actions/secrets/public-key")}: 404 not found: acme/no-such-repo does not exist or the token in GH_TOKEN cannot see it " +
            "(GitHub answers 404 for private repositories a token has no access to); check owner, repo and the token's repository access", outcome.Message);
    }

    [Fact]
    public async Task A_revoked_token_is_a_permanent_401_that_blames_the_token_not_the_rotation()
    {
        var repo = UniqueRepo();
        github.AddRepo("acme", repo);
        const string revoked = "ghp_canaryREVOKEDtoken000000000000002";
        github.AddToken(revoked);
        github.RevokeToken(revoked);

        var outcome = await Consumer(Spec(repo)).PushAsync(Ctx(revoked), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Permanent, 401), (outcome.Kind, outcome.HttpStatus));
        Assert.Contains("401 bad credentials: GitHub rejected the token in GH_TOKEN (token_name); renew that token and give it to Velvet (VELVET_SECRET_GH_TOKEN)", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("do not rotate it", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(revoked, outcome.Message, StringComparison.Ordinal);
        Assert.Null(github.Secret("acme", repo, "HEROKU_API_KEY"));
    }

    [Fact]
    public async Task A_read_only_token_is_a_permanent_403_fix_the_permissions_not_a_rate_limit()
    {
        var repo = UniqueRepo();
        github.AddRepo("acme", repo, "production");
        const string reader = "ghp_canaryREADONLYtoken00000000000003";
        github.AddToken(reader, access: "read");

        var repoSecret = await Consumer(Spec(repo)).PushAsync(Ctx(reader), Value, TestContext.Current.CancellationToken);
        var envSecret = await Consumer(Spec(repo, environment: "production")).PushAsync(Ctx(reader), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Permanent, 403), (repoSecret.Kind, repoSecret.HttpStatus));
        Assert.Contains($"403 forbidden: the token in GH_TOKEN may not write Actions secrets of acme/{repo}; give it the fine-grained permission \"Secrets: write\" (classic token: scope repo)", repoSecret.Message, StringComparison.Ordinal);
        Assert.EndsWith("Fix the token's permissions, do not rotate", repoSecret.Message, StringComparison.Ordinal);
        Assert.Contains("\"Secrets: write\" and \"Environments: write\"", envSecret.Message, StringComparison.Ordinal);
        Assert.Null(repoSecret.RetryAfter);
    }

    [Fact]
    public async Task A_429_is_transient_with_the_servers_retry_after_and_the_body_is_never_shown()
    {
        var repo = UniqueRepo();
        github.AddRepo("acme", repo);
        github.AddToken(Token);
        github.Force($"/repos/acme/{repo}/actions/secrets/HEROKU_API_KEY",
            new ForcedAnswer(429, new Dictionary<string, string> { ["Retry-After"] = "7" }, "{\"message\":\"You have exceeded a secondary rate limit canary-body\"}"));

        var outcome = await Consumer(Spec(repo)).PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Transient, 429, TimeSpan.FromSeconds(7)), (outcome.Kind, outcome.HttpStatus, outcome.RetryAfter));
        Assert.Equal($"PUT {Url($"repos/acme/{repo}/actions/secrets/HEROKU_API_KEY")}: 429 rate limited; retry after 7 s", outcome.Message);
        AssertClean(outcome);
    }

    [Fact]
    public async Task A_spent_rate_limit_403_is_transient_until_x_ratelimit_reset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 10, 27, 0, TimeSpan.Zero));
        var repo = UniqueRepo();
        github.AddRepo("acme", repo);
        const string spent = "ghp_canarySPENTtoken00000000000000004";
        github.AddToken(spent, budget: 1);
        github.RateLimitReset = time.GetUtcNow().AddSeconds(95);

        var outcome = await Consumer(Spec(repo), time).PushAsync(Ctx(spent), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Transient, 403, TimeSpan.FromSeconds(95)), (outcome.Kind, outcome.HttpStatus, outcome.RetryAfter));
        Assert.Equal($"GET {Url($"repos/acme/{repo}/actions/secrets/public-key")}: 403 rate limited (rate limit spent, resets at 2026-05-06T10:28:35Z); retry after 95 s", outcome.Message);
    }

    [Fact]
    public async Task A_secondary_limit_without_retry_after_waits_a_minute()
    {
        var repo = UniqueRepo();
        github.AddRepo("acme", repo);
        github.AddToken(Token);
        github.Force($"/repos/acme/{repo}/actions/secrets/public-key", new ForcedAnswer(429));

        var outcome = await Consumer(Spec(repo)).PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Transient, TimeSpan.FromSeconds(60)), (outcome.Kind, outcome.RetryAfter));
    }

    [Fact]
    public async Task A_5xx_is_transient_and_a_422_permanent()
    {
        var repo = UniqueRepo();
        github.AddRepo("acme", repo);
        github.AddToken(Token);
        github.Force($"/repos/acme/{repo}/actions/secrets/HEROKU_API_KEY", new ForcedAnswer(502), new ForcedAnswer(422, Body: "{\"message\":\"Validation Failed\"}"));

        var outage = await Consumer(Spec(repo)).PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);
        var invalid = await Consumer(Spec(repo)).PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Transient, 502), (outage.Kind, outage.HttpStatus));
        Assert.Equal((OutcomeKind.Permanent, 422), (invalid.Kind, invalid.HttpStatus));
        Assert.Contains("422 validation failed: GitHub refused the secret; check secret_name", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_github_token_nothing_is_sent_and_the_variable_to_set_is_named()
    {
        var repo = UniqueRepo();
        var outcome = await Consumer(Spec(repo)).PushAsync(Ctx(token: null), Value, TestContext.Current.CancellationToken);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("github-actions-heroku-api-key: the GitHub token GH_TOKEN (token_name) has no current value; give it to Velvet, e.g. as the environment variable VELVET_SECRET_GH_TOKEN", outcome.Message);
        Assert.Empty(github.ReceivedTo("GET", $"/repos/acme/{repo}/"));
    }

    [Fact]
    public async Task Validate_cannot_read_the_value_back_so_it_asks_for_a_confirmation_with_githubs_updated_at()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 10, 27, 39, TimeSpan.Zero));
        await using var gh = new FakeGitHub { Time = time };
        await gh.InitializeAsync();
        var repo = UniqueRepo();
        gh.AddRepo("acme", repo);
        gh.AddToken(Token);
        var spec = Spec(repo) with { Settings = new Dictionary<string, string>(Spec(repo).Settings) { ["api_url"] = gh.BaseAddress.ToString() } };
        var consumer = Consumer(spec);

        var before = await consumer.ValidateAsync(Ctx(), TestContext.Current.CancellationToken);
        await consumer.PushAsync(Ctx(), Value, TestContext.Current.CancellationToken);
        var after = await consumer.ValidateAsync(Ctx(), TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Permanent, 404), (before.Kind, before.HttpStatus));
        Assert.Contains($"acme/{repo} has no secret HEROKU_API_KEY", before.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.NeedsConfirm, after.Kind);
        Assert.StartsWith($"GitHub cannot read a secret back: HEROKU_API_KEY exists in acme/{repo} (GitHub updated_at 2026-05-06T10:27:39Z)", after.Message, StringComparison.Ordinal);
        Assert.Contains("written_fingerprint", after.Message, StringComparison.Ordinal);
        AssertClean(after);
    }

    [Fact]
    public async Task The_revocation_probe_needs_a_person()
    {
        var outcome = await Consumer(Spec(UniqueRepo())).ProbeRejectedAsync(Ctx(), TestContext.Current.CancellationToken);
        Assert.Equal(OutcomeKind.NeedsConfirm, outcome.Kind);
        Assert.Contains("cannot refuse a revoked credential", outcome.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("owner", null, "setting owner is required; give the user or organisation that owns the repository, e.g. owner: acme")]
    [InlineData("repo", "acme/api", "setting repo 'acme/api' is not a repository name (letters, digits, '.', '_' and '-'); give it without the owner")]
    [InlineData("secret_name", "1TOKEN", "setting secret_name '1TOKEN' is not a GitHub secret name: use letters, digits and '_', not starting with a digit")]
    [InlineData("secret_name", "GITHUB_TOKEN", "setting secret_name 'GITHUB_TOKEN' starts with GITHUB_, which GitHub reserves; choose another name")]
    [InlineData("token_name", null, "setting token_name is required; give the credential whose current value is the GitHub token that may write Actions secrets")]
    [InlineData("api_url", "http://github.example.com/api/v3", "setting api_url uses plain http to github.example.com; use https://")]
    [InlineData("environment", " ", "setting environment must be the name of an existing GitHub environment")]
    public void Bad_settings_name_the_consumer_line_setting_and_fix(string key, string? value, string message)
    {
        var settings = new Dictionary<string, string>(Spec("api").Settings);
        if (value is null) settings.Remove(key);
        else settings[key] = value;

        var ex = Assert.Throws<AdapterSettingsException>(() => Consumer(Spec("api") with { Settings = settings }));

        Assert.StartsWith($"consumer github-actions-heroku-api-key (line 31, kind github-actions-secret): {message}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_api_url_is_api_github_com()
    {
        var settings = new Dictionary<string, string>(Spec("api").Settings);
        settings.Remove("api_url");
        var options = GitHubSecretOptions.FromSpec(Spec("api") with { Settings = settings });
        Assert.Equal(new Uri("https://api.github.com/repos/acme/api/actions/secrets/"), options.SecretsUrl);
    }
}
