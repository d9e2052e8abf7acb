using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;
using Velvet.Vendors.Aws;
using Velvet.Vendors.Tests.Aws;

namespace Velvet.Engine.Tests;

/// <summary>
/// The seeds example's AWS block (BILLING_AWS_ACCESS_KEY, aws-iam-access-key → two SSM SecureStrings, one json_field
/// each, as in the session log) rotated by the engine against the IAM+STS and SSM fakes: a second key, its id and its
/// secret in their parameters (each validated by the field's fingerprint), the new key proven by STS (after IAM's
/// eventual consistency made the first revoke attempt transient), the old key deactivated and deleted by Velvet's identity.
/// </summary>
public sealed class AwsBillingKeysEndToEndTests : IAsyncLifetime
{
    private const string Cred = "BILLING_AWS_ACCESS_KEY";
    private const string User = "raxx-billing-readonly";
    private const string IdParameter = "/raxx/billing-readonly/aws_access_key_id";
    private const string SecretParameter = "/raxx/billing-readonly/aws_secret_access_key";
    private const string SsmSecret = "ssm-signing-secret-canary-41d2";
    private FakeIam _iam = null!;
    private readonly FakeSsm _ssm = new();
    private AwsKeys _old = null!;
    private AwsKeys _operator = null!;

    public async ValueTask InitializeAsync()
    {
        _iam = await FakeIam.StartAsync();
        await _ssm.InitializeAsync();
        _iam.AddUser(User);
        _iam.AddUser("velvet-prod", manageKeys: true);
        _old = _iam.AddKey(User, "billing-old-secret-canary-");
        _operator = _iam.AddKey("velvet-prod", "velvet-operator-secret-canary-");
        _iam.StsLag = 1;
    }

    public async ValueTask DisposeAsync()
    {
        await _iam.DisposeAsync();
        await _ssm.DisposeAsync();
    }

    private string Manifest() => SeedsManifest.With(
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            [Cred] = new Dictionary<string, string>
            {
                ["iam_endpoint_url"] = _iam.BaseUrl, ["sts_endpoint_url"] = _iam.BaseUrl,
                ["access_key_id_name"] = "VELVET_AWS_KEY_ID", ["secret_access_key_name"] = "VELVET_AWS_SECRET",
            },
        },
        new[] { "ssm-billing-access-key-id", "ssm-billing-secret-access-key" }.ToDictionary(id => id, IReadOnlyDictionary<string, string> (_) => new Dictionary<string, string>
        {
            ["endpoint_url"] = _ssm.BaseAddress.ToString(), ["access_key_id_name"] = "SSM_KEY_ID", ["secret_access_key_name"] = "SSM_SECRET",
        }),
        new Dictionary<string, IReadOnlyDictionary<string, string>>());

    [Fact]
    public async Task The_billing_key_rotates_to_done_with_its_halves_in_two_SSM_parameters_and_the_old_key_deleted_by_Velvet_identity()
    {
        await using var h = await Harness.StartAsync((_, _) => Manifest(), o => o with { Env = "prod" });
        h.Secrets.Set(Cred, new AwsAccessKeyValue(_old.AccessKeyId, new SecretValue(_old.SecretAccessKey)).ToSecret());
        h.Secrets.Set("VELVET_AWS_KEY_ID", new SecretValue(_operator.AccessKeyId));
        h.Secrets.Set("VELVET_AWS_SECRET", new SecretValue(_operator.SecretAccessKey));
        h.Secrets.Set("SSM_KEY_ID", new SecretValue(FakeSsm.AccessKeyId));
        h.Secrets.Set("SSM_SECRET", new SecretValue(SsmSecret));
        var job = await h.StartJobAsync(credential: Cred);

        var validated = await h.VerifyAndMintAsync(job.JobId);
        Assert.Equal(JobStatus.Validated, validated.Status);
        var done = await h.ActAsync(job.JobId, JobAction.ProceedRevoke, r => r with { ConfirmCredentialName = Cred, TicketId = "ROT-2026-11-AWS" });

        Assert.Equal(JobStatus.Done, done.Status);
        var fresh = Assert.Single(_iam.KeysOf(User));
        Assert.Equal((fresh.AccessKeyId, _old.AccessKeyId), (done.NewCredentialId, done.OldCredentialId));
        // Each parameter holds its half, and each row was validated against that half's fingerprint.
        Assert.Equal((fresh.AccessKeyId, fresh.Secret), (_ssm.Get(IdParameter)!.Value, _ssm.Get(SecretParameter)!.Value));
        var rows = (await h.RowsAsync(job.JobId)).ToDictionary(r => r.ConsumerId);
        Assert.Equal((RowStatus.Succeeded, RowStatus.Succeeded), (rows["ssm-billing-access-key-id"].ValidateStatus, rows["ssm-billing-secret-access-key"].ValidateStatus));
        Assert.Equal((new SecretValue(fresh.AccessKeyId).Fingerprint, new SecretValue(fresh.Secret).Fingerprint),
            (rows["ssm-billing-access-key-id"].WrittenFingerprint, rows["ssm-billing-secret-access-key"].WrittenFingerprint));
        Assert.Null(_iam.Find(_old.AccessKeyId));
        var calls = _iam.Calls.ToList();
        Assert.Equal([("UpdateAccessKey", _operator.AccessKeyId), ("DeleteAccessKey", _operator.AccessKeyId)], calls.Where(c => c.Action is "UpdateAccessKey" or "DeleteAccessKey"));
        // STS refused the fresh key once (eventual consistency): the revoke was retried, then proven with the new key.
        Assert.Equal(2, calls.Count(c => c == ("GetCallerIdentity", fresh.AccessKeyId)));
        Assert.Contains(await h.EventsAsync(job.JobId), e => e.Detail == $"revoked {_old.AccessKeyId}");
        await h.AssertNoCanaryAsync(job.JobId, _old.SecretAccessKey, fresh.Secret, _operator.SecretAccessKey, SsmSecret);
    }
}
