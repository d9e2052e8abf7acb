using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Cloudflare;

/// <summary>
/// A Cloudflare API token (user or account-owned). Verify: GET …/tokens/verify with the current value answers
/// <c>status: active</c> and the configured token_id. Mint by <c>strategy</c>: create_delete reads the old token's
/// policies and creates a token with the same ones, named "&lt;name&gt; velvet-job-&lt;id&gt;" so a retry finds it; the old
/// one is deleted at revoke. roll (PUT …/{id}/value) replaces the value in place: the old value stops working at
/// once, so consumers break until distribution ends. A value entered by an operator (operator_manual) is verified the
/// same way. A 403 on read/create/roll means the managing credential cannot mint: run the credential as operator_manual.
/// </summary>
public sealed class CloudflareTokenVendor(CloudflareTokenOptions options, CloudflareClient client, SecretMasker masker) : ICredentialVendor
{
    public const string KindName = "cloudflare-api-token";

    public string Kind => KindName;

    public bool GeneratesValueLocally => false;

    public SecretValue GenerateValue() => throw new NotSupportedException("Cloudflare generates API token values");

    public static CloudflareTokenVendor Create(Core.Manifest.CredentialSpec credential, HttpCaller http, SecretMasker masker)
    {
        var options = CloudflareTokenOptions.FromSpec(credential);
        return new CloudflareTokenVendor(options, new CloudflareClient(options, http), masker);
    }

    public static string Name(string tokenName, string tag) => $"{tokenName} {tag}";

    public async Task<VerifyResult> VerifyAsync(VendorContext ctx, CancellationToken ct)
    {
        if (ctx.Secrets.Get(ctx.CredentialName) is not { } current)
            return new VerifyResult(Outcome.Permanent($"the current value of {ctx.CredentialName} is not in the secret source; set VELVET_SECRET_{ctx.CredentialName.ToUpperInvariant()} or its vault entry"));
        var (outcome, token) = await client.VerifyAsync(current, ct).ConfigureAwait(false);
        if (CloudflareErrors.IsRejected(outcome))
            return new VerifyResult(outcome with { Message = $"old token invalid: Cloudflare refuses the current token of {ctx.CredentialName} ({outcome.Message}); nothing was minted" });
        if (CloudflareErrors.IsForbidden(outcome) && options.AccountId is null)
            return new VerifyResult(outcome with { Message = $"{outcome.Message}. Account-owned tokens fail on /user/tokens/verify: set account_id on {ctx.CredentialName}" });
        if (!outcome.IsSuccess) return new VerifyResult(outcome);
        if (token!.Status != "active")
            return new VerifyResult(Outcome.Permanent($"old token invalid: the current token of {ctx.CredentialName} is {token.Status ?? "not active"} at Cloudflare; nothing was minted"));
        if (token.Id != options.TokenId)
            return new VerifyResult(Outcome.Permanent($"the current value of {ctx.CredentialName} is token {token.Id}, not token_id {options.TokenId}: fix token_id (or the stored value) before rotating"));
        return new VerifyResult(Outcome.Ok($"{outcome.Message}: token {token.Id} of {ctx.CredentialName} is active ({options.Strategy switch { CloudflareStrategy.Roll => "roll", _ => "create_delete" }})"), token.Id, token.ExpiresOn);
    }

    public async Task<MintResult> MintAsync(VendorContext ctx, SecretValue? prepared, CancellationToken ct)
    {
        if (prepared is not null) return await AdoptAsync(ctx, prepared, ct).ConfigureAwait(false);
        var (auth, authName, error) = Manager(ctx, revoking: false);
        if (auth is null) return new MintResult(error!);
        return options.Strategy == CloudflareStrategy.Roll
            ? await RollAsync(ctx, auth, authName, ct).ConfigureAwait(false)
            : await CreateAsync(ctx, auth, authName, ct).ConfigureAwait(false);
    }

    private async Task<MintResult> RollAsync(VendorContext ctx, SecretValue auth, string authName, CancellationToken ct)
    {
        var (outcome, value) = await client.RollAsync(auth, options.TokenId, ct).ConfigureAwait(false);
        if (!outcome.IsSuccess) return new MintResult(CannotMint(ctx, outcome, authName));
        masker.Register(value!);
        return new MintResult(Outcome.Ok($"rolled token {options.TokenId} ({value!.Fingerprint}); its old value stopped working now"), options.TokenId, value);
    }

