using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Infisical;
using Velvet.Vendors.Local;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Infisical;

/// <summary>One test's own project and machine identity on the shared fake, and consumers built against them.</summary>
public sealed class InfisicalTestBed
{
    public const string NewValue = "canary-INF-new-value-3b7c2a90";
    public const string ClientSecret = "canary-INF-client-secret-88e1d4";
    public static readonly SecretValue Value = new(NewValue);

    public InfisicalTestBed(FakeInfisical fake, TimeProvider? time = null, string environment = "prod")
    {
        Fake = fake;
        Time = time ?? TimeProvider.System;
        Project = "proj-" + Guid.NewGuid().ToString("N")[..10];
        ClientId = Guid.NewGuid().ToString();
        fake.AddProject(Project, "dev", "staging", "prod");
        fake.AddIdentity(ClientId, ClientSecret, Project);
        Environment = environment;
        Masker = new SecretMasker();
        Secrets = new DictionarySecretSource(new Dictionary<string, string> { ["INFISICAL_CLIENT_ID"] = ClientId, ["INFISICAL_CLIENT_SECRET"] = ClientSecret }, Masker);
        Catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions
        {
            StateDirectory = Path.GetTempPath(), TimeProvider = Time, HttpTimeout = TimeSpan.FromSeconds(5), Masker = Masker,
        });
    }

    public FakeInfisical Fake { get; }
    public TimeProvider Time { get; }
    public string Project { get; }
    public string ClientId { get; }
    public string Environment { get; }
    public SecretMasker Masker { get; }
    public DictionarySecretSource Secrets { get; }
    public BuiltInAdapterCatalog Catalog { get; }

    public ConsumerSpec Spec(string path = "/MooseQuest/raxx/prod", string name = "RAPTOR_APP_DATABASE_URL", string? apiVersion = null, bool source = false) => new()
    {
        ConsumerId = "infisical-raptor-prod",
        TokenName = "RAPTOR_APP_DATABASE_URL",
        Kind = InfisicalSecretConsumer.KindName,
        Env = "prod",
        Settings = new Dictionary<string, string>
        {
            ["project_id"] = Project, ["environment"] = Environment, ["secret_path"] = path, ["secret_name"] = name,
            ["client_id_name"] = "INFISICAL_CLIENT_ID", ["client_secret_name"] = "INFISICAL_CLIENT_SECRET", ["api_url"] = Fake.BaseAddress.ToString(),
        }
        .Concat(apiVersion is null ? [] : [new KeyValuePair<string, string>("api_version", apiVersion)])
        .Concat(source ? [new KeyValuePair<string, string>("current_value_source", "true")] : [])
        .ToDictionary(),
        Line = 44,
    };

    public IConsumerAdapter Consumer(ConsumerSpec? spec = null) => Catalog.CreateConsumer(Contexts.Credential("RAPTOR_APP_DATABASE_URL"), spec ?? Spec());

    public ConsumerContext Ctx(string? expected = null) => Contexts.Consumer(Secrets, expected, "infisical-raptor-prod");

    /// <summary>Logins this test's identity made.</summary>
    public int Logins => Fake.ReceivedTo("POST", "/api/v1/auth/universal-auth/login").Count(r => r.Body.Contains(ClientId, StringComparison.Ordinal));

    /// <summary>Requests about this test's project (folders and secrets).</summary>
    public IReadOnlyList<VendorRequest> ProjectRequests => Fake.Received.Where(r => (r.Body + r.Query).Contains(Project, StringComparison.Ordinal)).ToList();

    public static void AssertClean(Outcome outcome, params string[] alsoSecret)
    {
        var text = outcome.ToString();
        foreach (var secret in alsoSecret.Append(NewValue).Append(ClientSecret).Append("inf-access-canary"))
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }
}
