using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Heroku;

public sealed partial class HerokuTokenVendor
{
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
