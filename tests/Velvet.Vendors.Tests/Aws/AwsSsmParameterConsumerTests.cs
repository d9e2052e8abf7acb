using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Aws;
using Velvet.Vendors.Local;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Aws;

public sealed class AwsSsmParameterConsumerTests(FakeSsm ssm) : IClassFixture<FakeSsm>
{
    private const string Canary = "canary-SSM-value-5e1f9c";
    private const string SecretKey = "canary-SSM-velvet-secret-key-77ab";
    private static readonly SecretValue Value = new(Canary);
    private readonly string _name = $"/raxx/prod/t{Guid.NewGuid():N}/AWS_SECRET_ACCESS_KEY";
    private readonly SecretMasker _masker = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DictionarySecretSource Secrets => new(new Dictionary<string, string> { ["AWS_OPS_KEY_ID"] = FakeSsm.AccessKeyId, ["AWS_OPS_SECRET"] = SecretKey }, _masker);

    private ConsumerSpec Spec(Dictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["parameter_name"] = _name, ["region"] = "eu-west-1", ["endpoint_url"] = ssm.BaseAddress.ToString(),
            ["access_key_id_name"] = "AWS_OPS_KEY_ID", ["secret_access_key_name"] = "AWS_OPS_SECRET",
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return new()
        {
            ConsumerId = "ssm-billing-prod",
            TokenName = "BILLING_AWS_SECRET",
            Kind = AwsSsmParameterConsumer.KindName,
            Env = "prod",
            Line = 31,
            Settings = settings,
        };
    }

