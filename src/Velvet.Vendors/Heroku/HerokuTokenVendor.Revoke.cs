using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Heroku;

public sealed partial class HerokuTokenVendor
{
    /// <summary>
    /// Revokes with a token other than the one revoked: the new token in a rotation, <c>auth_token_name</c> in an emergency
    /// revocation. The new token must pass GET /account first. Afterwards the old token must be refused, which also
    /// catches an authorization id that was not the old token's.
    /// </summary>
    public async Task<Outcome> RevokeAsync(VendorContext ctx, string credentialId, CancellationToken ct)
    {
        var (token, tokenName) = ctx.NewValue is { } fresh
            ? (fresh, $"the new value of {ctx.CredentialName}")
            : _options.AuthTokenName is { } other && ctx.Secrets.Get(other) is { } otherValue ? (otherValue, other) : (null, "");
        if (token is null)
            return Outcome.Permanent($"revoking {credentialId} needs a Heroku token other than the one revoked: a rotation uses its new token; " +
                $"for an emergency revocation set auth_token_name on {ctx.CredentialName} to another Heroku credential with a current value");
        var old = ctx.Secrets.Get(ctx.CredentialName);
        if (old is not null && old.Equals(token))
            return Outcome.Permanent($"refusing to revoke {credentialId} with the token being revoked; give {tokenName} a different value");

        var account = await _api.AccountAsync(token, tokenName, ct).ConfigureAwait(false);
        if (!account.IsSuccess)
            return account.Outcome with { Message = $"{credentialId} was NOT revoked: {tokenName} does not pass GET /account ({account.Outcome.Message})" };
        var list = await _api.ListAsync(token, tokenName, ct).ConfigureAwait(false);
        if (!list.IsSuccess) return list.Outcome;
        var ours = Description(ctx.CredentialName, ctx.IdempotencyTag);
        if (list.Value!.Any(a => a.Id == credentialId && string.Equals(a.Description, ours, StringComparison.Ordinal)))
            return Outcome.Permanent($"refusing to revoke {credentialId}: it is the authorization this job minted (the new token)");

        var deleted = await _api.DeleteAsync(token, tokenName, credentialId, ct).ConfigureAwait(false);
        if (!deleted.IsSuccess && deleted.Status != 404) return deleted.Outcome;
        var done = deleted.Status == 404 ? $"{credentialId} was already revoked (404)" : $"revoked authorization {credentialId}";
        if (old is null || old.Equals(token)) return Outcome.Ok(done);
        return await ConfirmOldRefusedAsync(ctx, credentialId, old, done, ct).ConfigureAwait(false);
    }

    private async Task<Outcome> ConfirmOldRefusedAsync(VendorContext ctx, string credentialId, SecretValue old, string done, CancellationToken ct)
    {
        var probe = await _api.AccountAsync(old, $"the old value of {ctx.CredentialName}", ct).ConfigureAwait(false);
        if (probe.Status == 401) return Outcome.Ok($"{done}; the old token is refused (GET /account: 401)");
        if (probe.IsSuccess)
            // Transient: revocation may take a moment to reach every Heroku node; retries tell a delay from a wrong id.
            return Outcome.Transient($"{done}, but the old token of {ctx.CredentialName} still passes GET /account: either the revocation has not " +
                $"propagated yet or {credentialId} is not the old token's authorization. Find it (heroku authorizations), revoke it, then mark_manually_revoked", 200);
        return Outcome.Ok($"{done}; could not confirm the old token is refused ({probe.Outcome.Message})");
    }
}
