using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Tests.Heroku;

/// <summary>Builds Heroku adapters through the catalog (settings parsed as from a manifest), pointed at a <see cref="HerokuFake"/>.</summary>
internal static class HerokuKit
{
    public const string Token = "HK_PLATFORM_FULL";
    public const string Bootstrap = "HK_VELVET_BOOTSTRAP";

    public static BuiltInAdapterCatalog Catalog(TimeProvider? time = null, SecretMasker? masker = null) => new(new BuiltInAdapterOptions
    {
        StateDirectory = Path.GetTempPath(),
        HttpTimeout = TimeSpan.FromSeconds(10),
        TimeProvider = time ?? TimeProvider.System,
        Masker = masker ?? new SecretMasker(),
    });

    public static CredentialSpec TokenSpec(HerokuFake fake, Dictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string> { ["base_url"] = fake.BaseUrl };
        foreach (var (k, v) in settings ?? []) all[k] = v;
        return new CredentialSpec { TokenName = Token, Env = "prod", Vendor = new AdapterSpec { Kind = "heroku-token", Settings = all }, Line = 3 };
    }

    public static ConsumerSpec ConfigVar(HerokuFake fake, string app, string key = "HEROKU_API_KEY", string? health = null) => new()
    {
        ConsumerId = "heroku-config-" + app,
        TokenName = Token,
        Kind = "heroku-config-var",
        Env = "prod",
        Settings = new Dictionary<string, string> { ["app"] = app, ["key"] = key, ["base_url"] = fake.BaseUrl },
        UpdateAuthTokenName = Bootstrap,
        HealthcheckEndpoint = health,
        Line = 21,
    };

    public static VendorContext Vendor(ISecretSource secrets, Guid? job = null, SecretValue? newValue = null, string credential = Token)
    {
        var id = job ?? Guid.NewGuid();
        return new VendorContext { JobId = id, CredentialName = credential, Env = "prod", IdempotencyTag = $"velvet-job-{id}", NewValue = newValue, Secrets = secrets };
    }

    public static ConsumerContext Consumer(ISecretSource secrets, string consumerId, string? expected = null) => new()
    {
        JobId = Guid.NewGuid(), CredentialName = Token, ConsumerId = consumerId, Env = "prod", ExpectedFingerprint = expected, Secrets = secrets,
    };

    /// <summary>Fails when a planted value shows up in any text the adapter produced.</summary>
    public static void AssertClean(string? text, params string[] canaries)
    {
        foreach (var canary in canaries) Assert.DoesNotContain(canary, text ?? "", StringComparison.Ordinal);
    }

    public static DictionarySecretSource Secrets(params (string Name, string Value)[] values)
    {
        var source = new DictionarySecretSource(new SecretMasker());
        foreach (var (name, value) in values) source.Set(name, new SecretValue(value));
        return source;
    }
}
