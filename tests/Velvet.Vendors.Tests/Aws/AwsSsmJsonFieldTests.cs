using Velvet.Core.Engine;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Aws;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Tests.Aws;

/// <summary>
/// json_field: an access key pair (one JSON value) kept in two SSM parameters, the key id in one and the secret in the
/// other, as the provisioning session log did. Each consumer writes and validates its own field only.
/// </summary>
public sealed class AwsSsmJsonFieldTests(FakeSsm ssm) : IClassFixture<FakeSsm>
{
    private const string Cred = "BILLING_AWS_ACCESS_KEY";
    private const string KeyId = "AKIAJSONFIELDTEST01";
    private const string Secret = "canary-json-field-secret-access-key-9c4e";
    private const string SigningSecret = "canary-json-field-signing-secret-2b7d";
    private static readonly SecretValue Pair = new AwsAccessKeyValue(KeyId, new SecretValue(Secret)).ToSecret();
    private readonly string _prefix = $"/raxx/billing-readonly/t{Guid.NewGuid():N}";
    private readonly SecretMasker _masker = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DictionarySecretSource Secrets(SecretValue? current = null)
    {
        var source = new DictionarySecretSource(new Dictionary<string, string> { ["SSM_KEY_ID"] = FakeSsm.AccessKeyId, ["SSM_SECRET"] = SigningSecret }, _masker);
        if (current is not null) source.Set(Cred, current);
        return source;
    }

    private string Name(string field) => $"{_prefix}/{field}";

