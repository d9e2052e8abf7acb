namespace Velvet.Dsn.Tests;

public sealed class DsnInvariantsTests
{
    private const string Canary = "CanaryPw-41e2b7";

    [Fact]
    public void A_clean_runtime_environment_passes()
    {
        var env = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = $"postgres://app_user:{Canary}@db:5432/app",
            ["DATABASE_SERVICE_URL"] = $"postgres://app_service:{Canary}@db:5432/app",
            ["PATH"] = "/usr/bin",
            ["APP_DBX"] = "not a match for APP_DB_*",
        };
        Assert.Empty(DsnInvariants.CheckEnvInvariants(env));
        DsnInvariants.AssertEnvInvariants(env);
    }

    [Fact]
    public void Every_violation_is_listed_in_one_exception_with_values_masked()
    {
        var env = new Dictionary<string, string>
        {
            ["DATABASE_ROOT_URL"] = $"postgres://root:{Canary}@db:5432/postgres",
            ["APP_DB_PASSWORD"] = Canary,
            ["app_db_host"] = "db",
            ["POSTGRES_ROOT_PASSWORD"] = "",
            ["DATABASE_URL"] = $"postgres://postgres:{Canary}@db:5432/app",
            ["DATABASE_SERVICE_URL"] = $"postgres://postgres:{Canary}@db:5432/app",
        };
        var ex = Assert.Throws<EnvInvariantException>(() => DsnInvariants.AssertEnvInvariants(env));
        Assert.Equal(
            [
                (EnvViolationKind.ForbiddenVariable, "APP_DB_PASSWORD"),
                (EnvViolationKind.ForbiddenVariable, "DATABASE_ROOT_URL"),
                (EnvViolationKind.ForbiddenVariable, "POSTGRES_ROOT_PASSWORD"),
                (EnvViolationKind.ForbiddenVariable, "app_db_host"),
                (EnvViolationKind.DeniedUser, "DATABASE_URL"),
                (EnvViolationKind.DeniedUser, "DATABASE_SERVICE_URL"),
                (EnvViolationKind.SameUser, "DATABASE_URL"),
            ],
            ex.Violations.Select(v => (v.Kind, v.Variable)));
        Assert.StartsWith("runtime environment breaks 7 database invariant(s):", ex.Message, StringComparison.Ordinal);
        foreach (var v in ex.Violations) Assert.Contains(v.Message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, ex.Message, StringComparison.Ordinal);
        Assert.Contains("DATABASE_ROOT_URL is a provisioning credential (forbidden: DATABASE_ROOT_URL) and must not be in a runtime environment " +
            "(holds postgres://root@db:5432/postgres): remove it", ex.Message, StringComparison.Ordinal);
        Assert.Contains("APP_DB_PASSWORD is a provisioning credential (forbidden: APP_DB_*) and must not be in a runtime environment: remove it", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DATABASE_URL logs in as 'postgres', a superuser/admin name (denylist: postgres, root, admin, superuser, rdsadmin, cloudsqladmin, azure_superuser, supabase_admin)",
            ex.Message, StringComparison.Ordinal);
        Assert.Contains("DATABASE_URL and DATABASE_SERVICE_URL both log in as 'postgres': they must be different roles", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ex.Violations, DsnInvariants.CheckEnvInvariants(env));
    }

    [Theory]
    [InlineData("postgres://ROOT:pw@h/d", EnvViolationKind.DeniedUser, "logs in as 'ROOT'")]
    [InlineData("postgres://rdsadmin:pw@h/d", EnvViolationKind.DeniedUser, "logs in as 'rdsadmin'")]
    [InlineData("postgres://h/d", EnvViolationKind.MissingUser, "DATABASE_URL names no user (postgres://h:5432/d)")]
    [InlineData("postgres://app:pw@h:bad/d", EnvViolationKind.UnparseableDsn, "DATABASE_URL is not a valid DSN: invalid port")]
    [InlineData("garbage", EnvViolationKind.UnparseableDsn, "DATABASE_URL is not a valid DSN: not a DSN")]
    public void One_dsn_problem(string url, EnvViolationKind kind, string message)
    {
        var v = Assert.Single(DsnInvariants.CheckEnvInvariants(new Dictionary<string, string> { ["DATABASE_URL"] = url }));
        Assert.Equal(kind, v.Kind);
        Assert.Contains(message, v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sqlite_and_empty_dsns_pass()
    {
        var env = new Dictionary<string, string> { ["DATABASE_URL"] = "sqlite:///dev.db", ["DATABASE_SERVICE_URL"] = "" };
        Assert.Empty(DsnInvariants.CheckEnvInvariants(env));
    }

    [Fact]
    public void Options_configure_the_forbidden_names_the_dsn_variables_and_the_denylist()
    {
        var options = new EnvInvariantOptions
        {
            ForbiddenVariables = ["VAULT_*_TOKEN", "PGPASSWORD"],
            DsnVariables = ["RAPTOR_APP_DATABASE_URL", "DATABASE_URL"],
            DeniedUsers = ["owner"],
        };
        var env = new Dictionary<string, string>
        {
            ["VAULT_ROOT_TOKEN"] = Canary,
            ["PGPASSWORD"] = Canary,
            ["DATABASE_ROOT_URL"] = "not forbidden under these options",
            ["DATABASE_URL"] = "postgres://owner:pw@h/d",
            ["RAPTOR_APP_DATABASE_URL"] = "postgres://owner:pw@h/d",
        };
        var violations = DsnInvariants.CheckEnvInvariants(env, options);
        Assert.Equal(
            ["PGPASSWORD", "VAULT_ROOT_TOKEN", "RAPTOR_APP_DATABASE_URL", "DATABASE_URL", "RAPTOR_APP_DATABASE_URL"],
            violations.Select(v => v.Variable));
        Assert.Equal("DATABASE_URL", violations[^1].Related);
    }

    [Theory]
    [InlineData("APP_DB_HOST", "APP_DB_*", true)]
    [InlineData("app_db_host", "APP_DB_*", true)]
    [InlineData("APP_DB_", "APP_DB_*", true)]
    [InlineData("APP_DBHOST", "APP_DB_*", false)]
    [InlineData("MY_APP_DB_HOST", "APP_DB_*", false)]
    [InlineData("DATABASE_ROOT_URL", "DATABASE_ROOT_URL", true)]
    [InlineData("DATABASE_ROOT_URL_2", "DATABASE_ROOT_URL", false)]
    [InlineData("VAULT_X_TOKEN", "VAULT_*_TOKEN", true)]
    [InlineData("VAULT_TOKEN", "VAULT_*_TOKEN", false)]
    [InlineData("A_B_C", "*_B_*", true)]
    [InlineData("AB", "A*B*", true)]
    public void Forbidden_patterns(string name, string pattern, bool matches) => Assert.Equal(matches, DsnPolicy.Matches(name, pattern));
}
