using Npgsql;
using Velvet.Database.Roles;

namespace Velvet.Database.Doctor;

/// <summary>
/// <c>velvet db doctor</c>: diagnoses the two-URL runbook's incident scenarios from the environment and the live
/// database, each with the exact fix. A: app URL missing, malformed or stale while the flag is on; B: the app role
/// does not exist; C: tables (or schemas, sequences) without grants for the app role; D: the app URL logs in as the
/// owner, or the app role owns tables. Also: the flag off while an app URL exists, the app role able to rewrite
/// append-only tables or touch migration journals. Never prints a password: URLs are shown masked.
/// </summary>
public sealed partial class DbDoctor(DoctorOptions options, Func<string, string?> environment)
{
    private readonly List<DoctorFinding> _findings = [];
    private RuntimeView _inputs = null!;

    private string Owner => options.Runtime.OwnerVariable;
    private string App => options.Runtime.AppRoleVariable;
    private string Flag => options.Runtime.FlagVariable;

    public async Task<DoctorReport> RunAsync(CancellationToken ct)
    {
        _findings.Clear();
        _inputs = RuntimeView.Read(environment, options.Runtime);
        var owner = ParseOwner();
        var app = ParseApp(owner);
        var appRole = app?.User ?? options.ExpectedAppRole;
        CheckFlag(owner);
        var sameAsOwner = CheckAppIsNotOwner(owner, app);

        if (owner is { Kind: Dsn.DsnKind.Postgres } || app is not null)
        {
            NpgsqlConnection? ownerConn = null;
            NpgsqlConnection? appConn = null;
            try
            {
                if (owner is { Kind: Dsn.DsnKind.Postgres }) ownerConn = await ConnectOwnerAsync(owner, ct).ConfigureAwait(false);
                if (app is not null) appConn = await ConnectAppAsync(app, ownerConn, ct).ConfigureAwait(false);
                else if (appRole is not null && ownerConn is not null) await CheckRoleExistsAsync(ownerConn, appRole, ct).ConfigureAwait(false);
                var catalog = ownerConn ?? appConn;
                if (catalog is not null && appRole is not null && !sameAsOwner)
                    await CheckPrivilegesAsync(catalog, appRole, owner?.User, ct).ConfigureAwait(false);
            }
            finally
            {
                if (ownerConn is not null) await ownerConn.DisposeAsync().ConfigureAwait(false);
                if (appConn is not null) await appConn.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new DoctorReport
        {
            OwnerVariable = Owner, AppVariable = App, FlagVariable = Flag,
            OwnerUrl = owner?.Masked, AppUrl = app?.Masked, Flag = _inputs.Flag, FlagOn = _inputs.FlagOn, AppRole = appRole,
            RuntimeLogLine = _inputs.Resolution?.LogLine, RuntimeFailure = _inputs.Failure?.Message,
            Findings = _findings.OrderByDescending(f => f.Severity).ToList(),
        };
    }

    private Dsn.Dsn? ParseOwner()
    {
        if (_inputs.Owner is null) return null;
        if (Dsn.Dsn.TryParse(_inputs.Owner, out var owner, out var error)) return owner;
        Add("owner-url-malformed", DoctorSeverity.Error, _inputs.Failure?.Message ?? $"{Owner} is set but is not a database URL: {error}",
            $"set {Owner} to the owner's URL (on Heroku it is managed by Heroku: heroku config:get {Owner} -a <app> | cut -c1-35 must start with postgres://)");
        return null;
    }

    /// <summary>
    /// Scenario A: the flag is on and the app URL is missing or malformed. The finding's text is the message the
    /// runtime fails fast with (<see cref="Dsn.RuntimeDatabaseUrl"/>), word for word.
    /// </summary>
    private Dsn.Dsn? ParseApp(Dsn.Dsn? owner)
    {
        var postgresOwner = owner is { Kind: Dsn.DsnKind.Postgres };
        if (_inputs.App is null)
        {
            if (_inputs.FlagOn && postgresOwner && _inputs.Failure is { } failure)
            {
                Add("A.app-url-missing", DoctorSeverity.Error, failure.Message,
                    FailsFast + ReseedFix("the app role's URL") + $" If the role has no URL yet: {ProvisionCommand(options.ExpectedAppRole ?? "<role>")}. " +
                    $"Emergency only (gives up least privilege, the app runs as the owner): set {Flag}=0 and restart.");
            }
            else if (_inputs.Owner is null || owner is { Kind: Dsn.DsnKind.Sqlite })
            {
                Add("local-sqlite", DoctorSeverity.Info, $"{App} is unset and {Owner} is {(_inputs.Owner is null ? "unset" : "a SQLite URL")}: the runtime uses its local SQLite database", "nothing to do for local development");
            }
            return null;
        }
        if (Dsn.Dsn.TryParse(_inputs.App, out var app, out var error) && app!.Kind == Dsn.DsnKind.Postgres && app.User is not null)
            return app;
        if (_inputs.FlagOn && postgresOwner && _inputs.Failure is { } rejected)
        {
            Add("A.app-url-malformed", DoctorSeverity.Error, rejected.Message, FailsFast + ReseedFix("the app role's URL"));
            return null;
        }
        var why = error ?? (app!.Kind != Dsn.DsnKind.Postgres ? "it is a SQLite URL, not PostgreSQL" : "it names no user");
        Add("A.app-url-malformed", _inputs.FlagOn ? DoctorSeverity.Error : DoctorSeverity.Warning,
            $"{App} is set but is not a usable PostgreSQL URL: {why}" + (_inputs.FlagOn ? " (the runtime cannot connect)" : ""),
            ReseedFix("the app role's URL"));
        return null;
    }

    private void CheckFlag(Dsn.Dsn? owner)
    {
        if (_inputs.FlagInvalid)
        {
            var fix = $"set {Flag}=1 (app role) or {Flag}=0 (owner, emergency rollback)";
            if (owner is { Kind: Dsn.DsnKind.Postgres } && _inputs.Failure is { } failure)
                Add("flag-invalid", DoctorSeverity.Error, failure.Message, FailsFast + fix);
            else
                Add("flag-invalid", DoctorSeverity.Warning,
                    $"{Flag}={_inputs.Flag} is neither 1/true nor 0/false: ignored while the runtime uses local SQLite, refused at startup once {Owner} is a PostgreSQL URL", fix);
        }
        if (!_inputs.FlagOn && _inputs.App is not null && owner is { Kind: Dsn.DsnKind.Postgres })
        {
            Add("flag-off", DoctorSeverity.Warning,
                $"{Flag} is {(_inputs.Flag is null ? "unset" : "off (" + _inputs.Flag + ")")} while {App} is set: the runtime connects with {Owner}, as the owner, so REVOKEs on append-only tables protect nothing",
                $"once this report shows no errors, set {Flag}=1 and restart (e.g. heroku config:set {Flag}=1 -a <app> >/dev/null 2>&1 && heroku restart -a <app>)");
        }
    }

    /// <summary>Scenario D, from the URLs alone: the app URL was overwritten with the owner URL, or names another role.</summary>
    private bool CheckAppIsNotOwner(Dsn.Dsn? owner, Dsn.Dsn? app)
    {
        if (app is null) return false;
        if (owner?.User is { } ownerUser && string.Equals(app.User, ownerUser, StringComparison.Ordinal))
        {
            Add("D.app-url-is-owner", DoctorSeverity.Error,
                $"{App} logs in as {app.User}, the same role as {Owner} ({app.Masked}): the app URL was overwritten with the owner URL (e.g. a bulk config push), so the runtime runs as the owner",
                ReseedFix("the app role's URL, never the owner's") + " Check afterwards: velvet db doctor");
            return true;
        }
        if (options.ExpectedAppRole is { } expected && !string.Equals(app.User, expected, StringComparison.Ordinal))
        {
            Add("D.app-url-unexpected-role", DoctorSeverity.Error,
                $"{App} logs in as {app.User}, not the app role {expected} ({app.Masked})",
                ReseedFix($"{expected}'s URL"));
        }
        return false;
    }

    private async Task<NpgsqlConnection?> ConnectOwnerAsync(Dsn.Dsn owner, CancellationToken ct)
    {
        try
        {
            return await PgLogin.OpenAsync(owner, ct, options.ConnectTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            var login = PgLogin.Classify(ex);
            Add("owner-connect-failed", DoctorSeverity.Error, $"cannot connect with {Owner} ({owner.Masked}): {login.Message}; the database checks that need it were skipped",
                login.Outcome == LoginOutcome.Refused
                    ? $"{Owner} is stale or revoked: fetch the current owner URL from its source (on Heroku: heroku config:get {Owner} -a <app>; Heroku manages it)"
                    : "check that the database is up and reachable from here, then run velvet db doctor again");
            return null;
        }
    }

    /// <summary>Logs in with the app URL. A refusal is scenario A (stale password) or B (role missing or disabled).</summary>
    private async Task<NpgsqlConnection?> ConnectAppAsync(Dsn.Dsn app, NpgsqlConnection? ownerConn, CancellationToken ct)
    {
        try
        {
            return await PgLogin.OpenAsync(app, ct, options.ConnectTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            var login = PgLogin.Classify(ex);
            var role = app.User!;
            if (login.Outcome != LoginOutcome.Refused)
            {
                Add("app-connect-failed", DoctorSeverity.Error, $"cannot connect with {App} ({app.Masked}): {login.Message}",
                    "check the URL's host, port and database name against the owner URL's, and that the database is reachable");
                return null;
            }
            var info = ownerConn is null ? null : await DoctorQueries.RoleAsync(ownerConn, role, ct).ConfigureAwait(false);
            if (ownerConn is null ? login.Message.Contains("does not exist", StringComparison.Ordinal) : info is null)
                RoleMissing(role, login.Message);
            else if (info is { CanLogin: false })
            {
                Add("B.role-cannot-login", DoctorSeverity.Error, $"role {role} of {App} exists but cannot log in (NOLOGIN): the server answers {login.Message}",
                    $"if it was revoked on purpose, rotate to a working login instead; else: {ProvisionCommand(role)} --reset-password");
            }
            else if (info is not null)
            {
                Add("A.app-url-stale", DoctorSeverity.Error,
                    $"{App} logs in as {role}, which exists, but the server refuses its password ({login.Message}): the URL is stale, e.g. after a rotation whose distribution step did not finish",
                    ReseedFix($"{role}'s current URL") + $" If the vault's copy is stale too: {ProvisionCommand(role)} --reset-password, then store the URL in the vault and in {App}.");
            }
            else
            {
                Add("A.app-url-refused", DoctorSeverity.Error, $"{App} ({app.Masked}) is refused: {login.Message}; without a working {Owner} the doctor cannot tell a stale password from a missing role",
                    ReseedFix($"{role}'s current URL"));
            }
            return null;
        }
    }

    private async Task CheckRoleExistsAsync(NpgsqlConnection ownerConn, string role, CancellationToken ct)
    {
        if (await DoctorQueries.RoleAsync(ownerConn, role, ct).ConfigureAwait(false) is null) RoleMissing(role, null);
    }

    /// <summary>Scenario B.</summary>
    private void RoleMissing(string role, string? serverSaid) => Add("B.role-missing", DoctorSeverity.Error,
        $"role {role} does not exist" + (serverSaid is null ? "" : $" (logging in with {App} fails: {serverSaid}; the server log says: role \"{role}\" does not exist)"),
        $"re-create it with a generated password and its grants: {ProvisionCommand(role)} --policy FILE (the SQL it runs: CREATE ROLE {PgText.Ident(role)} LOGIN PASSWORD '…', then the policy's GRANTs; on Heroku use " +
        $"heroku pg:credentials:create DATABASE --name {role} -a <app>, then velvet grants apply --policy FILE), and store the new URL in the vault and in {App}");

    private const string FailsFast = "The runtime refuses to start with this message (every process crash-loops). ";

    private string ReseedFix(string what) =>
        $"re-seed {App} from the canonical copy in your vault ({what}) without echoing it, e.g. heroku config:set {App}=\"<URL from the vault>\" -a <app> >/dev/null 2>&1, then restart the app.";

    private string ProvisionCommand(string role) => $"velvet db provision --role {role} --write-env-file PATH --env-key {App}";

    private void Add(string id, DoctorSeverity severity, string what, string fix) => _findings.Add(new DoctorFinding(id, severity, what, fix));
}
