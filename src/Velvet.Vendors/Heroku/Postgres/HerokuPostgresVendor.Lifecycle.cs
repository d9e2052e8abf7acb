using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Heroku.Postgres;

public sealed partial class HerokuPostgresVendor
{
    /// <summary>
    /// Rotates the credential (or creates it), then reads its new URL. A rotation cannot be tagged, so a retry tells
    /// "already rotated" from "not yet" by comparing the active login with the current value Velvet holds: once they
    /// differ the rotation happened, and its URL is adopted instead of rotating a second time.
    /// </summary>
    public async Task<MintResult> MintAsync(VendorContext ctx, SecretValue? prepared, CancellationToken ct)
    {
        var (token, addon, refused) = await AddonAsync(ctx, ct).ConfigureAwait(false);
        if (refused is not null) return new MintResult(refused);
        var db = addon!.Id;
        var before = await _api.UrlAsync(token!, _options.AuthTokenName, db, _options.Credential, ct).ConfigureAwait(false);
        if (before.Status == 404)
        {
            if (!_options.CreateIfMissing) return new MintResult(Missing(addon));
            var created = await _api.CreateAsync(token!, _options.AuthTokenName, db, _options.Credential, ct).ConfigureAwait(false);
            if (!created.IsSuccess) return new MintResult(created.Outcome);
            return await ReadNewAsync(token!, db, $"created {_options.Credential} on {addon.Name} (grant it what the app needs before validation)", ct).ConfigureAwait(false);
        }
        if (!before.IsSuccess) return new MintResult(before.Outcome);
        if (before.Value!.ActiveUrl is not { } active) return new MintResult(NotActive(before.Value));
        _masker.Register(active);

        if (prepared is not null && PgUrls.SameLogin(prepared, active))
            return new MintResult(Outcome.Ok($"{_options.Credential} was already rotated for this job; reusing its URL ({prepared.Fingerprint})"), _options.Credential);
        var current = ctx.Secrets.Get(ctx.CredentialName);
        if (current is null || !PgUrls.SameLogin(current, active))
            return new MintResult(Outcome.Ok($"{_options.Credential} was already rotated (an earlier attempt of this job): its active URL is the new value ({active.Fingerprint})"),
                _options.Credential, active);

        var rotated = await _api.RotateAsync(token!, _options.AuthTokenName, db, _options.Credential, forced: false, ct).ConfigureAwait(false);
        if (!rotated.IsSuccess) return new MintResult(rotated.Outcome);
        return await ReadNewAsync(token!, db, $"rotated {_options.Credential} on {addon.Name}", ct, current).ConfigureAwait(false);
    }

    private async Task<MintResult> ReadNewAsync(SecretValue token, string db, string done, CancellationToken ct, SecretValue? old = null)
    {
        var after = await _api.UrlAsync(token, _options.AuthTokenName, db, _options.Credential, ct).ConfigureAwait(false);
        if (!after.IsSuccess) return new MintResult(after.Outcome with { Message = $"{done}, but reading its URL failed: {after.Outcome.Message}" });
        if (after.Value!.ActiveUrl is not { } url || old is not null && PgUrls.SameLogin(old, url))
            return new MintResult(Outcome.Transient($"{done}; the new login is not active yet (states: {string.Join(", ", after.Value.States)}): retry"));
        _masker.Register(url);
        return new MintResult(Outcome.Ok($"{done}; new URL {url.Fingerprint}"), _options.Credential, url);
    }

    /// <summary>
    /// In a rotation the old password died with the rotation: confirm the active login is no longer the old one. In an
    /// emergency revocation (no new value), force a rotation so the leaked password stops working now; its new
    /// password is not read: an operational rotation then gives the consumers a working URL.
    /// </summary>
    public async Task<Outcome> RevokeAsync(VendorContext ctx, string credentialId, CancellationToken ct)
    {
        if (!string.Equals(credentialId, _options.Credential, StringComparison.Ordinal))
            return Outcome.Permanent($"{credentialId} is not the credential {ctx.CredentialName} manages ({_options.Credential}); revoke it at Heroku by hand, then mark_manually_revoked");
        var (token, addon, refused) = await AddonAsync(ctx, ct).ConfigureAwait(false);
        if (refused is not null) return refused;
        if (ctx.NewValue is null)
        {
            var forced = await _api.RotateAsync(token!, _options.AuthTokenName, addon!.Id, _options.Credential, forced: true, ct).ConfigureAwait(false);
            return forced.IsSuccess
                ? Outcome.Ok($"rotated {_options.Credential} (forced): the revoked password no longer works and its connections were reset; run an operational rotation to give the consumers a working URL")
                : forced.Outcome;
        }
        var now = await _api.UrlAsync(token!, _options.AuthTokenName, addon!.Id, _options.Credential, ct).ConfigureAwait(false);
        if (!now.IsSuccess) return now.Outcome;
        var active = now.Value!.ActiveUrl;
        if (active is not null && PgUrls.SameLogin(ctx.NewValue, active))
            return Outcome.Ok($"the rotation replaced {_options.Credential}'s password: new connections with the old one are refused, and Heroku resets old connections within 30 minutes");
        // The secret source may already serve the new value (canonical store updated): only a login that is not the new one can be the old one.
        if (active is not null && ctx.Secrets.Get(ctx.CredentialName) is { } old && PgUrls.SameLogin(old, active))
            return Outcome.Permanent($"the active login of {_options.Credential} is still the old one: the rotation did not happen. Rotate it (heroku pg:credentials:rotate DATABASE --name {_options.Credential}), then retry");
        return Outcome.Ok($"{_options.Credential} was rotated again since this job minted: neither the old nor this job's password is active");
    }

    /// <summary>Removes the credential and its role (<c>pg:credentials:destroy</c>); 404 counts as done. Not part of a rotation: the role's grants go with it.</summary>
    public async Task<Outcome> DestroyAsync(VendorContext ctx, CancellationToken ct)
    {
        var (token, addon, refused) = await AddonAsync(ctx, ct).ConfigureAwait(false);
        if (refused is not null) return refused;
        var destroyed = await _api.DestroyAsync(token!, _options.AuthTokenName, addon!.Id, _options.Credential, ct).ConfigureAwait(false);
        if (destroyed.Status == 404) return Outcome.Ok($"{_options.Credential} does not exist on {addon.Name} (already destroyed)");
        return destroyed.IsSuccess ? Outcome.Ok($"destroyed {_options.Credential} on {addon.Name}") : destroyed.Outcome;
    }
}
