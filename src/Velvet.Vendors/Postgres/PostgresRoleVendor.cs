using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Database.Roles;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Postgres;

/// <summary>
/// A PostgreSQL app role's password as a Velvet credential. The value consumers receive is the app's full URL
/// (<c>url_template</c> with the login and its new password). Verify logs in with the current URL; mint re-keys the
/// role in place or the inactive alternating login and logs in with the new URL; revoke disables the old login and
/// terminates its sessions. The work is done by <see cref="RoleRotator"/>; this class resolves settings and secrets.
/// </summary>
public sealed class PostgresRoleVendor : ICredentialVendor
{
    public const string KindName = "postgres-role";
    private readonly PostgresRoleOptions _options;
    private readonly Func<string, string?> _env;
    private readonly SecretMasker _masker;

    public PostgresRoleVendor(PostgresRoleOptions options, Func<string, string?> env, SecretMasker masker)
    {
        _options = options;
        _env = env;
        _masker = masker;
    }

    public string Kind => KindName;

    /// <summary>Velvet generates the password (and seals it before the database hears of it); mint returns the URL.</summary>
    public bool GeneratesValueLocally => true;

    public SecretValue GenerateValue() => RolePassword.Generate();

    public async Task<VerifyResult> VerifyAsync(VendorContext ctx, CancellationToken ct)
    {
        if (Target(ctx) is not { } target) return new VerifyResult(AdminMissing(ctx));
        var current = ctx.Secrets.Get(ctx.CredentialName);
        if (current is null)
        {
            return new VerifyResult(Outcome.Permanent(
                $"Velvet has no current value of {ctx.CredentialName}, so it cannot log in with it (Stage 1). " +
                $"Fix: give Velvet the URL the consumers use now, e.g. as the environment variable {EnvSecretSource.VariableFor(ctx.CredentialName)}"));
        }
        var verified = await new RoleRotator(target).VerifyAsync(current, ct).ConfigureAwait(false);
        return new VerifyResult(verified.Outcome, verified.ActiveLogin);
    }

    public async Task<MintResult> MintAsync(VendorContext ctx, SecretValue? prepared, CancellationToken ct)
    {
        if (prepared is null)
            return new MintResult(Outcome.Permanent($"vendor postgres-role sets passwords Velvet prepares; mint of {ctx.CredentialName} was called without one"));
        if (Target(ctx) is not { } target) return new MintResult(AdminMissing(ctx));
        var minted = await new RoleRotator(target).MintAsync(prepared, ctx.IdempotencyTag, ctx.Secrets.Get(ctx.CredentialName), ct).ConfigureAwait(false);
        if (minted.Url is not null) _masker.Register(minted.Url);
        return new MintResult(minted.Outcome, minted.Login, minted.Url);
    }

    public async Task<Outcome> RevokeAsync(VendorContext ctx, string credentialId, CancellationToken ct)
    {
        if (Target(ctx) is not { } target) return AdminMissing(ctx);
        return await new RoleRotator(target).RevokeAsync(credentialId, ctx.NewValue, ctx.IdempotencyTag, ct).ConfigureAwait(false);
    }

    /// <summary>The roles and the admin URL, or null when the admin URL is missing or unparseable.</summary>
    private RoleTarget? Target(VendorContext ctx)
    {
        var text = _options.AdminUrlSecret is { } secret ? ctx.Secrets.Get(secret)?.Reveal() : _env(_options.AdminUrlEnv!);
        if (string.IsNullOrWhiteSpace(text)) return null;
        _masker.Register(text);
        if (!Dsn.Dsn.TryParse(text, out var admin, out _) || admin!.Kind != Dsn.DsnKind.Postgres) return null;
        if (!string.IsNullOrEmpty(admin.Password)) _masker.Register(admin.Password);
        return new RoleTarget
        {
            Layout = _options.Layout,
            Admin = admin,
            UrlTemplate = _options.UrlTemplate ?? RoleTarget.TemplateFrom(admin),
            Provider = _options.Provider,
            AdminSource = _options.AdminSource,
        };
    }

    private Outcome AdminMissing(VendorContext ctx)
    {
        var text = _options.AdminUrlSecret is { } secret ? ctx.Secrets.Get(secret)?.Reveal() : _env(_options.AdminUrlEnv!);
        var where = _options.AdminUrlSecret is { } s
            ? $"credential {s} (admin_url_secret), e.g. as the environment variable {EnvSecretSource.VariableFor(s)}"
            : $"the environment variable {_options.AdminUrlEnv} (admin_url_env)";
        if (string.IsNullOrWhiteSpace(text))
            return Outcome.Permanent($"no admin URL for {ctx.CredentialName}: set {where} to a PostgreSQL URL of a role with CREATEROLE (never the app's own URL)");
        Dsn.Dsn.TryParse(text, out _, out var error);
        return Outcome.Permanent($"the admin URL in {where} is not a PostgreSQL URL ({error ?? "it is a SQLite URL"}); fix its format");
    }
}
