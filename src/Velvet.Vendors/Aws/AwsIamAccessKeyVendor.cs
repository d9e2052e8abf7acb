using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Aws;

/// <summary>
/// An IAM user's access key. Verify: the current key authenticates as the user (STS GetCallerIdentity) and the
/// operating identity, which is never that key, can list the user's keys. Mint: CreateAccessKey, refused while the
/// user has two keys (AWS's maximum). Revoke: the new key must authenticate as the same user first (STS; IAM is
/// eventually consistent, so "not yet" is transient), then UpdateAccessKey Inactive and DeleteAccessKey on the old
/// key, with the operating identity. The value is <see cref="AwsAccessKeyValue"/> JSON; the credential id is the
/// AccessKeyId, which is not secret.
/// </summary>
public sealed partial class AwsIamAccessKeyVendor(AwsIamAccessKeyOptions options, AwsIamClient iam, AwsStsClient sts, SecretMasker masker) : ICredentialVendor
{
    public const string KindName = "aws-iam-access-key";

    public string Kind => KindName;

    public bool GeneratesValueLocally => false;

    public SecretValue GenerateValue() => throw new NotSupportedException("AWS generates access keys; Velvet cannot make one locally");

    public static AwsIamAccessKeyVendor Create(Core.Manifest.CredentialSpec credential, Http.HttpCaller http, SecretMasker masker)
    {
        var options = AwsIamAccessKeyOptions.FromSpec(credential);
        return new AwsIamAccessKeyVendor(options, new AwsIamClient(options, http, masker), new AwsStsClient(options, http.Timeout), masker);
    }

    private string User => options.UserName;

    public async Task<VerifyResult> VerifyAsync(VendorContext ctx, CancellationToken ct)
    {
        var (current, problem) = Current(ctx);
        if (current is null) return new VerifyResult(problem!);
        var (operatorKeys, refusal) = await OperatorAsync(ctx, current.AccessKeyId, ct).ConfigureAwait(false);
        if (operatorKeys is null) return new VerifyResult(refusal!);
        var caller = await sts.CallerArnAsync(current.Keys, $"the current key of {ctx.CredentialName}", ct).ConfigureAwait(false);
        if (caller.Refused)
            return new VerifyResult(Outcome.Permanent($"old key invalid: AWS refuses the current key {current.AccessKeyId} of {ctx.CredentialName} " +
                $"({caller.Outcome.Message}), so nothing was minted. Velvet's copy has drifted or the key was deleted: give Velvet the key in use, then verify again", caller.Outcome.HttpStatus));
        if (caller.Arn is null) return new VerifyResult(caller.Outcome);
        if (WrongUser(caller.Arn, $"the current key {current.AccessKeyId} of {ctx.CredentialName}") is { } wrong) return new VerifyResult(wrong);
        var list = await iam.ListAsync(operatorKeys, ct).ConfigureAwait(false);
        if (list.Value is null) return new VerifyResult(list.Outcome);
        if (!list.Value.Any(k => k.AccessKeyId == current.AccessKeyId))
            return new VerifyResult(Outcome.Permanent($"the current key {current.AccessKeyId} is not among the access keys of user {User} ({Describe(list.Value)}); fix user_name"));
        return new VerifyResult(Outcome.Ok($"the current key {current.AccessKeyId} authenticates as {caller.Arn}; operating as {operatorKeys.AccessKeyId}, " +
            $"ListAccessKeys {User}: {Describe(list.Value)}"), current.AccessKeyId);
    }

    public async Task<MintResult> MintAsync(VendorContext ctx, SecretValue? prepared, CancellationToken ct)
    {
        var (current, _) = Current(ctx);
        var (operatorKeys, refusal) = await OperatorAsync(ctx, current?.AccessKeyId, ct).ConfigureAwait(false);
        if (operatorKeys is null) return new MintResult(refusal!);
        var list = await iam.ListAsync(operatorKeys, ct).ConfigureAwait(false);
        if (list.Value is null) return new MintResult(list.Outcome);
        if (prepared is not null) return await AdoptAsync(ctx, prepared, list.Value, ct).ConfigureAwait(false);
        if (list.Value.Count >= 2)
            return new MintResult(TwoKeys(list.Value));
        var created = await iam.CreateAsync(operatorKeys, ct).ConfigureAwait(false);
        if (created.ErrorCode == "LimitExceeded")
        {
            // Another writer added a key since the list: name the keys as they are now.
            var now = await iam.ListAsync(operatorKeys, ct).ConfigureAwait(false);
            return new MintResult(TwoKeys(now.Value ?? list.Value));
        }
        if (created.Value is null) return new MintResult(created.Outcome);
        var value = created.Value.ToSecret();
        masker.Register(value);
        return new MintResult(Outcome.Ok($"created access key {created.Value.AccessKeyId} for user {User} ({value.Fingerprint})"), created.Value.AccessKeyId, value);
    }

