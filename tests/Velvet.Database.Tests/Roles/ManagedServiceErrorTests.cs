using Npgsql;
using Velvet.Database.Roles;

namespace Velvet.Database.Tests.Roles;

/// <summary>
/// Each managed-service error the provisioning runbook describes is translated into its fix. The inputs are what a
/// PostgresException carries (SQLSTATE + server text), as RDS and Heroku answer them.
/// </summary>
public sealed class ManagedServiceErrorTests
{
    private static RoleErrorAdvice? Translate(PostgresException ex, string host, ManagedProvider provider = ManagedProvider.Auto) =>
        ManagedServiceErrors.Translate(ex.SqlState, ex.MessageText, provider, host, "u3kq2a", "raptor_app", "$DATABASE_ROOT_URL");

    private static PostgresException Error(string sqlState, string message) => new(message, "ERROR", "ERROR", sqlState);

    [Fact]
    public void Rds_password_membership_on_heroku_points_to_the_heroku_credential_api()
    {
        var advice = Translate(Error("42501", "must be a member of rds_password to alter passwords"), "ec2-52-1-2-3.compute-1.amazonaws.com");

        Assert.Equal("rds-password", advice!.Id);
        Assert.Contains("must be a member of rds_password", advice.What, StringComparison.Ordinal);
        Assert.Contains("heroku pg:credentials:create DATABASE --name raptor_app -a <app>", advice.Fix, StringComparison.Ordinal);
        Assert.Contains("do not create or re-key the role with SQL", advice.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Rds_password_membership_on_rds_says_to_grant_rds_password()
    {
        var advice = Translate(Error("42501", "must be a member of rds_password to alter passwords"), "mydb.abc123.eu-west-1.rds.amazonaws.com");

        Assert.Equal("rds-password", advice!.Id);
        Assert.StartsWith("on Amazon RDS, as the master user: GRANT rds_password TO \"u3kq2a\";", advice.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Permission_denied_to_create_role_on_heroku_explains_the_credential_route_and_the_essential_tier()
    {
        var advice = Translate(Error("42501", "permission denied to create role"), "ec2-52-1-2-3.compute-1.amazonaws.com");

        Assert.Equal("heroku-create-role", advice!.Id);
        Assert.Contains("Heroku Postgres does not let u3kq2a create or change roles with SQL", advice.What, StringComparison.Ordinal);
        Assert.Contains("heroku pg:credentials:create DATABASE --name raptor_app", advice.Fix, StringComparison.Ordinal);
        Assert.Contains("Essential-tier databases have no additional credentials", advice.Fix, StringComparison.Ordinal);
        Assert.Contains("You can't create a custom credential on Essential-tier databases", advice.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Herokus_essential_tier_message_says_upgrade_to_standard_0()
    {
        var advice = ManagedServiceErrors.Translate(null, "Error: You can't create a custom credential on Essential-tier databases.", ManagedProvider.Heroku, null, "owner", "raptor_app", "$DATABASE_ROOT_URL");

        Assert.Equal("heroku-essential", advice!.Id);
        Assert.Contains("Essential-tier Heroku Postgres databases have no additional credentials", advice.What, StringComparison.Ordinal);
        Assert.Contains("heroku-postgresql:standard-0", advice.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Permission_denied_to_create_role_on_rds_says_to_use_the_master_user()
    {
        var advice = Translate(Error("42501", "permission denied to create role"), "mydb.abc123.eu-west-1.rds.amazonaws.com");

        Assert.Equal("rds-create-role", advice!.Id);
        Assert.Contains("point $DATABASE_ROOT_URL at the RDS master user", advice.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42501", "permission denied to create role")] // PostgreSQL 15
    [InlineData("42501", "must be superuser or have CREATEROLE privilege to create roles")]
    [InlineData("42501", "must have CREATEROLE privilege")]
    [InlineData("42501", "permission denied")] // PostgreSQL 15, ALTER ROLE without CREATEROLE
    public void A_missing_createrole_on_a_plain_server_says_to_grant_it(string sqlState, string message)
    {
        var advice = Translate(Error(sqlState, message), "db.internal");

        Assert.Equal("createrole-missing", advice!.Id);
        Assert.Contains("u3kq2a must be superuser or have CREATEROLE", advice.What, StringComparison.Ordinal);
        Assert.Equal("as a superuser run: ALTER ROLE \"u3kq2a\" CREATEROLE; or point $DATABASE_ROOT_URL at a role that has it", advice.Fix);
    }

    [Fact]
    public void The_provider_setting_wins_over_the_host_guess()
    {
        var advice = Translate(Error("42501", "permission denied to create role"), "10.0.0.5", ManagedProvider.Heroku);

        Assert.Equal("heroku-create-role", advice!.Id);
    }

    [Fact]
    public void Terminating_sessions_without_pg_signal_backend_says_to_grant_it()
    {
        var advice = Translate(Error("42501", "permission denied to terminate process"), "db.internal");

        Assert.Equal("signal-backend", advice!.Id);
        Assert.Equal("as a superuser (on RDS: the master user): GRANT pg_signal_backend TO \"u3kq2a\";", advice.Fix);
    }

    [Fact]
    public void Unrelated_errors_are_not_translated()
    {
        Assert.Null(Translate(Error("23505", "duplicate key value violates unique constraint"), "db.internal"));
        Assert.Null(Translate(Error("42710", "role \"raptor_app\" already exists"), "db.internal"));
    }
}
