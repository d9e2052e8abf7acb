using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Postmark;

/// <summary>
/// A Postmark server API token, rotated in <c>operator_manual</c> mode: Postmark has no API to create or delete one.
/// Verify: GET /server with the current token answers the configured server id. Mint: the operator generated a token
/// in the dashboard and entered it; it is checked the same way (same server, not the current token) before anything
/// is distributed. Revoke: the old token can only be deleted in the dashboard, so the stage fails with the steps,
/// and the operator marks it manually revoked; a token Postmark already refuses counts as revoked.
/// A token's id in Velvet is its SHA-256 fingerprint.
/// </summary>
public sealed class PostmarkServerTokenVendor(PostmarkOptions options, PostmarkClient client) : ICredentialVendor
{
    public const string KindName = "postmark-server-token";

    public string Kind => KindName;

    public bool GeneratesValueLocally => false;

    public SecretValue GenerateValue() => throw new NotSupportedException("Postmark server tokens are generated in the Postmark dashboard");

    public static PostmarkServerTokenVendor Create(Core.Manifest.CredentialSpec credential, HttpCaller http)
    {
        var options = PostmarkOptions.FromSpec(credential);
        return new PostmarkServerTokenVendor(options, new PostmarkClient(options, http));
    }

    private string Dashboard => $"Postmark dashboard → Servers → server {options.ServerId} → API Tokens";

    public async Task<VerifyResult> VerifyAsync(VendorContext ctx, CancellationToken ct)
    {
        if (ctx.Secrets.Get(ctx.CredentialName) is not { } current)
            return new VerifyResult(Outcome.Permanent($"the current value of {ctx.CredentialName} is not in the secret source; set VELVET_SECRET_{ctx.CredentialName.ToUpperInvariant()} or its vault entry"));
        var (outcome, problem, server) = await client.GetServerAsync(current, ct).ConfigureAwait(false);
        if (problem == PostmarkProblem.Rejected)
            return new VerifyResult(Outcome.Permanent($"old token invalid: Postmark refuses the current token of {ctx.CredentialName} ({outcome.Message}); " +
                "it was deleted or the secret source holds a wrong value. Nothing was changed: fix the stored value, or treat it as an incident", outcome.HttpStatus));
        if (!outcome.IsSuccess) return new VerifyResult(outcome);
        if (WrongServer(server!, "the current token of " + ctx.CredentialName) is { } wrong) return new VerifyResult(wrong);
        return new VerifyResult(Outcome.Ok($"GET /server accepts the current token of {ctx.CredentialName}: server {server!.Id} ({server.Name})"), current.Fingerprint);
    }

    public async Task<MintResult> MintAsync(VendorContext ctx, SecretValue? prepared, CancellationToken ct)
    {
        if (prepared is null)
            return new MintResult(Outcome.Permanent($"Postmark cannot create server tokens through its API: {ctx.CredentialName} must be operator_manual; " +
                $"generate a token in the {Dashboard} and enter it with `velvet stage {ctx.JobId} proceed_mint --value-stdin`"));
        if (ctx.Secrets.Get(ctx.CredentialName) is { } current && current.Equals(prepared))
            return new MintResult(Outcome.Permanent($"the value entered for {ctx.CredentialName} is the current token ({prepared.Fingerprint}), not a new one: " +
                $"click \"Generate another token\" in the {Dashboard}, then abort this job and enter the new token in a new one"));
        var (outcome, problem, server) = await client.GetServerAsync(prepared, ct).ConfigureAwait(false);
        if (problem == PostmarkProblem.Rejected)
            return new MintResult(Outcome.Permanent($"the value entered for {ctx.CredentialName} ({prepared.Fingerprint}) is refused by Postmark ({outcome.Message}): " +
                "it was mistyped, truncated or is not a server token; abort this job and enter the token again in a new one", outcome.HttpStatus));
        if (!outcome.IsSuccess) return new MintResult(outcome);
        if (WrongServer(server!, $"the value entered for {ctx.CredentialName} ({prepared.Fingerprint})") is { } wrong) return new MintResult(wrong);
        return new MintResult(Outcome.Ok($"the entered token ({prepared.Fingerprint}) is accepted by Postmark for server {server!.Id} ({server.Name})"), prepared.Fingerprint);
    }

    public async Task<Outcome> RevokeAsync(VendorContext ctx, string credentialId, CancellationToken ct)
    {
        // The old value may still be where Velvet reads current values: when Postmark already refuses it, it is gone.
        if (ctx.Secrets.Get(ctx.CredentialName) is { } old && old.Fingerprint == credentialId && (ctx.NewValue is null || !old.Equals(ctx.NewValue)))
        {
            var (outcome, problem, _) = await client.GetServerAsync(old, ct).ConfigureAwait(false);
            if (problem == PostmarkProblem.Rejected)
                return Outcome.Ok($"Postmark refuses the old token {credentialId} ({outcome.HttpStatus}): it was deleted in the dashboard");
        }
        var fresh = ctx.NewValue is { } n ? $"; keep the new one ({n.Fingerprint})" : "";
        return Outcome.Permanent($"Postmark has no API to delete a server token: delete the old token of {ctx.CredentialName} ({credentialId}) in the {Dashboard}{fresh}, " +
            $"then mark it manually revoked: `velvet stage {ctx.JobId} mark_manually_revoked --old-credential-id {credentialId}`");
    }

    private Outcome? WrongServer(PostmarkServer server, string what) => server.Id == options.ServerId
        ? null
        : Outcome.Permanent($"{what} belongs to Postmark server {server.Id} ({server.Name}), not server {options.ServerId} (server_id of {options.TokenName}): " +
            "a token of the wrong server is refused; generate it on the right server, or fix server_id");
}
