using System.Text.RegularExpressions;
using Velvet.Core.Manifest;
using Velvet.Vendors.Http;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Infisical;

/// <summary>
/// Settings of an <c>infisical-secret</c> consumer: where the secret lives (project_id, environment slug,
/// secret_path, secret_name), which credentials in Velvet's secret source hold the machine identity's Universal Auth
/// client id and secret (client_id_name, client_secret_name), the instance (api_url) and the API generation
/// (api_version: v3 raw, the default, or v4), and whether Velvet reads the credential's current value from here
/// (current_value_source).
/// </summary>
public sealed partial record InfisicalOptions(
    string ConsumerId, Uri ApiUrl, InfisicalApi Api, string ProjectId, string Environment, string SecretPath, string SecretName,
    string ClientIdName, string ClientSecretName, bool CurrentValueSource = false)
{
    public static readonly Uri DefaultApiUrl = new("https://us.infisical.com/");

    public static InfisicalOptions FromSpec(ConsumerSpec consumer)
    {
        var owner = $"consumer {consumer.ConsumerId} (line {consumer.Line}, kind {InfisicalSecretConsumer.KindName})";
        var project = Required(consumer, owner, "project_id", "the project's id (Project Settings → Project ID; called workspaceId in the v3 API)");
        var environment = Required(consumer, owner, "environment", "the environment's slug, e.g. environment: prod (the slug, not the display name)");
        if (!Slug().IsMatch(environment))
            throw new AdapterSettingsException($"{owner}: setting environment '{environment}' is not an environment slug (lower-case letters, digits, '-' and '_', e.g. prod); use the slug, not the display name");
        var path = NormalizePath(owner, consumer.Setting("secret_path"));
        var name = Required(consumer, owner, "secret_name", $"the secret's key, e.g. secret_name: {consumer.TokenName}");
        if (!SecretKey().IsMatch(name))
            throw new AdapterSettingsException($"{owner}: setting secret_name '{name}' is not an Infisical secret key (letters, digits, '_', '-' and '.', no spaces)");
        var clientId = Required(consumer, owner, "client_id_name",
            "the credential holding the machine identity's Universal Auth client id, e.g. client_id_name: INFISICAL_CLIENT_ID (read as VELVET_SECRET_INFISICAL_CLIENT_ID)");
        var clientSecret = Required(consumer, owner, "client_secret_name",
            "the credential holding the machine identity's Universal Auth client secret, e.g. client_secret_name: INFISICAL_CLIENT_SECRET");
        var versionText = consumer.Setting("api_version") ?? InfisicalApi.V3.Name;
        var api = InfisicalApi.Find(versionText.Trim().ToLowerInvariant())
            ?? throw new AdapterSettingsException($"{owner}: setting api_version must be v3 (raw secrets API, the default) or v4; got '{versionText}'");
        var url = ApiBaseUrl.Parse(owner, "api_url", consumer.Setting("api_url"), DefaultApiUrl);
        var source = consumer.Setting(VaultSecretSource.CurrentValueSourceSetting) switch
        {
            null or "false" => false,
            "true" => true,
            var other => throw new AdapterSettingsException($"{owner}: setting {VaultSecretSource.CurrentValueSourceSetting} must be \"true\" or \"false\"; got '{other}'"),
        };
        return new InfisicalOptions(consumer.ConsumerId, url, api, project, environment, path, name, clientId, clientSecret, source);
    }

    /// <summary>Where the secret lives, for messages: <c>prod:/app/api/DATABASE_URL</c>.</summary>
    public string Location => $"{Environment}:{(SecretPath == "/" ? "" : SecretPath)}/{SecretName}";

    /// <summary>The folders from the root down: <c>/a/b</c> → (a under /), (b under /a).</summary>
    public IEnumerable<(string Name, string Parent)> Folders()
    {
        var parent = "/";
        foreach (var segment in SecretPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return (segment, parent);
            parent = parent == "/" ? "/" + segment : parent + "/" + segment;
        }
    }

    private static string NormalizePath(string owner, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "/";
        var path = value.Trim();
        if (!path.StartsWith('/'))
            throw new AdapterSettingsException($"{owner}: setting secret_path '{path}' must start with '/', e.g. secret_path: /app/api");
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.FirstOrDefault(s => !FolderName().IsMatch(s)) is { } bad)
            throw new AdapterSettingsException($"{owner}: setting secret_path has the folder name '{bad}'; Infisical folder names use letters, digits, '-' and '_'");
        return "/" + string.Join('/', segments);
    }

    private static string Required(ConsumerSpec consumer, string owner, string key, string example)
    {
        var value = consumer.Setting(key);
        if (string.IsNullOrWhiteSpace(value))
            throw new AdapterSettingsException($"{owner}: setting {key} is required; give {example}");
        return value.Trim();
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex Slug();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex FolderName();

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex SecretKey();
}
