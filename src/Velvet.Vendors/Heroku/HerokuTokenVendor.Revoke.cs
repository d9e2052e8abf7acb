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

    /// <summary>The token that lists and mints: auth_token_name's value, else the current token itself.</summary>
    private (SecretValue? Token, Outcome? Error) MintToken(VendorContext ctx) =>
        ctx.Secrets.Get(_options.MintTokenName) is { } value ? (value, null) : (null, NoValue(_options.MintTokenName));

    /// <summary>
    /// The authorization behind the current token: the one Velvet minted last (its description names the credential), else
    /// <c>authorization_id</c>, the token made by hand before Velvet managed it. Ids are not secret: they stay readable in
    /// the audit trail, where the runbook needs them for a manual revoke.
    /// </summary>
    private (string? Id, Outcome? Problem) CurrentAuthorization(VendorContext ctx, List<HerokuAuthorization> all)
    {
        var prefix = Description(ctx.CredentialName, "velvet-job-");
        var minted = all.Where(a => a.Description?.StartsWith(prefix, StringComparison.Ordinal) == true).ToList();
        var configured = _options.AuthorizationId;
        return minted.Count switch
        {
            1 => (minted[0].Id, null),
            0 when configured is not null && all.Any(a => a.Id == configured) => (configured, null),
            0 when configured is not null => (null, Outcome.Permanent($"authorization_id {configured} is not among the account's authorizations; " +
                "set it to the id of the token in use (heroku authorizations lists ids and descriptions), then verify again")),
            0 => (null, Outcome.Permanent($"the id of the current token's authorization is unknown, so it could not be revoked after the rotation; " +
                $"set authorization_id on the vendor of {ctx.CredentialName} (heroku authorizations lists ids and descriptions), then verify again")),
            _ => (null, Outcome.Permanent($"{minted.Count} authorizations were minted by Velvet for {ctx.CredentialName} ({string.Join(", ", minted.Select(a => a.Id))}); " +
                "delete the ones left by aborted jobs (heroku authorizations:revoke ID), keeping the token in use, then verify again")),
        };
    }

    private static Outcome NoValue(string name) =>
        Outcome.Permanent($"{name} has no current value; give it to Velvet, e.g. as the environment variable {Local.EnvSecretSource.VariableFor(name)}");

    private static Outcome OldTokenInvalid(string name) =>
        Outcome.Permanent($"old token invalid: Heroku refuses the current token of {name} (GET /account: 401), so nothing was minted. " +
            $"Velvet's copy has drifted or the token was revoked: give Velvet the token in use ({Local.EnvSecretSource.VariableFor(name)}) " +
            "or follow the Heroku API key drift-recovery runbook, then verify again", 401);
}
