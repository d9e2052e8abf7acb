using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Vendors.DotenvFile;
using Velvet.Vendors.Generated;
using Velvet.Vendors.Http;
using Velvet.Vendors.Postgres;

namespace Velvet.Vendors;

/// <summary>
/// The adapters that need no SaaS: <c>generated</c> and <c>postgres-role</c> (vendors), <c>dotenv-file</c> and <c>http</c> (consumers).
/// Settings are checked when an adapter is built, so a bad manifest entry fails with its name and the fix.
/// </summary>
public sealed class BuiltInAdapterCatalog : IAdapterCatalog
{
    private readonly BuiltInAdapterOptions _options;
    private readonly HttpCaller _http;

    public BuiltInAdapterCatalog(BuiltInAdapterOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.StateDirectory);
        _options = options;
        _http = new HttpCaller(options.HttpClient, options.TimeProvider, options.HttpTimeout);
    }

    public IReadOnlyList<AdapterKind> Kinds { get; } =
    [
        new(GeneratedVendor.KindName, AdapterRole.Vendor, [], ["length", "alphabet", "state_dir", "bootstrap"], IsLocal: true,
            "Values Velvet generates by a password policy; ids and fingerprints recorded in a local state file"),
        new(PostgresRoleVendor.KindName, AdapterRole.Vendor, PostgresRoleOptions.Required, PostgresRoleOptions.Optional, IsLocal: false,
            "A PostgreSQL app role's password, in place or alternating between two logins; the value is the app's URL"),
        new(DotenvFileConsumer.KindName, AdapterRole.Consumer, ["path", "key"], [], IsLocal: true,
            "One KEY=value line of a dotenv file, replaced atomically"),
        new(HttpConsumer.KindName, AdapterRole.Consumer, [], ["body_field", "auth_header"], IsLocal: false,
            "PUT/POST/PATCH of {\"<body_field>\": value} to update_endpoint, authenticated by update_auth_token_name"),
    ];

    public ICredentialVendor CreateVendor(CredentialSpec credential) => credential.Vendor.Kind switch
    {
        GeneratedVendor.KindName => new GeneratedVendor(GeneratedVendorOptions.FromSpec(credential, _options.StateDirectory), _options.TimeProvider),
        PostgresRoleVendor.KindName => new PostgresRoleVendor(PostgresRoleOptions.FromSpec(credential), _options.Environment, _options.Masker),
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
