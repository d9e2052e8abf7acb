using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Vendors.Aws;
using Velvet.Vendors.DotenvFile;
using Velvet.Vendors.GitHub;
using Velvet.Vendors.Heroku;
using Velvet.Vendors.Http;
using Velvet.Vendors.Infisical;

namespace Velvet.Vendors;

/// <summary>
/// The target string of each built-in consumer kind, from the settings that name the place (app/var, repo/secret,
/// vault path, SSM path). Settings never hold values, and an endpoint is shown without its query string.
/// </summary>
public sealed class ConsumerTargets : IConsumerTargets
{
    public ConsumerTarget Describe(ConsumerSpec consumer)
    {
        string S(string key) => consumer.Setting(key) ?? "?";
        return consumer.Kind switch
        {
            HerokuConfigVarConsumer.KindName => new("Heroku config var", $"{S("app")}/{S("key")}"),
            GitHubSecretConsumer.KindName => consumer.Setting("environment") is { } env
                ? new("GitHub environment secret", $"{S("owner")}/{S("repo")}@{env}/{S("secret_name")}")
                : new("GitHub Actions secret", $"{S("owner")}/{S("repo")}/{S("secret_name")}"),
            InfisicalSecretConsumer.KindName => new("Infisical", $"{S("project_id")}:{S("environment")}:{VaultPath(consumer.Setting("secret_path"), S("secret_name"))}"),
            AwsSsmParameterConsumer.KindName => new("SSM", $"{S("region")}:{S("parameter_name")}"),
            DotenvFileConsumer.KindName => new("dotenv file", $"{S("path")}:{S("key")}"),
            HttpConsumer.KindName => new("HTTP endpoint",
                Uri.TryCreate(consumer.UpdateEndpoint, UriKind.Absolute, out var uri) ? HttpOutcomes.Describe(uri) : consumer.UpdateEndpoint ?? "?"),
            var kind => new(kind, consumer.ConsumerId),
        };
    }

    private static string VaultPath(string? folder, string name) => (folder ?? "/").TrimEnd('/') + "/" + name;
}
