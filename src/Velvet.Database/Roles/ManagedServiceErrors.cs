namespace Velvet.Database.Roles;

/// <summary>Where the database runs, for advice that names the provider's own route.</summary>
public enum ManagedProvider
{
    /// <summary>Guess from the host name.</summary>
    Auto = 0,
    /// <summary>Heroku Postgres (roles are "credentials" made through Heroku's API).</summary>
    Heroku = 1,
    /// <summary>Amazon RDS / Aurora (passwords need rds_password).</summary>
    Rds = 2,
    /// <summary>A PostgreSQL server Velvet's admin URL fully controls.</summary>
    Generic = 3,
}

/// <summary>A database error explained: a stable id, what it means here, and the exact fix.</summary>
public sealed record RoleErrorAdvice(string Id, string What, string Fix)
{
    public override string ToString() => $"{What}. Fix: {Fix}";
}

/// <summary>
/// Turns the errors managed services answer to role DDL into the fix (seed app-role-provisioning-runbook, failure
/// modes A and B): RDS's rds_password rule, Heroku's credential API and its Essential tier, a missing CREATEROLE.
/// Input is what a <c>PostgresException</c> carries (SQLSTATE + message), so it is testable without the service.
/// </summary>
public static class ManagedServiceErrors
{
    public static ManagedProvider ParseProvider(string? text) => text?.ToLowerInvariant() switch
    {
        null or "" or "auto" => ManagedProvider.Auto,
        "heroku" => ManagedProvider.Heroku,
        "rds" or "aws" => ManagedProvider.Rds,
        "generic" or "postgres" => ManagedProvider.Generic,
        _ => throw new ArgumentException($"provider '{text}' is not one of auto, heroku, rds, generic"),
    };

    /// <summary>Heroku's hosts are EC2 names (ec2-….compute-1.amazonaws.com); RDS/Aurora hosts end in rds.amazonaws.com.</summary>
    public static ManagedProvider Resolve(ManagedProvider provider, string? host)
    {
        if (provider != ManagedProvider.Auto) return provider;
        var h = host?.ToLowerInvariant() ?? "";
        if (h.EndsWith(".compute-1.amazonaws.com", StringComparison.Ordinal) || h.EndsWith(".compute.amazonaws.com", StringComparison.Ordinal)) return ManagedProvider.Heroku;
        if (h.EndsWith(".rds.amazonaws.com", StringComparison.Ordinal)) return ManagedProvider.Rds;
        return ManagedProvider.Generic;
    }

    /// <param name="sqlState">The SQLSTATE, when the error came from the server.</param>
    /// <param name="message">The server's message text (or a CLI's output for Heroku's own messages).</param>
    /// <param name="provider">Where the database runs (<see cref="ManagedProvider.Auto"/> guesses from <paramref name="host"/>).</param>
    /// <param name="host">The admin URL's host.</param>
    /// <param name="admin">The admin URL's role.</param>
    /// <param name="role">The role being created or changed.</param>
    /// <param name="adminVariable">Where the admin URL came from, for "point it at another role".</param>
    /// <returns>The advice, or null when the error is none of the known ones.</returns>
    public static RoleErrorAdvice? Translate(string? sqlState, string message, ManagedProvider provider, string? host, string admin, string role, string adminVariable)
    {
        var where = Resolve(provider, host);
        var text = message ?? "";
        if (Has(text, "Essential-tier") || Has(text, "custom credential on Essential"))
            return HerokuEssential(role);
        if (Has(text, "rds_password"))
            return RdsPassword(where, admin, role);
        if (Has(text, "permission denied to terminate process") || Has(text, "pg_signal_backend"))
            return SignalBackend(admin, role);
        if (Has(text, "must be superuser to alter superuser") || Has(text, "must be superuser to create superusers"))
        {
            return new RoleErrorAdvice("role-is-superuser",
                $"{role} is a superuser: an app role must never be one, and only a superuser may change it",
                $"as a superuser: ALTER ROLE {PgText.Ident(role)} NOSUPERUSER; then run the command again");
        }
        var createRole = Has(text, "permission denied to create role") || Has(text, "CREATEROLE")
            || (sqlState == "42501" && text.Trim().Equals("permission denied", StringComparison.OrdinalIgnoreCase));
        return createRole ? CreateRoleMissing(where, text, admin, role, adminVariable) : null;
    }

