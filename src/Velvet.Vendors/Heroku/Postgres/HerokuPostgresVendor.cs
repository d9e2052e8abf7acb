using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Heroku.Postgres;

/// <summary>
/// A named Heroku Postgres credential (e.g. raptor_app) managed through the Data API, the path the runbooks use instead
/// of ALTER ROLE … PASSWORD. The value is the credential's connection URL. Mint rotates the credential in place (or
/// creates it when allowed), so the old password stops working for new connections at once; revoke then only confirms it.
/// Essential-tier add-ons are refused: they have no named credentials.
/// </summary>
public sealed partial class HerokuPostgresVendor : ICredentialVendor
{
    public const string KindName = "heroku-postgres-credential";
    private readonly HerokuPostgresOptions _options;
    private readonly HerokuPostgresApi _api;
    private readonly SecretMasker _masker;

    public HerokuPostgresVendor(HerokuPostgresOptions options, HerokuPostgresApi api, SecretMasker masker)
    {
        _options = options;
        _api = api;
        _masker = masker;
    }

    public string Kind => KindName;

    /// <summary>Heroku generates the password (65 alphanumerics); it cannot be chosen.</summary>
    public bool GeneratesValueLocally => false;

    public SecretValue GenerateValue() => throw new NotSupportedException("Heroku generates Postgres credential passwords; Velvet cannot choose one");

    public async Task<VerifyResult> VerifyAsync(VendorContext ctx, CancellationToken ct)
    {
        var (token, addon, refused) = await AddonAsync(ctx, ct).ConfigureAwait(false);
        if (refused is not null) return new VerifyResult(refused);
        var credential = await _api.UrlAsync(token!, _options.AuthTokenName, addon!.Id, _options.Credential, ct).ConfigureAwait(false);
        if (credential.Status == 404)
            return new VerifyResult(_options.CreateIfMissing
                ? Outcome.Ok($"credential {_options.Credential} does not exist on {addon.Name} yet; mint creates it (create_if_missing)")
                : Missing(addon));
        if (!credential.IsSuccess) return new VerifyResult(credential.Outcome);
        if (credential.Value!.ActiveUrl is not { } active) return new VerifyResult(NotActive(credential.Value));
        _masker.Register(active);
        if (ctx.Secrets.Get(ctx.CredentialName) is not { } current)
            return new VerifyResult(Outcome.Permanent($"{ctx.CredentialName} has no current value; give Velvet the URL of {_options.Credential} " +
                $"(heroku pg:credentials:url DATABASE --name {_options.Credential}) as {EnvSecretSource.VariableFor(ctx.CredentialName)}, then verify again"));
        if (!PgUrls.SameLogin(current, active))
            return new VerifyResult(Outcome.Permanent($"old credential invalid: the current value of {ctx.CredentialName} is not the active login of {_options.Credential} " +
                $"on {addon.Name} (drift: rotated outside Velvet?). Nothing was rotated. Give Velvet the active URL " +
                $"(heroku pg:credentials:url DATABASE --name {_options.Credential}), then verify again"));
        return new VerifyResult(Outcome.Ok($"{_options.Credential} on {addon.Name} ({addon.Plan}) is active and matches the current value ({current.Fingerprint})"), _options.Credential);
    }

    /// <summary>The token and the add-on, refusing Essential-tier plans.</summary>
    private async Task<(SecretValue? Token, HerokuAddon? Addon, Outcome? Refused)> AddonAsync(VendorContext ctx, CancellationToken ct)
    {
        if (ctx.Secrets.Get(_options.AuthTokenName) is not { } token)
            return (null, null, Outcome.Permanent($"the Heroku token {_options.AuthTokenName} (auth_token_name) has no current value; " +
                $"give it to Velvet, e.g. as the environment variable {EnvSecretSource.VariableFor(_options.AuthTokenName)}"));
        var addon = await _api.AddonAsync(token, _options.AuthTokenName, _options.Addon, ct).ConfigureAwait(false);
        if (addon.Status == 404)
            return (null, null, Outcome.Permanent($"add-on {_options.Addon} not found (404): check the addon setting (heroku addons -a APP lists them) and that {_options.AuthTokenName} can see it", 404));
        if (!addon.IsSuccess) return (null, null, addon.Outcome);
        if (HerokuPostgresPlans.IsEssential(addon.Value!.Plan))
            return (null, null, Outcome.Permanent(HerokuPostgresPlans.EssentialRefusal(addon.Value.Name, addon.Value.Plan, _options.Credential)));
        return (token, addon.Value, null);
    }

    private Outcome Missing(HerokuAddon addon) => Outcome.Permanent(
        $"credential {_options.Credential} does not exist on {addon.Name}; create it (heroku pg:credentials:create DATABASE --name {_options.Credential}) " +
        "and grant it what the app needs, or set create_if_missing: \"true\"", 404);

    private Outcome NotActive(PostgresCredential credential) => Outcome.Transient(
        $"{_options.Credential} has no active login (states: {string.Join(", ", credential.States)}); a rotation or creation is still running: retry");
}
