using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Vendors.DotenvFile;
using Velvet.Vendors.Generated;
using Velvet.Vendors.GitHub;
using Velvet.Vendors.Http;
using Velvet.Vendors.Infisical;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests;

public sealed class BuiltInAdapterCatalogTests
{
    private readonly BuiltInAdapterCatalog _catalog = new(new BuiltInAdapterOptions { StateDirectory = Path.GetTempPath() });

    private static ConsumerSpec Consumer(string kind, Dictionary<string, string>? settings = null, string? update = null) => new()
    {
        ConsumerId = "c1",
        TokenName = "API_TOKEN",
        Kind = kind,
        Env = "prod",
        Settings = settings ?? [],
        UpdateEndpoint = update,
        Line = 7,
    };

    [Fact]
    public void It_lists_the_local_and_http_kinds_first_with_their_settings()
    {
        Assert.Equal(["generated", "postgres-role", "dotenv-file", "http"], _catalog.Kinds.Select(k => k.Name).Take(4));
        Assert.Subset(_catalog.Kinds.Select(k => k.Name).ToHashSet(), new HashSet<string> { "postgres-role", "heroku-token", "heroku-config-var", "github-actions-secret", "infisical-secret", "aws-ssm-parameter", "postmark-server-token", "cloudflare-api-token" });
        var dotenv = _catalog.Kinds.Single(k => k.Name == "dotenv-file");
        Assert.Equal((AdapterRole.Consumer, true), (dotenv.Role, dotenv.IsLocal));
        Assert.Equal(["path", "key"], dotenv.RequiredSettings);
        Assert.Equal(["length", "alphabet", "encoding", "bytes", "prefix", "state_dir", "bootstrap"], _catalog.Kinds[0].OptionalSettings);
    }

    [Fact]
    public void It_builds_each_kind()
    {
        Assert.IsType<GeneratedVendor>(_catalog.CreateVendor(Contexts.Credential()));
        Assert.IsType<DotenvFileConsumer>(_catalog.CreateConsumer(Contexts.Credential(), Consumer("dotenv-file", new() { ["path"] = ".env", ["key"] = "K" })));
        Assert.IsType<HttpConsumer>(_catalog.CreateConsumer(Contexts.Credential(), Consumer("http", update: "https://example.test/v1/config")));
        Assert.IsType<GitHubSecretConsumer>(_catalog.CreateConsumer(Contexts.Credential(), Consumer("github-actions-secret",
            new() { ["owner"] = "acme", ["repo"] = "api", ["secret_name"] = "API_TOKEN", ["token_name"] = "GH_TOKEN" })));
        Assert.IsType<InfisicalSecretConsumer>(_catalog.CreateConsumer(Contexts.Credential(), Consumer("infisical-secret",
            new() { ["project_id"] = "p1", ["environment"] = "prod", ["secret_name"] = "API_TOKEN", ["client_id_name"] = "ID", ["client_secret_name"] = "SECRET" })));
    }

    [Fact]
    public void An_unknown_kind_lists_the_known_kinds()
    {
        var vendor = Assert.Throws<AdapterSettingsException>(() => _catalog.CreateVendor(Contexts.Credential(kind: "heroku")));
        var consumer = Assert.Throws<AdapterSettingsException>(() => _catalog.CreateConsumer(Contexts.Credential(), Consumer("s3")));

        Assert.StartsWith("credential API_TOKEN: unknown vendor kind 'heroku'; known kinds: generated, postgres-role, heroku-token", vendor.Message, StringComparison.Ordinal);
        Assert.StartsWith("consumer c1 (line 7): unknown consumer kind 's3'; known kinds: dotenv-file, http, heroku-config-var", consumer.Message, StringComparison.Ordinal);
        Assert.Contains("github-actions-secret", consumer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dotenv_without_path_says_which_setting_is_missing()
    {
        var ex = Assert.Throws<AdapterSettingsException>(() => _catalog.CreateConsumer(Contexts.Credential(), Consumer("dotenv-file", new() { ["key"] = "K" })));
        Assert.Equal("consumer c1 (line 7, kind dotenv-file): setting path is required; name the dotenv file, e.g. path: ./app/.env", ex.Message);
    }

    [Theory]
    [InlineData(null, "update_endpoint is required; give the URL that receives the new value")]
    [InlineData("ftp://example.test/x", "update_endpoint must be an absolute http:// or https:// URL")]
    public void Http_needs_an_http_update_endpoint(string? update, string message)
    {
        var ex = Assert.Throws<AdapterSettingsException>(() => _catalog.CreateConsumer(Contexts.Credential(), Consumer("http", update: update)));
        Assert.Equal($"consumer c1 (line 7, kind http): {message}", ex.Message);
    }

    [Fact]
    public void Http_refuses_an_update_method_other_than_put_post_patch()
    {
        var spec = Consumer("http", update: "https://example.test/x") with { UpdateMethod = "DELETE" };
        var ex = Assert.Throws<AdapterSettingsException>(() => _catalog.CreateConsumer(Contexts.Credential(), spec));
        Assert.Equal("consumer c1 (line 7, kind http): update_method must be PUT, POST or PATCH; got 'DELETE'", ex.Message);
    }

    [Fact]
    public void Generated_refuses_a_bootstrap_that_is_not_true_or_false()
    {
        var ex = Assert.Throws<AdapterSettingsException>(() => _catalog.CreateVendor(Contexts.Credential(settings: new() { ["bootstrap"] = "yes" })));
        Assert.Equal("credential API_TOKEN (vendor generated): setting bootstrap must be \"true\" or \"false\"; got 'yes'", ex.Message);
    }
}