    private async Task<MintResult> CreateAsync(VendorContext ctx, SecretValue auth, string authName, CancellationToken ct)
    {
        var name = Name(ctx.CredentialName, ctx.IdempotencyTag);
        var (listed, tokens) = await client.ListAsync(auth, ct).ConfigureAwait(false);
        if (!listed.IsSuccess) return new MintResult(CannotMint(ctx, listed, authName));
        // Ours but without a sealed value: Cloudflare showed it once and it was lost; nobody can hold it, so delete and mint afresh.
        foreach (var orphan in tokens!.Where(t => t.Name == name))
        {
            var deleted = await client.DeleteAsync(auth, orphan.Id, ct).ConfigureAwait(false);
            if (!deleted.IsSuccess && deleted.HttpStatus != 404) return new MintResult(deleted);
        }
        var (read, old) = await client.GetAsync(auth, options.TokenId, ct).ConfigureAwait(false);
        if (!read.IsSuccess) return new MintResult(CannotMint(ctx, read, authName));
        var (made, created) = await client.CreateAsync(auth, name, old!, ct).ConfigureAwait(false);
        if (!made.IsSuccess) return new MintResult(CannotMint(ctx, made, authName));
        var (token, value) = created!.Value;
        masker.Register(value);
        return new MintResult(Outcome.Ok($"created token {token.Id} \"{name}\" with the policies of {options.TokenId} ({value.Fingerprint}); " +
            $"the old token stays valid until revoke. After the rotation set token_id: {token.Id}"), token.Id, value);
    }

    /// <summary>A value entered by an operator or sealed before a restart: it must verify as active.</summary>
    private async Task<MintResult> AdoptAsync(VendorContext ctx, SecretValue prepared, CancellationToken ct)
    {
        var (outcome, token) = await client.VerifyAsync(prepared, ct).ConfigureAwait(false);
        if (CloudflareErrors.IsRejected(outcome) || (outcome.IsSuccess && token!.Status != "active"))
            return new MintResult(Outcome.Permanent($"the value held for {ctx.CredentialName} ({prepared.Fingerprint}) is not an active Cloudflare token " +
                $"({outcome.Message}{(token is null ? "" : $", status {token.Status}")}); abort and enter the right one in a new job", outcome.HttpStatus));
        if (!outcome.IsSuccess) return new MintResult(outcome);
        if (ctx.Secrets.Get(ctx.CredentialName) is { } current && current.Equals(prepared))
            return new MintResult(Outcome.Permanent($"the value held for {ctx.CredentialName} is the current token, not a new one: create or roll it at Cloudflare first"));
        return new MintResult(Outcome.Ok($"the value held for this job ({prepared.Fingerprint}) verifies as active token {token!.Id}"), token.Id);
    }

    /// <summary>Deletes the old token (create_delete); with roll, or when the new value has the same id, there is nothing left to delete.</summary>
    public async Task<Outcome> RevokeAsync(VendorContext ctx, string credentialId, CancellationToken ct)
    {
        if (ctx.NewValue is { } fresh)
        {
            var (checkedNew, token) = await client.VerifyAsync(fresh, ct).ConfigureAwait(false);
            if (checkedNew.IsSuccess && token!.Id == credentialId)
                return Outcome.Ok($"token {credentialId} was rolled: its old value stopped working at the roll; nothing to delete");
        }
        var (auth, _, error) = Manager(ctx, revoking: true);
        if (auth is null) return error!;
        var deleted = await client.DeleteAsync(auth, credentialId, ct).ConfigureAwait(false);
        if (deleted.HttpStatus == 404) return Outcome.Ok($"token {credentialId} was already deleted (404)");
        return deleted.IsSuccess ? Outcome.Ok($"deleted token {credentialId}") : deleted;
    }

    /// <summary>The token that manages tokens: auth_token_name, else the token itself (at revoke: its NEW value, never the one deleted).</summary>
    private (SecretValue? Auth, string Name, Outcome? Error) Manager(VendorContext ctx, bool revoking)
    {
        if (options.AuthTokenName is { } name)
            return ctx.Secrets.Get(name) is { } v ? (v, name, null)
                : (null, name, Outcome.Permanent($"the Cloudflare credential {name} (auth_token_name of {ctx.CredentialName}) is not in the secret source"));
        if (revoking)
            return ctx.NewValue is { } fresh ? (fresh, $"the new value of {ctx.CredentialName}", null)
                : (null, "", Outcome.Permanent($"deleting the old {ctx.CredentialName} needs another Cloudflare token: set auth_token_name, or delete it in the dashboard and mark_manually_revoked"));
        return ctx.Secrets.Get(ctx.CredentialName) is { } current ? (current, ctx.CredentialName, null)
            : (null, "", Outcome.Permanent($"the current value of {ctx.CredentialName} is not in the secret source"));
    }

    private static Outcome CannotMint(VendorContext ctx, Outcome outcome, string authName) => CloudflareErrors.IsForbidden(outcome)
        ? outcome with { Message = $"{outcome.Message}. {authName} cannot mint {ctx.CredentialName}: set mode: operator_manual on {ctx.CredentialName} " +
            "(create the token in the dashboard and enter it with `velvet stage JOB proceed_mint --value-stdin`), or give the managing token API Tokens: Write" }
        : outcome;
}