    /// <summary>The admin may not create roles or set passwords (found by Stage 1 before trying, or translated from the error).</summary>
    public static RoleErrorAdvice CreateRoleMissing(ManagedProvider where, string? serverText, string admin, string role, string adminVariable)
    {
        var said = serverText is null ? "" : $" (\"{Short(serverText)}\")";
        return where switch
        {
            ManagedProvider.Heroku => new RoleErrorAdvice("heroku-create-role",
                $"Heroku Postgres does not let {admin} create or change roles with SQL{said}",
                HerokuRoute(role)),
            ManagedProvider.Rds => new RoleErrorAdvice("rds-create-role",
                $"on Amazon RDS only the master user (rds_superuser) or a role with CREATEROLE and rds_password may manage roles; {admin} has neither{said}",
                $"point {adminVariable} at the RDS master user, or as the master user run: ALTER ROLE {PgText.Ident(admin)} CREATEROLE; GRANT rds_password TO {PgText.Ident(admin)};"),
            _ => new RoleErrorAdvice("createrole-missing",
                $"{admin} must be superuser or have CREATEROLE to create {role} or set its password{said}",
                $"as a superuser run: ALTER ROLE {PgText.Ident(admin)} CREATEROLE; or point {adminVariable} at a role that has it"),
        };
    }

    /// <summary>The admin may not end other roles' sessions.</summary>
    public static RoleErrorAdvice SignalBackend(string admin, string role) => new("signal-backend",
        $"{admin} may not end the sessions of {role} (revocation terminates them so the lock-out is real)",
        $"as a superuser (on RDS: the master user): GRANT pg_signal_backend TO {PgText.Ident(admin)};");

    /// <summary>The admin is not in rds_password.</summary>
    public static RoleErrorAdvice RdsPassword(ManagedProvider provider, string? host, string admin, string role) =>
        RdsPassword(Resolve(provider, host), admin, role);

    private static RoleErrorAdvice RdsPassword(ManagedProvider where, string admin, string role)
    {
        var heroku = HerokuRoute(role);
        var rds = $"on Amazon RDS, as the master user: GRANT rds_password TO {PgText.Ident(admin)}; then run the command again";
        var fix = where switch
        {
            ManagedProvider.Heroku => heroku,
            ManagedProvider.Rds => $"{rds}. On Heroku Postgres (which runs on RDS): {heroku}",
            _ => $"{heroku}. {rds}",
        };
        return new RoleErrorAdvice("rds-password",
            $"must be a member of rds_password to set passwords: the database runs on AWS RDS, where only rds_password members may set a role's password, and {admin} is not one",
            fix);
    }

    private static RoleErrorAdvice HerokuEssential(string role) => new("heroku-essential",
        "Essential-tier Heroku Postgres databases have no additional credentials: Heroku answers \"You can't create a custom credential on Essential-tier databases\", so role separation is impossible on this plan",
        $"upgrade the add-on to Standard-0 or higher first (heroku addons:upgrade <addon> heroku-postgresql:standard-0 -a <app>; heroku pg:info -a <app> must show Plan: Standard 0), then: heroku pg:credentials:create DATABASE --name {role} -a <app>");

    private static string HerokuRoute(string role) =>
        $"do not create or re-key the role with SQL; use Heroku's credential API: heroku pg:credentials:create DATABASE --name {role} -a <app> " +
        $"(rotate later with heroku pg:credentials:rotate DATABASE --name {role} -a <app>; get the URL with heroku pg:credentials:url DATABASE --name {role} -a <app>) " +
        "and give the URL to Velvet as an operator_manual credential. Needs Standard-0 or higher: Essential-tier databases have no additional credentials " +
        "(\"You can't create a custom credential on Essential-tier databases\"; upgrade with heroku addons:upgrade <addon> heroku-postgresql:standard-0 -a <app>)";

    private static bool Has(string text, string needle) => text.Contains(needle, StringComparison.OrdinalIgnoreCase);

    private static string Short(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