    private IConsumerAdapter Consumer(ConsumerSpec? spec = null) =>
        new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.GetTempPath(), Masker = _masker, HttpTimeout = TimeSpan.FromSeconds(5) })
            .CreateConsumer(Contexts.Credential("BILLING_AWS_SECRET"), spec ?? Spec());

    private ConsumerContext Ctx(string? expected = null) => Contexts.Consumer(Secrets, expected, "ssm-billing-prod");

    private static void AssertClean(Outcome outcome)
    {
        Assert.DoesNotContain(Canary, outcome.Message ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, outcome.Message ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task First_write_creates_the_missing_parameter_as_a_SecureString_and_validation_matches_its_fingerprint()
    {
        var consumer = Consumer(Spec(new() { ["key_id"] = "alias/velvet" }));

        var push = await consumer.PushAsync(Ctx(), Value, Ct);
        var validate = await consumer.ValidateAsync(Ctx(Value.Fingerprint), Ct);

        Assert.Equal(OutcomeKind.Succeeded, push.Kind);
        Assert.Equal($"PutParameter {_name}: version 1 (created); {_name} set to {Value.Fingerprint}", push.Message);
        Assert.Equal(new FakeSsm.Parameter(Canary, 1, "SecureString", "alias/velvet"), ssm.Get(_name));
        Assert.Equal(OutcomeKind.Succeeded, validate.Kind);
        Assert.Equal($"{_name} holds {Value.Fingerprint}", validate.Message);
        var targets = ssm.Server.Requests.Where(r => r.BodyKeys.Contains("Name") && r.BodyFingerprint is not null).Select(r => r.Headers["X-Amz-Target"]).ToList();
        Assert.Contains("AmazonSSM.PutParameter", targets);
        Assert.All(ssm.Server.Requests, r => Assert.StartsWith("application/x-amz-json-1.1", r.Headers["Content-Type"], StringComparison.Ordinal));
        AssertClean(push);
        AssertClean(validate);
    }

    [Fact]
    public async Task An_existing_parameter_is_overwritten_and_an_identical_one_is_not_written_again()
    {
        ssm.Set(_name, "old-value-of-the-parameter");
        var consumer = Consumer();

        var first = await consumer.PushAsync(Ctx(), Value, Ct);
        var again = await consumer.PushAsync(Ctx(), Value, Ct);

        Assert.Equal($"PutParameter {_name}: version 2; {_name} set to {Value.Fingerprint}", first.Message);
        Assert.Equal($"{_name} already holds {Value.Fingerprint}; not written again", again.Message);
        Assert.Equal(2, ssm.Get(_name)!.Version);
    }

    [Fact]
    public async Task Validation_reports_a_different_value_by_fingerprints_only()
    {
        ssm.Set(_name, "someone-else-wrote-this-canary");
        var outcome = await Consumer().ValidateAsync(Ctx(Value.Fingerprint), Ct);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.Contains("holds a different value (fingerprint ", outcome.Message, StringComparison.Ordinal);
        Assert.Contains($"expected {Value.Fingerprint}", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("someone-else-wrote-this-canary", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("someone-else", _masker.Scrub("x someone-else-wrote-this-canary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_of_a_parameter_that_does_not_exist_says_push_again()
    {
        var outcome = await Consumer().ValidateAsync(Ctx(Value.Fingerprint), Ct);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.StartsWith($"{_name} does not exist in SSM (eu-west-1); push again with retry_failed", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_denied_on_put_is_permanent_and_names_the_parameter_arn_and_the_actions_to_grant()
    {
        var spec = Spec(new() { ["parameter_name"] = _name.Replace("/raxx/", "/denied/", StringComparison.Ordinal) });
        var name = spec.Settings["parameter_name"];
        ssm.Denied["PutParameter"] = true;
        try
        {
            var outcome = await Consumer(spec).PushAsync(Ctx(), Value, Ct);

            Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
            Assert.Equal(400, outcome.HttpStatus);
            Assert.Equal($"ssm-billing-prod: AWS denied ssm:PutParameter on arn:aws:ssm:eu-west-1:*:parameter{name}: Velvet's AWS identity needs ssm:PutParameter " +
                "on that parameter (and kms:Encrypt on the aws/ssm key); fix the policy, don't rotate", outcome.Message);
            Assert.Null(ssm.Get(name));
            AssertClean(outcome);
        }
        finally
        {
            ssm.Denied.TryRemove("PutParameter", out _);
        }
    }

    [Fact]
    public async Task Throttling_and_5xx_are_transient_and_nothing_is_retried_by_the_sdk()
    {
        var consumer = Consumer();
        ssm.Fail("ThrottlingException", "Rate exceeded");
        var throttled = await consumer.PushAsync(Ctx(), Value, Ct);
        ssm.Fail("InternalServerError", "try later", 500);
        var failed = await consumer.ValidateAsync(Ctx(Value.Fingerprint), Ct);

        Assert.Equal(OutcomeKind.Transient, throttled.Kind);
        Assert.Contains("AWS answered ThrottlingException (Rate exceeded); retry with backoff", throttled.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Transient, failed.Kind);
        Assert.Equal(500, failed.HttpStatus);
        Assert.Null(ssm.Get(_name));
    }

    [Fact]
    public async Task Rejected_velvet_credentials_are_permanent_and_a_missing_one_names_the_secret_to_set()
    {
        var wrong = new DictionarySecretSource(new Dictionary<string, string> { ["AWS_OPS_KEY_ID"] = "AKIDUNKNOWN", ["AWS_OPS_SECRET"] = SecretKey }, _masker);
        var rejected = await Consumer().PushAsync(Contexts.Consumer(wrong), Value, Ct);
        var missing = await Consumer().PushAsync(Contexts.Consumer(new DictionarySecretSource()), Value, Ct);

        Assert.Equal(OutcomeKind.Permanent, rejected.Kind);
        Assert.Contains("AWS rejected Velvet's own credentials (UnrecognizedClientException", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Permanent, missing.Kind);
        Assert.Contains("Velvet's AWS credential AWS_OPS_KEY_ID is not in the secret source", missing.Message, StringComparison.Ordinal);
        AssertClean(rejected);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_transient()
    {
        var outcome = await Consumer(Spec(new() { ["endpoint_url"] = "http://127.0.0.1:9/" })).PushAsync(Ctx(), Value, Ct);

        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
    }

    [Fact]
    public async Task Probe_needs_a_person_because_a_parameter_cannot_refuse_anything()
    {
        var outcome = await Consumer().ProbeRejectedAsync(Ctx(), Ct);

        Assert.Equal(OutcomeKind.NeedsConfirm, outcome.Kind);
    }

    [Theory]
    [InlineData("parameter_name", "", "setting parameter_name is required")]
    [InlineData("parameter_name", "app/db", "is not a hierarchical SSM name")]
    [InlineData("parameter_name", "/aws/x", "which AWS reserves")]
    [InlineData("region", "", "setting region is required")]
    [InlineData("region", "EU West", "is not an AWS region code")]
    [InlineData("secret_access_key_name", "", "settings access_key_id_name and secret_access_key_name go together")]
    [InlineData("endpoint_url", "http://ssm.example.com/", "plain http is accepted only for localhost")]
    public void Bad_settings_name_the_consumer_line_and_fix(string key, string value, string phrase)
    {
        var spec = Spec(new() { [key] = value });

        var e = Assert.Throws<AdapterSettingsException>(() => Consumer(spec));

        Assert.Contains("consumer ssm-billing-prod (line 31, kind aws-ssm-parameter)", e.Message, StringComparison.Ordinal);
        Assert.Contains(phrase, e.Message, StringComparison.Ordinal);
    }
}

public sealed class AwsErrorsTests
{
    [Fact]
    public void No_credentials_from_the_default_chain_is_permanent_and_a_network_failure_is_transient()
    {
        var none = AwsErrors.Classify(new Amazon.Runtime.AmazonClientException("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors: …"), "c: PutParameter /a");
        var network = AwsErrors.Classify(new HttpRequestException("connection reset"), "c: PutParameter /a");

        Assert.Equal(OutcomeKind.Permanent, none.Kind);
        Assert.Contains("the default AWS credential chain found no credentials", none.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Transient, network.Kind);
    }
}
