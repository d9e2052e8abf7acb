using Velvet.Core.Ports;

namespace Velvet.Vendors.Aws;

public sealed partial class AwsIamAccessKeyVendor
{
    /// <summary>
    /// In a rotation the new key must authenticate as the same user first; then the old key is set Inactive (reversible)
    /// and deleted, by the operating identity. An emergency revocation (no new value) deactivates and deletes at once.
    /// A key already gone (NoSuchEntity) counts as revoked.
    /// </summary>
    public async Task<Outcome> RevokeAsync(VendorContext ctx, string credentialId, CancellationToken ct)
    {
        var (operatorKeys, refusal) = await OperatorAsync(ctx, credentialId, ct).ConfigureAwait(false);
        if (operatorKeys is null) return refusal!;
        var proven = "";
        if (ctx.NewValue is { } fresh)
        {
            var (value, problem) = AwsAccessKeyValue.Parse(fresh);
            if (value is null) return Outcome.Permanent($"{credentialId} was NOT revoked: the new value of {ctx.CredentialName} {problem}");
            masker.Register(value.SecretAccessKey);
            if (value.AccessKeyId == credentialId) return Outcome.Permanent($"refusing to revoke {credentialId}: it is the key this job created (the new key)");
            var caller = await sts.CallerArnAsync(value.Keys, $"the new key of {ctx.CredentialName}", ct).ConfigureAwait(false);
            if (caller.Refused)
                // Fresh keys take a few seconds to reach STS: retried by the engine; the old key stays active meanwhile.
                return Outcome.Transient($"{credentialId} was NOT revoked yet: STS does not accept the new key {value.AccessKeyId} yet (IAM is eventually consistent; " +
                    $"{caller.Outcome.Message}); retry", caller.Outcome.HttpStatus);
            if (caller.Arn is null) return caller.Outcome with { Message = $"{credentialId} was NOT revoked: {caller.Outcome.Message}" };
            if (WrongUser(caller.Arn, $"the new key {value.AccessKeyId}") is { } wrong) return wrong;
            proven = $"the new key {value.AccessKeyId} authenticates as {caller.Arn}; ";
        }
        var deactivated = await iam.DeactivateAsync(operatorKeys, credentialId, ct).ConfigureAwait(false);
        if (deactivated.ErrorCode == "NoSuchEntity") return Outcome.Ok($"{proven}access key {credentialId} of user {User} was already deleted");
        if (!deactivated.Outcome.IsSuccess) return deactivated.Outcome with { Message = $"{credentialId} was NOT revoked: {deactivated.Outcome.Message}" };
        var deleted = await iam.DeleteAsync(operatorKeys, credentialId, ct).ConfigureAwait(false);
        if (!deleted.Outcome.IsSuccess && deleted.ErrorCode != "NoSuchEntity")
            return deleted.Outcome with { Message = $"access key {credentialId} is Inactive (it no longer authenticates) but was not deleted: {deleted.Outcome.Message}" };
        return Outcome.Ok($"{proven}access key {credentialId} of user {User} set Inactive and deleted");
    }
}
