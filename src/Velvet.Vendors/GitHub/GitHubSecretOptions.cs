using System.Text.RegularExpressions;
using Velvet.Core.Manifest;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.GitHub;

/// <summary>
/// Settings of a <c>github-actions-secret</c> consumer: the repository (owner, repo), the secret's name, an optional
/// environment (then it is an environment secret), the credential whose current value is the GitHub token that
/// writes it (token_name, looked up in Velvet's secret source) and the API's base URL (api_url, for GitHub Enterprise
/// Server and tests).
/// </summary>
public sealed partial record GitHubSecretOptions(
    string ConsumerId, string Owner, string Repo, string SecretName, string? Environment, string TokenName, Uri ApiUrl)
{
    public static readonly Uri DefaultApiUrl = new("https://api.github.com/");

    public static GitHubSecretOptions FromSpec(ConsumerSpec consumer)
    {
        var owner = $"consumer {consumer.ConsumerId} (line {consumer.Line}, kind {GitHubSecretConsumer.KindName})";
        var org = Required(consumer, owner, "owner", "the user or organisation that owns the repository, e.g. owner: acme");
        var repo = Required(consumer, owner, "repo", "the repository's name without the owner, e.g. repo: api");
        if (!RepoPart().IsMatch(org) || org.StartsWith('-') || org is "." or "..")
            throw new AdapterSettingsException($"{owner}: setting owner '{org}' is not a GitHub user or organisation name (letters, digits, '.', '_' and '-')");
        if (!RepoPart().IsMatch(repo) || repo is "." or "..")
            throw new AdapterSettingsException($"{owner}: setting repo '{repo}' is not a repository name (letters, digits, '.', '_' and '-'); give it without the owner");
        var name = Required(consumer, owner, "secret_name", $"the Actions secret's name, e.g. secret_name: {SuggestName(consumer.TokenName)}");
        if (!SecretNamePattern().IsMatch(name))
            throw new AdapterSettingsException($"{owner}: setting secret_name '{name}' is not a GitHub secret name: use letters, digits and '_', not starting with a digit");
        if (name.StartsWith("GITHUB_", StringComparison.OrdinalIgnoreCase))
            throw new AdapterSettingsException($"{owner}: setting secret_name '{name}' starts with GITHUB_, which GitHub reserves; choose another name");
        var environment = consumer.Setting("environment");
        if (environment is not null && (environment.Trim().Length == 0 || environment.Length > 255 || environment.Any(char.IsControl)))
            throw new AdapterSettingsException($"{owner}: setting environment must be the name of an existing GitHub environment (1-255 characters), or leave it out for a repository secret");
        var token = Required(consumer, owner, "token_name",
            "the credential whose current value is the GitHub token that may write Actions secrets, e.g. token_name: GH_APP_OPS_BOT (Velvet reads it as VELVET_SECRET_GH_APP_OPS_BOT)");
        var api = ApiBaseUrl.Parse(owner, "api_url", consumer.Setting("api_url"), DefaultApiUrl);
        return new GitHubSecretOptions(consumer.ConsumerId, org, repo, name, environment, token, api);
    }

    /// <summary>Where the secret lives, for messages: <c>acme/api</c> or <c>acme/api environment production</c>.</summary>
    public string Target => Environment is null ? $"{Owner}/{Repo}" : $"{Owner}/{Repo} environment {Environment}";

    /// <summary>The secrets collection: <c>repos/{owner}/{repo}/actions/secrets/</c> or <c>…/environments/{env}/secrets/</c>.</summary>
    public Uri SecretsUrl => new(ApiUrl, Environment is null
        ? $"repos/{Owner}/{Repo}/actions/secrets/"
        : $"repos/{Owner}/{Repo}/environments/{Uri.EscapeDataString(Environment)}/secrets/");

    private static string Required(ConsumerSpec consumer, string owner, string key, string example)
    {
        var value = consumer.Setting(key);
        if (string.IsNullOrWhiteSpace(value))
            throw new AdapterSettingsException($"{owner}: setting {key} is required; give {example}");
        return value.Trim();
    }

    private static string SuggestName(string tokenName)
    {
        var upper = new string(tokenName.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray());
        return SecretNamePattern().IsMatch(upper) ? upper : "API_TOKEN";
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex RepoPart();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex SecretNamePattern();
}
