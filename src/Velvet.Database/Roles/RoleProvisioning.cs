using Npgsql;
using Velvet.Core.Secrets;

namespace Velvet.Database.Roles;

/// <summary>What provisioning did (or would commit): one line per change, and the new URL when a password was set.</summary>
public sealed record ProvisionResult(IReadOnlyList<string> Actions, string? Login, SecretValue? Url, string? Problem);

/// <summary>
/// Creates an app credential's roles through the admin URL, idempotently: existing roles are reported and keep
/// their password unless a reset is asked for. Everything happens in one transaction that the caller commits only
/// after it stored the new URL where it belongs, so a failed write leaves the database as it was (and a failed
/// commit leaves no URL that works).
/// </summary>
public sealed class RoleProvisioning : IAsyncDisposable
{
    public const string Tag = "velvet-db-provision";
    private readonly RoleTarget _target;
    private readonly NpgsqlConnection _conn;
    private readonly NpgsqlTransaction _tx;
    private bool _done;

    private RoleProvisioning(RoleTarget target, NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        _target = target;
        _conn = conn;
        _tx = tx;
    }

    /// <summary>Connects with the admin URL and takes the layout's lock. Throws Npgsql's exceptions (see <see cref="Explain"/>).</summary>
    public static async Task<RoleProvisioning> BeginAsync(RoleTarget target, CancellationToken ct)
    {
        var conn = await PgLogin.OpenAsync(target.Admin, ct).ConfigureAwait(false);
        try
        {
            var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            await RoleDdl.LockAsync(conn, tx, target.Layout, ct).ConfigureAwait(false);
            return new RoleProvisioning(target, conn, tx);
        }
        catch
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates what is missing and sets a password where needed, uncommitted.</summary>
    public async Task<ProvisionResult> ApplyAsync(bool resetPassword, CancellationToken ct)
    {
        var layout = _target.Layout;
        var snapshot = await RoleInspector.ReadAsync(_conn, layout, ct, _tx).ConfigureAwait(false);
        var unsafeRole = layout.Logins.Select(snapshot.Find).FirstOrDefault(r => r is { IsSuperuser: true } or { BypassRls: true });
        if (unsafeRole is not null)
            return Refuse($"{unsafeRole.Name} exists and is {(unsafeRole.IsSuperuser ? "a superuser" : "BYPASSRLS")}: an app role must never be. Fix: as a superuser: ALTER ROLE {PgText.Ident(unsafeRole.Name)} NOSUPERUSER NOBYPASSRLS;");
        return layout.Mode == RoleMode.InPlace
            ? await InPlaceAsync(snapshot, resetPassword, ct).ConfigureAwait(false)
            : await AlternatingAsync(snapshot, resetPassword, ct).ConfigureAwait(false);
    }

    private async Task<ProvisionResult> InPlaceAsync(RoleSnapshot snapshot, bool reset, CancellationToken ct)
    {
        var role = _target.Layout.Role;
        var info = snapshot.Find(role);
        if (info is null)
        {
            await RoleDdl.CreateNoLoginAsync(_conn, _tx, role, ct).ConfigureAwait(false);
            return await SetKeyAsync(role, $"created login role {role} with a generated password", ct).ConfigureAwait(false);
        }
        if (!reset)
        {
            var state = info.CanLogin ? "it can log in" : "it cannot log in (NOLOGIN: revoked?)";
            return new ProvisionResult([$"role {role} already exists ({state}); password unchanged (pass --reset-password to set a new one)"], role, null, null);
        }
        return await SetKeyAsync(role, $"set a new password on existing role {role}{(info.CanLogin ? "" : " and enabled its login")}", ct).ConfigureAwait(false);
    }

    private async Task<ProvisionResult> AlternatingAsync(RoleSnapshot snapshot, bool reset, CancellationToken ct)
    {
        var layout = _target.Layout;
        var actions = new List<string>();
        var group = snapshot.Find(layout.Role);
        if (group is { CanLogin: true })
            return Refuse($"group role {layout.Role} can log in; it must be NOLOGIN (it holds the grants, the two logins log in). Fix: ALTER ROLE {PgText.Ident(layout.Role)} NOLOGIN;");
        if (group is null)
        {
            await RoleDdl.CreateNoLoginAsync(_conn, _tx, layout.Role, ct).ConfigureAwait(false);
            actions.Add($"created group role {layout.Role} (NOLOGIN: it holds every grant and owns nothing)");
        }
        var created = false;
        foreach (var login in layout.Logins)
        {
            var info = snapshot.Find(login);
            if (info is null)
            {
                await RoleDdl.CreateNoLoginAsync(_conn, _tx, login, ct).ConfigureAwait(false);
                actions.Add($"created login role {login} (disabled until it gets a key)");
                created = true;
            }
            if (info is null || !info.MemberOf.Contains(layout.Role, StringComparer.Ordinal))
            {
                await RoleDdl.GrantMembershipAsync(_conn, _tx, layout.Role, login, ct).ConfigureAwait(false);
                actions.Add($"added {login} to group {layout.Role}");
            }
        }
        var enabled = snapshot.Enabled(layout);
        switch (enabled.Count)
        {
            case 0 when created || reset || group is null:
                var first = await SetKeyAsync(layout.Logins[0], $"enabled {layout.Logins[0]} with a generated password ({layout.Logins[1]} stays disabled until the first rotation)", ct).ConfigureAwait(false);
                return first with { Actions = [.. actions, .. first.Actions] };
            case 0:
                actions.Add($"neither {layout.Logins[0]} nor {layout.Logins[1]} can log in (revoked?); pass --reset-password to enable {layout.Logins[0]} with a new password");
                return new ProvisionResult(actions, null, null, null);
            case 1 when reset:
                var again = await SetKeyAsync(enabled[0].Name, $"set a new password on the active login {enabled[0].Name}", ct).ConfigureAwait(false);
                return again with { Actions = [.. actions, .. again.Actions] };
            case 1:
                actions.Add($"roles already exist; active login {enabled[0].Name}, password unchanged (pass --reset-password to set a new one)");
                return new ProvisionResult(actions, enabled[0].Name, null, null);
            default:
                if (reset)
                    return Refuse($"both {layout.Logins[0]} and {layout.Logins[1]} can log in (a rotation stopped between mint and revoke); finish or abort it, or disable the unused login (ALTER ROLE <login> NOLOGIN;), then retry");
                actions.Add($"both {layout.Logins[0]} and {layout.Logins[1]} can log in (a rotation stopped between mint and revoke): rotations refuse to start until one is disabled");
                return new ProvisionResult(actions, null, null, null);
        }
    }

    private async Task<ProvisionResult> SetKeyAsync(string login, string action, CancellationToken ct)
    {
        var password = RolePassword.Generate();
        await RoleDdl.SetKeyAsync(_conn, _tx, login, password, Tag, ct).ConfigureAwait(false);
        return new ProvisionResult([action], login, _target.UrlFor(login, password.Reveal()), null);
    }

    private static ProvisionResult Refuse(string problem) => new([], null, null, problem);

    /// <summary>Makes the changes permanent. Call only after the new URL is stored.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        await _tx.CommitAsync(ct).ConfigureAwait(false);
        _done = true;
    }

    /// <summary>A provisioning failure in words, with the managed-service fix when one applies. Never contains a URL.</summary>
    public static string Explain(Exception ex, RoleTarget target)
    {
        if (ex is PostgresException pg &&
            ManagedServiceErrors.Translate(pg.SqlState, pg.MessageText, target.Provider, target.Admin.Host, target.AdminUser, target.Layout.Role, target.AdminSource) is { } advice)
        {
            return $"{pg.SqlState}: {advice}";
        }
        var login = PgLogin.Classify(ex);
        return $"the admin URL ({target.Admin.Masked} from {target.AdminSource}) failed: {login.Message}";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_done)
        {
            try { await _tx.RollbackAsync().ConfigureAwait(false); }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException) { /* the connection is gone: nothing was committed */ }
        }
        await _tx.DisposeAsync().ConfigureAwait(false);
        await _conn.DisposeAsync().ConfigureAwait(false);
    }
}