    private IConsumerAdapter Consumer(string field) => new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.GetTempPath(), Masker = _masker })
        .CreateConsumer(new CredentialSpec { TokenName = Cred, Env = "prod", Vendor = new AdapterSpec { Kind = AwsIamAccessKeyVendor.KindName } }, new ConsumerSpec
        {
            ConsumerId = $"ssm-{field}", TokenName = Cred, Kind = AwsSsmParameterConsumer.KindName, Env = "prod", Line = 40,
            Settings = new Dictionary<string, string>
            {
                ["parameter_name"] = Name(field), ["region"] = "us-east-1", ["endpoint_url"] = ssm.BaseAddress.ToString(), ["json_field"] = field,
                ["access_key_id_name"] = "SSM_KEY_ID", ["secret_access_key_name"] = "SSM_SECRET",
            },
        });

    private static ConsumerContext Ctx(DictionarySecretSource secrets, string field, string? expected = null, string? written = null) => new()
    {
        JobId = Guid.NewGuid(), CredentialName = Cred, ConsumerId = $"ssm-{field}", Env = "prod",
        ExpectedFingerprint = expected, WrittenFingerprint = written, Secrets = secrets,
    };

    private static void AssertClean(Outcome outcome)
    {
        foreach (var canary in new[] { Secret, Pair.Reveal(), SigningSecret })
            Assert.DoesNotContain(canary, outcome.Message ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_consumers_hold_the_two_halves_and_each_validates_against_its_field_fingerprint()
    {
        var secrets = Secrets();
        var outcomes = new List<Outcome>();
        foreach (var field in new[] { "AccessKeyId", "SecretAccessKey" })
        {
            var consumer = Consumer(field);
            var push = await consumer.PushAsync(Ctx(secrets, field), Pair, Ct);
            var again = await consumer.PushAsync(Ctx(secrets, field), Pair, Ct);
            var validate = await consumer.ValidateAsync(Ctx(secrets, field, Pair.Fingerprint, push.WrittenFingerprint), Ct);
            outcomes.AddRange([push, again, validate]);

            var half = new SecretValue(field == "AccessKeyId" ? KeyId : Secret);
            Assert.Equal(OutcomeKind.Succeeded, push.Kind);
            Assert.Equal(half.Fingerprint, push.WrittenFingerprint);
            Assert.Equal($"PutParameter {Name(field)}: version 1 (created); {Name(field)} (field {field}) set to {half.Fingerprint}", push.Message);
            Assert.Equal($"{Name(field)} (field {field}) already holds {half.Fingerprint}; not written again", again.Message);
            Assert.Equal(half.Fingerprint, again.WrittenFingerprint);
            Assert.Equal(OutcomeKind.Succeeded, validate.Kind);
            Assert.Equal($"{Name(field)} (field {field}) holds {half.Fingerprint}", validate.Message);
        }

        Assert.Equal(new FakeSsm.Parameter(KeyId, 1, "SecureString", null), ssm.Get(Name("AccessKeyId")));
        Assert.Equal(new FakeSsm.Parameter(Secret, 1, "SecureString", null), ssm.Get(Name("SecretAccessKey")));
        Assert.All(outcomes, AssertClean);
    }

    [Fact]
    public async Task Validation_reports_a_parameter_holding_another_half_by_fingerprints_and_a_health_probe_derives_the_field_from_the_current_value()
    {
        ssm.Set(Name("SecretAccessKey"), KeyId); // the id written to the secret's parameter by hand
        var consumer = Consumer("SecretAccessKey");
        var expected = new SecretValue(Secret).Fingerprint;

        var wrong = await consumer.ValidateAsync(Ctx(Secrets(), "SecretAccessKey", Pair.Fingerprint, expected), Ct);
        ssm.Set(Name("SecretAccessKey"), Secret);
        // No job row (velvet health): the expected field comes from the current value when it is the expected one.
        var probe = await consumer.ValidateAsync(Ctx(Secrets(Pair), "SecretAccessKey", Pair.Fingerprint), Ct);
        var unknown = await consumer.ValidateAsync(Ctx(Secrets(), "SecretAccessKey", Pair.Fingerprint), Ct);

        Assert.Equal(OutcomeKind.Permanent, wrong.Kind);
        Assert.Contains($"(field SecretAccessKey) holds a different value (fingerprint {new SecretValue(KeyId).Fingerprint}, expected {expected})", wrong.Message, StringComparison.Ordinal);
        Assert.Equal((OutcomeKind.Succeeded, $"{Name("SecretAccessKey")} (field SecretAccessKey) holds {expected}"), (probe.Kind, probe.Message));
        Assert.Equal(OutcomeKind.NeedsConfirm, unknown.Kind);
        Assert.Contains("no fingerprint of field SecretAccessKey of the expected value to compare with", unknown.Message, StringComparison.Ordinal);
        AssertClean(wrong);
        AssertClean(probe);
    }

    [Theory]
    [InlineData("{\"Version\":1,\"AccessKeyId\":\"AKIAJSONFIELDTEST01\",\"Other\":\"canary-json-field-secret-access-key-9c4e\"}", "has no field SecretAccessKey")]
    [InlineData("{\"SecretAccessKey\":{\"v\":\"canary-json-field-secret-access-key-9c4e\"}}", "has field SecretAccessKey as a JSON object, not a string")]
    [InlineData("{\"SecretAccessKey\":\"\",\"x\":\"canary-json-field-secret-access-key-9c4e\"}", "has an empty field SecretAccessKey")]
    [InlineData("[\"canary-json-field-secret-access-key-9c4e\"]", "is not a JSON object, so it has no field SecretAccessKey")]
    [InlineData("canary-json-field-secret-access-key-9c4e", "is not a JSON object, so it has no field SecretAccessKey")]
    public async Task A_value_without_the_field_is_a_permanent_error_naming_the_consumer_and_the_field_never_the_value(string raw, string phrase)
    {
        var value = new SecretValue(raw);

        var outcome = await Consumer("SecretAccessKey").PushAsync(Ctx(Secrets(), "SecretAccessKey"), value, Ct);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.StartsWith($"ssm-SecretAccessKey: json_field SecretAccessKey: the value of {Cred} ({value.Fingerprint}) {phrase}; ", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, outcome.Message, StringComparison.Ordinal);
        Assert.Null(ssm.Get(Name("SecretAccessKey")));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"  \"")]
    public void An_empty_json_field_is_reported_at_load_with_file_line_and_the_fix(string field)
    {
        var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.GetTempPath() });
        var yaml = $$"""
            version: 1
            credentials:
              - token_name: {{Cred}}
                vendor: { kind: aws-iam-access-key, settings: { user_name: raxx-billing-readonly } }
                env: prod
            consumers:
              - consumer_id: ssm-billing-secret-access-key
                token_name: {{Cred}}
                kind: aws-ssm-parameter
                settings: { parameter_name: /raxx/billing-readonly/aws_secret_access_key, region: us-east-1, json_field: {{field}} }
            """;
        var loaded = ManifestLoader.LoadFromText(yaml, "velvet.yaml", catalog.Kinds);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));

        var error = Assert.Single(new CredentialBindings(loaded.Manifest!, catalog).Check("prod")).ToString();

        Assert.StartsWith("velvet.yaml:7:1: consumer ssm-billing-secret-access-key (line 7, kind aws-ssm-parameter): setting json_field is empty; ", error, StringComparison.Ordinal);
        Assert.Contains("e.g. json_field: SecretAccessKey", error, StringComparison.Ordinal);
    }
}
