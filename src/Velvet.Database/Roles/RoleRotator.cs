using Npgsql;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Database.Roles;

/// <summary>Stage 1's answer: the outcome and the login the consumers use now (the credential id to revoke later).</summary>
public sealed record RoleVerification(Outcome Outcome, string? ActiveLogin);

/// <summary>A mint's answer: the re-keyed login (the new credential id) and the app URL consumers receive.</summary>
public sealed record RoleMint(Outcome Outcome, string? Login, SecretValue? Url);

/// <summary>
/// Verify, mint and revoke of a database app credential. Every change runs under a per-layout advisory lock and
/// leaves Velvet's <see cref="RoleMarker"/> on the role, so each step is idempotent and a retried step after a crash
/// finds what the first attempt did instead of doing it again.
/// </summary>
public sealed class RoleRotator(RoleTarget target)
{
    private RoleLayout Layout => target.Layout;

    /// <summary>Stage 1 (changes nothing): the admin may act, the roles are in shape, the current URL logs in as the active login.</summary>
    public async Task<RoleVerification> VerifyAsync(SecretValue current, CancellationToken ct)
    {
        if (!TryParseUrl(current, out var currentUrl, out var bad)) return new RoleVerification(Outcome.Permanent($"the current value {bad}"), null);
        RoleSnapshot snapshot;
        try
        {
            await using var conn = await PgLogin.OpenAsync(target.Admin, ct).ConfigureAwait(false);
            snapshot = await RoleInspector.ReadAsync(conn, Layout, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDatabaseError(ex))
        {
            return new RoleVerification(Failure(ex, "reading the roles with the admin URL"), null);
        }
        if ((RoleChecks.Admin(target, snapshot) ?? RoleChecks.Layout(target, snapshot)) is { } problem)
            return new RoleVerification(Outcome.Permanent(problem), null);
        var (active, why) = RoleChecks.Active(target, snapshot, currentUrl.User);
        if (active is null) return new RoleVerification(Outcome.Permanent(why!), null);
        if (!string.Equals(currentUrl.User, active, StringComparison.Ordinal))
        {
            return new RoleVerification(Outcome.Permanent(
                $"the current URL ({currentUrl.Masked}) logs in as {currentUrl.User ?? "(no user)"}, but the active login of {Layout.Describe()} is {active}. " +
                "Fix: give Velvet the URL the consumers use, or correct the credential's role settings"), null);
        }
        var login = await PgLogin.TryAsync(currentUrl, ct).ConfigureAwait(false);
        if (login.IsOk && string.Equals(login.CurrentUser, active, StringComparison.Ordinal))
        {
            var standby = Layout.Mode == RoleMode.Alternating ? $"; standby login {Layout.Other(active)} will receive the new key" : "";
            return new RoleVerification(Outcome.Ok($"{active} logs in with the current URL ({currentUrl.Masked}); {snapshot.Admin.User} may re-key it{standby}"), active);
        }
        return new RoleVerification(login.Outcome switch
        {
            LoginOutcome.Unreachable => Outcome.Transient($"the current URL ({currentUrl.Masked}) got no answer: {login.Message}"),
            LoginOutcome.Refused => Outcome.Permanent(
                $"the current URL ({currentUrl.Masked}) is refused: {login.Message}. The value Velvet has is stale or the login was revoked. " +
                $"Fix: give Velvet the URL the consumers use; if nobody has a working one, restore access with: {RoleChecks.ProvisionCommand(Layout)} --reset-password"),
            LoginOutcome.Ok => Outcome.Permanent($"the current URL logs in as {login.CurrentUser}, not {active}"),
            _ => Outcome.Permanent($"the current URL ({currentUrl.Masked}) cannot log in: {login.Message}"),
        }, null);
    }

    /// <summary>
    /// Sets <paramref name="prepared"/> (a password, or the URL a previous attempt returned for it) on the login this
    /// rotation re-keys: the role itself in place, the inactive login when alternating. A retry with the same tag
    /// finds the login it already re-keyed and, if the password already works, changes nothing. Then logs in with
    /// the new URL (verify-new).
    /// </summary>
    /// <param name="prepared">The value the engine sealed before minting.</param>
    /// <param name="tag">The job's idempotency tag.</param>
    /// <param name="current">The current URL when Velvet has it (tells two enabled logins apart).</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<RoleMint> MintAsync(SecretValue prepared, string tag, SecretValue? current, CancellationToken ct)
    {
        var currentUser = current is not null && TryParseUrl(current, out var cu, out _) ? cu.User : null;
        string rekeyed;
        SecretValue url;
        string done;
        try
        {
            await using var conn = await PgLogin.OpenAsync(target.Admin, ct).ConfigureAwait(false);
            await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            await RoleDdl.LockAsync(conn, tx, Layout, ct).ConfigureAwait(false);
            var snapshot = await RoleInspector.ReadAsync(conn, Layout, ct, tx).ConfigureAwait(false);
            if ((RoleChecks.Admin(target, snapshot) ?? RoleChecks.Layout(target, snapshot)) is { } problem)
                return new RoleMint(Outcome.Permanent(problem), null, null);
            var (chosen, why) = ChooseTarget(snapshot, tag, currentUser);
            if (chosen is null) return new RoleMint(Outcome.Permanent(why!), null, null);
            rekeyed = chosen;
            var (password, refused) = PasswordOf(prepared, rekeyed);
            if (password is null) return new RoleMint(Outcome.Permanent(refused!), null, null);
            url = target.UrlFor(rekeyed, password);

            var retried = snapshot.Find(rekeyed)!.Marker is { Kind: RoleMarkKind.KeySet } m && m.Tag == tag;
            if (retried && (await PgLogin.TryAsync(Parse(url), ct).ConfigureAwait(false)).IsOk)
            {
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return new RoleMint(Outcome.Ok($"{rekeyed} was already re-keyed by {tag} and logs in with its URL: nothing changed"), rekeyed, url);
            }
            await RoleDdl.SetKeyAsync(conn, tx, rekeyed, new SecretValue(password), tag, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            done = Layout.Mode == RoleMode.InPlace
                ? $"set a new password on {rekeyed} (in place: the old password no longer works)"
                : $"set a new password on {rekeyed} and enabled its login ({Layout.Other(rekeyed)} stays active until revoke)";
        }
        catch (Exception ex) when (IsDatabaseError(ex))
        {
            return new RoleMint(Failure(ex, "re-keying the login"), null, null);
        }

        var check = await PgLogin.TryAsync(Parse(url), ct).ConfigureAwait(false);
        if (check.IsOk && string.Equals(check.CurrentUser, rekeyed, StringComparison.Ordinal))
            return new RoleMint(Outcome.Ok($"{done}; the new URL logs in as {rekeyed}"), rekeyed, url);
        var impact = Layout.Mode == RoleMode.InPlace
            ? $"The old password of {rekeyed} no longer works either: restore access with {RoleChecks.ProvisionCommand(Layout)} --reset-password"
            : $"The active login {Layout.Other(rekeyed)} is untouched and keeps working";
        var outcome = check.Outcome == LoginOutcome.Unreachable
            ? Outcome.Transient($"{done}, but the new URL got no answer: {check.Message}; retry (the retry reuses the same password)")
            : Outcome.Permanent($"{done}, but the new URL does not log in: {check.Message}. {impact}");
        return new RoleMint(outcome, null, null);
    }

    /// <summary>
    /// Revokes a login. Alternating: NOLOGIN without a password, then its sessions are terminated. In place after a
    /// rotation (<paramref name="newValue"/> given): the old password already stopped working at mint, so the
    /// sessions opened before that are terminated. In place without a new value (emergency revocation): the password
    /// is replaced by a discarded random one and every session is terminated.
    /// </summary>
    public async Task<Outcome> RevokeAsync(string login, SecretValue? newValue, string tag, CancellationToken ct)
    {
        if (!Layout.Logins.Contains(login, StringComparer.Ordinal))
            return Outcome.Permanent($"{login} is not a login of {Layout.Describe()}; nothing revoked");
        var newUser = newValue is not null && TryParseUrl(newValue, out var nu, out _) ? nu.User : null;
        if (Layout.Mode == RoleMode.Alternating && string.Equals(newUser, login, StringComparison.Ordinal))
            return Outcome.Permanent($"refusing to revoke {login}: the new URL logs in as {login}, so the consumers would be locked out");
        try
        {
            await using var conn = await PgLogin.OpenAsync(target.Admin, ct).ConfigureAwait(false);
            string change;
            DateTimeOffset? before = null;
            await using (var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false))
            {
                await RoleDdl.LockAsync(conn, tx, Layout, ct).ConfigureAwait(false);
                var snapshot = await RoleInspector.ReadAsync(conn, Layout, ct, tx).ConfigureAwait(false);
                if (RoleChecks.Admin(target, snapshot) is { } problem) return Outcome.Permanent(problem);
                var info = snapshot.Find(login);
                if (info is null)
                {
                    await tx.CommitAsync(ct).ConfigureAwait(false);
                    return Outcome.Ok($"{login} does not exist: nothing can log in as it");
                }
                var alreadyRevoked = info.Marker is { Kind: RoleMarkKind.Revoked } && (!info.CanLogin || info.Marker.Tag == tag);
                if (Layout.Mode == RoleMode.Alternating)
                {
                    if (!alreadyRevoked) await RoleDdl.DisableAsync(conn, tx, login, tag, ct).ConfigureAwait(false);
                    change = alreadyRevoked ? $"{login}: login was already disabled" : $"{login}: login disabled (NOLOGIN, no password)";
                }
                else if (newValue is not null)
                {
                    before = info.Marker is { Kind: RoleMarkKind.KeySet } key ? key.At : null;
                    change = before is null
                        ? $"{login}: the old password stopped working when the new one was set (no key time recorded: open sessions left alone)"
                        : $"{login}: the old password stopped working at mint ({before:u})";
                }
                else
                {
                    if (!alreadyRevoked) await RoleDdl.DiscardKeyAsync(conn, tx, login, tag, ct).ConfigureAwait(false);
                    change = $"{login}: password replaced by a random value nobody keeps (restore later with {RoleChecks.ProvisionCommand(Layout)} --reset-password)";
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
            if (Layout.Mode == RoleMode.InPlace && newValue is not null && before is null) return Outcome.Ok(change);
            // After the commit: new logins are refused by now, so a terminated session cannot come back.
            var (terminated, remaining) = await RoleDdl.TerminateSessionsAsync(conn, login, before, ct).ConfigureAwait(false);
            var sessions = before is null ? "session(s)" : "session(s) opened with the old password";
            if (remaining > 0)
                return Outcome.Transient($"{change}; {terminated} {sessions} terminated but {remaining} still open after {RoleDdl.TerminateWaitMs} ms; retry");
            return Outcome.Ok($"{change}; {terminated} {sessions} terminated");
        }
        catch (Exception ex) when (IsDatabaseError(ex))
        {
            return Failure(ex, $"revoking {login}");
        }
    }

    /// <summary>The login this mint re-keys, or why none can be chosen.</summary>
    private (string? Login, string? Problem) ChooseTarget(RoleSnapshot snapshot, string tag, string? currentUser)
    {
        if (Layout.Mode == RoleMode.InPlace) return (Layout.Role, null);
        // A retry: the login this job already re-keyed (its marker carries the job's tag).
        var mine = Layout.Logins.FirstOrDefault(l => snapshot.Find(l)?.Marker is { Kind: RoleMarkKind.KeySet } m && m.Tag == tag);
        if (mine is not null) return (mine, null);
        var (active, why) = RoleChecks.Active(target, snapshot, currentUser);
        return active is null ? (null, why) : (Layout.Other(active), null);
    }

    /// <summary>The password to set: the prepared value itself, or the password inside a URL the engine re-sealed.</summary>
    private static (string? Password, string? Problem) PasswordOf(SecretValue prepared, string login)
    {
        var text = prepared.Reveal();
        var password = text;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (!Dsn.Dsn.TryParse(text, out var url, out var error) || url!.Kind != Dsn.DsnKind.Postgres || string.IsNullOrEmpty(url.Password))
                return (null, $"the prepared value looks like a URL but is not a PostgreSQL URL with a password ({error ?? "no password"})");
            if (url.User is not null && !string.Equals(url.User, login, StringComparison.Ordinal))
                return (null, $"the prepared value is a URL for {url.User}, but this rotation re-keys {login}; enter a password or a URL for {login}");
            password = url.Password;
        }
        return RolePassword.Problem(password) is { } problem ? (null, $"cannot set this password: {problem}") : (password, null);
    }

    private static bool TryParseUrl(SecretValue value, out Dsn.Dsn url, out string? problem)
    {
        url = null!;
        problem = null;
        if (!Dsn.Dsn.TryParse(value.Reveal(), out var parsed, out var error)) { problem = $"is not a PostgreSQL URL: {error}"; return false; }
        if (parsed!.Kind != Dsn.DsnKind.Postgres) { problem = "is not a PostgreSQL URL (it is a SQLite one)"; return false; }
        url = parsed;
        return true;
    }

    private static Dsn.Dsn Parse(SecretValue url) => Dsn.Dsn.Parse(url.Reveal());

    private static bool IsDatabaseError(Exception ex) => ex is NpgsqlException or TimeoutException;

    /// <summary>A database error as an outcome: the managed-service advice when one applies, else transient or permanent.</summary>
    private Outcome Failure(Exception ex, string doing)
    {
        if (ex is PostgresException pg &&
            ManagedServiceErrors.Translate(pg.SqlState, pg.MessageText, target.Provider, target.Admin.Host, target.AdminUser, Layout.Role, target.AdminSource) is { } advice)
        {
            return Outcome.Permanent($"{doing} failed: {advice}");
        }
        var login = PgLogin.Classify(ex);
        var text = $"{doing} failed (admin URL {target.Admin.Masked} from {target.AdminSource}): {login.Message}";
        return login.Outcome is LoginOutcome.Unreachable ? Outcome.Transient(text) : Outcome.Permanent(text);
    }
}
