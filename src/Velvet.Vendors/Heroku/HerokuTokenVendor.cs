using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Heroku;

/// <summary>
/// A Heroku Platform API token (an OAuth authorization). Verify: GET /account with the current token. Mint: POST
/// /oauth/authorizations described "&lt;token_name&gt; velvet-job-&lt;job id&gt;", found again on a retry instead of
/// minted twice. Revoke: DELETE /oauth/authorizations/{id} authenticated with the NEW token, never the old one.
/// </summary>
public sealed partial class HerokuTokenVendor : ICredentialVendor
{
    public const string KindName = "heroku-token";
    private readonly HerokuTokenOptions _options;
    private readonly HerokuAuthorizations _api;
    private readonly SecretMasker _masker;

    public HerokuTokenVendor(HerokuTokenOptions options, HerokuClient client, SecretMasker masker)
    {
        _options = options;
        _api = new HerokuAuthorizations(client);
        _masker = masker;
    }

    public string Kind => KindName;

    /// <summary>Heroku makes the token; Velvet cannot choose it.</summary>
    public bool GeneratesValueLocally => false;

    public SecretValue GenerateValue() => throw new NotSupportedException("Heroku generates platform tokens; Velvet cannot make one locally");

    /// <summary>The description that marks an authorization as minted by this job.</summary>
    public static string Description(string tokenName, string idempotencyTag) => $"{tokenName} {idempotencyTag}";

    public async Task<VerifyResult> VerifyAsync(VendorContext ctx, CancellationToken ct)
    {
        if (ctx.Secrets.Get(ctx.CredentialName) is not { } current) return new VerifyResult(NoValue(ctx.CredentialName));
        var account = await _api.AccountAsync(current, ctx.CredentialName, ct).ConfigureAwait(false);
        if (account.Status == 401) return new VerifyResult(OldTokenInvalid(ctx.CredentialName));
        if (!account.IsSuccess) return new VerifyResult(account.Outcome);

        var (minter, error) = MintToken(ctx);
        if (minter is null) return new VerifyResult(error!);
        var list = await _api.ListAsync(minter, _options.MintTokenName, ct).ConfigureAwait(false);
        if (!list.IsSuccess) return new VerifyResult(list.Outcome);
        var (id, problem) = CurrentAuthorization(ctx, list.Value!);
        if (problem is not null) return new VerifyResult(problem);
        return new VerifyResult(Outcome.Ok($"GET /account accepts the current token of {ctx.CredentialName}; its authorization is {id}"), id);
    }

    public async Task<MintResult> MintAsync(VendorContext ctx, SecretValue? prepared, CancellationToken ct)
    {
        var (minter, error) = MintToken(ctx);
        if (minter is null) return new MintResult(error!);
        var description = Description(ctx.CredentialName, ctx.IdempotencyTag);
        var list = await _api.ListAsync(minter, _options.MintTokenName, ct).ConfigureAwait(false);
        if (!list.IsSuccess) return new MintResult(list.Outcome);
        var ours = list.Value!.Where(a => string.Equals(a.Description, description, StringComparison.Ordinal)).ToList();
        if (prepared is not null) return await AdoptAsync(ctx, prepared, ours, ct).ConfigureAwait(false);

        // Ours but no value: the process stopped between Heroku's answer and sealing the token, which Heroku never
        // shows again. Nobody can hold that token, so deleting it is safe; then mint afresh.
        foreach (var orphan in ours)
        {
            var deleted = await _api.DeleteAsync(minter, _options.MintTokenName, orphan.Id, ct).ConfigureAwait(false);
            if (!deleted.IsSuccess && deleted.Status != 404)
                return new MintResult(deleted.Outcome with { Message = $"cannot delete authorization {orphan.Id}, minted earlier by this job but whose token was lost: {deleted.Outcome.Message}" });
        }
        var created = await _api.CreateAsync(minter, _options.MintTokenName, description, _options.Scopes, _options.ExpiresIn, ct).ConfigureAwait(false);
        if (!created.IsSuccess) return new MintResult(created.Outcome);
        var minted = created.Value!;
        _masker.Register(minted.Token);
        var replaced = ours.Count > 0 ? $"; deleted {ours.Count} earlier authorization(s) of this job whose token was lost" : "";
        return new MintResult(Outcome.Ok($"minted authorization {minted.Id} ({minted.Token.Fingerprint}), scope {string.Join(",", _options.Scopes)}{replaced}"),
            minted.Id, minted.Token);
    }

    /// <summary>A value already sealed for this job (a retry after the engine stored it) or entered by an operator.</summary>
    private async Task<MintResult> AdoptAsync(VendorContext ctx, SecretValue prepared, List<HerokuAuthorization> ours, CancellationToken ct)
    {
        var works = await _api.AccountAsync(prepared, $"the new value of {ctx.CredentialName}", ct).ConfigureAwait(false);
        if (works.Status == 401)
            return new MintResult(Outcome.Permanent($"Heroku refuses the value held for this job (GET /account: 401); nothing was minted. Abort the job and start a new rotation", 401));
        if (!works.IsSuccess) return new MintResult(works.Outcome);
        return ours.Count switch
        {
            1 => new MintResult(Outcome.Ok($"authorization {ours[0].Id} was already minted for this job; reusing it ({prepared.Fingerprint})"), ours[0].Id),
            0 => new MintResult(Outcome.Ok($"the value held for this job is accepted by GET /account ({prepared.Fingerprint}); its authorization id is unknown: " +
                $"set authorization_id on the vendor of {ctx.CredentialName} to it after the rotation so the next one can revoke it")),
            _ => new MintResult(Outcome.Permanent($"{ours.Count} authorizations carry this job's description ({string.Join(", ", ours.Select(a => a.Id))}); " +
                "delete the extra ones at Heroku (heroku authorizations:revoke ID), then retry")),
        };
    }
}