    /// <summary>A value sealed for this job by an earlier attempt (or entered by an operator): reused when the key still exists.</summary>
    private async Task<MintResult> AdoptAsync(VendorContext ctx, SecretValue prepared, IReadOnlyList<AwsAccessKeyInfo> keys, CancellationToken ct)
    {
        var (value, problem) = AwsAccessKeyValue.Parse(prepared);
        if (value is null) return new MintResult(Outcome.Permanent($"the value held for this job of {ctx.CredentialName} {problem}"));
        var key = keys.FirstOrDefault(k => k.AccessKeyId == value.AccessKeyId);
        if (key is null || !key.IsActive)
            return new MintResult(Outcome.Permanent($"the access key held for this job ({value.AccessKeyId}) is {(key is null ? "not among" : "inactive in")} the keys of user {User} " +
                $"({Describe(keys)}); abort this job and start a new rotation"));
        masker.Register(value.SecretAccessKey);
        return new MintResult(Outcome.Ok($"access key {value.AccessKeyId} was already created for this job; reusing it ({prepared.Fingerprint})"), value.AccessKeyId);
    }

    private Outcome TwoKeys(IReadOnlyList<AwsAccessKeyInfo> keys) => Outcome.Permanent(
        $"user {User} already has 2 access keys (the maximum): delete or deactivate one first ({Describe(keys)}); " +
        $"keep the one in use (aws iam delete-access-key --user-name {User} --access-key-id ID), then start the rotation again");

    private static string Describe(IReadOnlyList<AwsAccessKeyInfo> keys) => keys.Count == 0 ? "no keys" : string.Join(", ", keys);

    private Outcome? WrongUser(string arn, string what) =>
        arn.Contains(":user/", StringComparison.Ordinal) && arn.EndsWith("/" + User, StringComparison.Ordinal)
            ? null
            : Outcome.Permanent($"{what} authenticates as {arn}, not as IAM user {User} (user_name); fix user_name or the stored key");

    /// <summary>The current value as a key pair; its secret half is registered with the masker on its own too.</summary>
    private (AwsAccessKeyValue? Value, Outcome? Problem) Current(VendorContext ctx)
    {
        if (ctx.Secrets.Get(ctx.CredentialName) is not { } secret)
            return (null, Outcome.Permanent($"{ctx.CredentialName} has no current value; give Velvet the key pair in use, e.g. as the environment variable " +
                $"{Local.EnvSecretSource.VariableFor(ctx.CredentialName)}"));
        var (value, problem) = AwsAccessKeyValue.Parse(secret);
        if (value is null) return (null, Outcome.Permanent($"the current value of {ctx.CredentialName} {problem}"));
        masker.Register(value.SecretAccessKey);
        return (value, null);
    }

    /// <summary>The operating identity, refused when it is the key being rotated or revoked.</summary>
    private async Task<(AwsKeys? Keys, Outcome? Refusal)> OperatorAsync(VendorContext ctx, string? rotatedKeyId, CancellationToken ct)
    {
        var (keys, problem) = await sts.OperatorAsync(ctx.Secrets, ct).ConfigureAwait(false);
        if (keys is null) return (null, problem);
        if (keys.AccessKeyId == rotatedKeyId)
            return (null, Outcome.Permanent($"Velvet operates with access key {rotatedKeyId}, the key of {ctx.CredentialName} being replaced: it cannot deactivate the key it signs with. " +
                "Give Velvet another identity (access_key_id_name/secret_access_key_name naming another user's key, or a role) with the IAM policy in docs/vendors/aws.md"));
        return (keys, null);
    }
}
