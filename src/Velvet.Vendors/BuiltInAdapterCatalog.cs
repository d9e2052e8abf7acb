using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Vendors.Aws;
using Velvet.Vendors.Cloudflare;
using Velvet.Vendors.DotenvFile;
using Velvet.Vendors.Generated;
using Velvet.Vendors.Heroku;
using Velvet.Vendors.Heroku.Postgres;
using Velvet.Vendors.GitHub;
using Velvet.Vendors.Http;
using Velvet.Vendors.Infisical;
using Velvet.Vendors.Postgres;
using Velvet.Vendors.Postmark;

namespace Velvet.Vendors;

/// <summary>
/// The built-in adapters: <c>generated</c>, <c>postgres-role</c> and the SaaS vendors; <c>dotenv-file</c>, <c>http</c> and
/// the SaaS consumers (Heroku config vars, GitHub Actions secrets, Infisical, AWS SSM).
/// Settings are checked when an adapter is built, so a bad manifest entry fails with its name and the fix.
/// </summary>
public sealed class BuiltInAdapterCatalog : IAdapterCatalog
{
    private readonly BuiltInAdapterOptions _options;
    private readonly HttpCaller _http;
    private readonly HerokuAdapters _heroku;
    private readonly InfisicalSessions _infisical;

    public BuiltInAdapterCatalog(BuiltInAdapterOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.StateDirectory);
        _options = options;
        _http = new HttpCaller(options.HttpClient, options.TimeProvider, options.HttpTimeout);
        _heroku = new HerokuAdapters(_http, options.Masker, options.TimeProvider);
        _infisical = new InfisicalSessions(_http, options.Masker);
    }

    public IReadOnlyList<AdapterKind> Kinds { get; } =
    [
        new(GeneratedVendor.KindName, AdapterRole.Vendor, [], ["length", "alphabet", "encoding", "bytes", "prefix", "state_dir", "bootstrap"], IsLocal: true,
            "Values Velvet generates by a password policy; ids and fingerprints recorded in a local state file"),
        new(PostgresRoleVendor.KindName, AdapterRole.Vendor, PostgresRoleOptions.Required, PostgresRoleOptions.Optional, IsLocal: false,
            "A PostgreSQL app role's password, in place or alternating between two logins; the value is the app's URL"),
        new(DotenvFileConsumer.KindName, AdapterRole.Consumer, ["path", "key"], [], IsLocal: true,
            "One KEY=value line of a dotenv file, replaced atomically"),
        new(HttpConsumer.KindName, AdapterRole.Consumer, [], ["body_field", "auth_header"], IsLocal: false,
            "PUT/POST/PATCH of {\"<body_field>\": value} to update_endpoint, authenticated by update_auth_token_name"),
        .. HerokuAdapters.Kinds,
        new(GitHubSecretConsumer.KindName, AdapterRole.Consumer, ["owner", "repo", "secret_name", "token_name"], ["environment", "api_url"], IsLocal: false,
            "A GitHub Actions secret (repository, or environment when set), sealed with the repository's public key; write-only"),
        new(InfisicalSecretConsumer.KindName, AdapterRole.Consumer, ["project_id", "environment", "secret_name", "client_id_name", "client_secret_name"],
            ["secret_path", "api_url", "api_version", "current_value_source"], IsLocal: false,
            "A secret in Infisical (Universal Auth), folders created when missing, validated by reading back its fingerprint"),
        new(PostmarkServerTokenVendor.KindName, AdapterRole.Vendor, ["server_id"], ["api_url"], IsLocal: false,
            "A Postmark server API token (operator_manual: made and deleted in the dashboard), verified by GET /server answering server_id"),
        new(CloudflareTokenVendor.KindName, AdapterRole.Vendor, ["token_id"], ["account_id", "strategy", "auth_token_name", "api_url"], IsLocal: false,
            "A Cloudflare API token (user or account-owned): verify active, then create-new/delete-old (default) or roll"),
        new(AwsIamAccessKeyVendor.KindName, AdapterRole.Vendor, AwsIamAccessKeyOptions.Required, AwsIamAccessKeyOptions.Optional, IsLocal: false,
            "An IAM user's access key (value: credential_process JSON): create a second key, prove it with STS, then deactivate and delete the old one"),
        new(AwsSsmParameterConsumer.KindName, AdapterRole.Consumer, ["parameter_name", "region"], ["key_id", "json_field", .. AwsCredentialSettings.OptionalSettingKeys], IsLocal: false,
            "An AWS SSM Parameter Store SecureString (PutParameter Overwrite), validated by GetParameter WithDecryption and its fingerprint"),
    ];

    public ICredentialVendor CreateVendor(CredentialSpec credential) => credential.Vendor.Kind switch
    {
        GeneratedVendor.KindName => new GeneratedVendor(GeneratedVendorOptions.FromSpec(credential, _options.StateDirectory), _options.TimeProvider),
        HerokuTokenVendor.KindName => _heroku.Token(credential),
        HerokuPostgresVendor.KindName => _heroku.Postgres(credential),
        PostgresRoleVendor.KindName => new PostgresRoleVendor(PostgresRoleOptions.FromSpec(credential), _options.Environment, _options.Masker),
        PostmarkServerTokenVendor.KindName => PostmarkServerTokenVendor.Create(credential, _http),
        CloudflareTokenVendor.KindName => CloudflareTokenVendor.Create(credential, _http, _options.Masker),
        AwsIamAccessKeyVendor.KindName => AwsIamAccessKeyVendor.Create(credential, _http, _options.Masker),
        var kind => throw Unknown(kind, AdapterRole.Vendor, $"credential {credential.TokenName}"),
    };

    /// <summary>Consumers of a <c>postgres-role</c> credential are wrapped so the database answers validation and revocation probes.</summary>
    public IConsumerAdapter CreateConsumer(CredentialSpec credential, ConsumerSpec consumer)
    {
        var adapter = CreateBareConsumer(credential, consumer);
        return credential.Vendor.Kind == PostgresRoleVendor.KindName ? new PostgresLoginConsumer(adapter) : adapter;
    }

    private IConsumerAdapter CreateBareConsumer(CredentialSpec credential, ConsumerSpec consumer) => consumer.Kind switch
    {
        DotenvFileConsumer.KindName => new DotenvFileConsumer(DotenvFileOptions.FromSpec(consumer), _options.Masker),
        HttpConsumer.KindName => new HttpConsumer(HttpConsumerOptions.FromSpec(consumer), _http, CreateHealthcheck(consumer)),
        HerokuConfigVarConsumer.KindName => _heroku.ConfigVar(consumer, CreateHealthcheck(consumer)),
        GitHubSecretConsumer.KindName => GitHubSecretConsumer.Create(consumer, _http),
        InfisicalSecretConsumer.KindName => InfisicalSecretConsumer.Create(consumer, _infisical, _options.Masker),
        AwsSsmParameterConsumer.KindName => AwsSsmParameterConsumer.Create(consumer, _options.Masker, _options.HttpTimeout),
        var kind => throw Unknown(kind, AdapterRole.Consumer, $"consumer {consumer.ConsumerId} (line {consumer.Line})"),
    };

    public IHealthcheck? CreateHealthcheck(ConsumerSpec consumer) =>
        HttpHealthcheckOptions.FromSpec(consumer) is { } options ? new HttpHealthcheck(options, _http) : null;

    private ArgumentException Unknown(string kind, AdapterRole role, string owner)
    {
        var known = string.Join(", ", Kinds.Where(k => k.Role == role).Select(k => k.Name));
        return new AdapterSettingsException($"{owner}: unknown {role.ToString().ToLowerInvariant()} kind '{kind}'; known kinds: {known}");
    }
}
