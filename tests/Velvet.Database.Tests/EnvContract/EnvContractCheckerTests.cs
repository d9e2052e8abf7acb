using Velvet.Database.EnvContract;
using Velvet.Dsn;

namespace Velvet.Database.Tests.EnvContract;

/// <summary>The seeds' shape: app, scheduler-worker and migrate are runtime, db-provision is provisioning.</summary>
public sealed class EnvContractCheckerTests : IDisposable
{
    private const string C = TempFiles.Canary;
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const string Contract = """
        runtime: [app, scheduler-worker, migrate]
        provisioning: [db-provision]
        sources:
          - compose: docker-compose.yml
        """;

    private const string CleanCompose = $$"""
        services:
          app:
            environment:
              DATABASE_URL: postgres://app_user:{{C}}@db:5432/app
              DATABASE_SERVICE_URL: postgres://app_service:{{C}}@db:5432/app
          scheduler-worker:
            environment:
              - DATABASE_URL=postgres://app_service:{{C}}@db:5432/app
          migrate:
            environment:
              DATABASE_URL: ${DATABASE_URL}
          db-provision:
            environment:
              DATABASE_ROOT_URL: postgres://root:{{C}}@db:5432/postgres
              POSTGRES_ROOT_USER: postgres
              POSTGRES_ROOT_PASSWORD: {{C}}
              APP_DB_USER: app_user
              APP_DB_PASSWORD: {{C}}
        """;

    private EnvCheckReport Check(string compose, string contract = Contract)
    {
        _files.Write("docker-compose.yml", compose);
        return EnvContractChecker.Check(EnvContractLoader.Load(_files.Write("velvet-env.yaml", contract)));
    }

    private static string Text(EnvCheckReport report) => string.Join("\n", report.Render());

    [Fact]
    public void The_seed_shape_passes_when_provisioning_credentials_stay_in_db_provision()
    {
        var report = Check(CleanCompose);
        Assert.True(report.Passed, Text(report));
        Assert.Equal(
            [
                "✓ app: runtime: no provisioning credentials, DSNs ok (2 variable(s))",
                "✓ scheduler-worker: runtime: no provisioning credentials, DSNs ok (1 variable(s))",
                "✓ migrate: runtime: no provisioning credentials, DSNs ok (1 variable(s))",
                $"· migrate: DATABASE_URL at {_files.Dir}/docker-compose.yml:11 is set at deploy time (${{…}}): its DSN is not checked here; run `velvet dsn check` where it is set",
                "· db-provision: provisioning: may hold provisioning credentials (5 variable(s), not checked)",
                "env check: ok, 3 runtime container(s) clean",
            ],
            report.Render());
        Assert.DoesNotContain(C, Text(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_forbidden_variable_in_every_runtime_container_is_reported_with_file_line()
    {
        _files.Write("worker.env", $"LOG_LEVEL=info\nAPP_DB_PASSWORD={C}\nPOSTGRES_ROOT_PASSWORD='{C}'\n");
        var report = Check($$"""
            services:
              app:
                environment:
                  DATABASE_URL: postgres://app_user:{{C}}@db:5432/app
                  DATABASE_ROOT_URL: postgres://root:{{C}}@db:5432/postgres
                  APP_DB_HOST: db
              scheduler-worker:
                env_file: worker.env
                environment:
                  - APP_DB_PASSWORD
              migrate:
                environment:
                  POSTGRES_ROOT_URL: ${ROOT}
              db-provision:
                environment:
                  DATABASE_ROOT_URL: postgres://root:{{C}}@db:5432/postgres
            """);
        Assert.False(report.Passed);
        var dir = _files.Dir;
        Assert.Equal(
            [
                ("app", $"{dir}/docker-compose.yml:6", "APP_DB_HOST"),
                ("app", $"{dir}/docker-compose.yml:5", "DATABASE_ROOT_URL"),
                ("scheduler-worker", $"{dir}/worker.env:2", "APP_DB_PASSWORD"),
                ("scheduler-worker", $"{dir}/docker-compose.yml:10", "APP_DB_PASSWORD"),
                ("scheduler-worker", $"{dir}/worker.env:3", "POSTGRES_ROOT_PASSWORD"),
                ("migrate", $"{dir}/docker-compose.yml:13", "POSTGRES_ROOT_URL"),
            ],
            report.Findings.Select(f => (f.Container, f.Location.ToString(), f.Violation.Variable)));
        var text = Text(report);
        Assert.Contains($"✗ app: {dir}/docker-compose.yml:5: DATABASE_ROOT_URL is a provisioning credential (forbidden: DATABASE_ROOT_URL) and must not be in a runtime environment " +
            "(holds postgres://root@db:5432/postgres): remove it; only the provisioning container may hold it", text, StringComparison.Ordinal);
        Assert.Contains($"✗ scheduler-worker: {dir}/worker.env:2: APP_DB_PASSWORD is a provisioning credential (forbidden: APP_DB_*)", text, StringComparison.Ordinal);
        Assert.EndsWith("env check: 6 violation(s) in 3 runtime container(s)", text, StringComparison.Ordinal);
        Assert.DoesNotContain(C, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Dsn_problems_in_runtime_envs_are_reported_where_the_effective_value_is_written()
    {
        _files.Write("app.env", $"DATABASE_URL=postgres://fine:{C}@db/app\n");
        var report = Check($$"""
            services:
              app:
                env_file: app.env
                environment:
                  DATABASE_URL: postgres://postgres:{{C}}@db/app
              scheduler-worker:
                environment:
                  DATABASE_URL: postgres://same:{{C}}@db/app
                  DATABASE_SERVICE_URL: postgres://same:{{C}}2@db/app
              migrate:
                environment:
                  DATABASE_URL: "postgres://app:{{C}}@db:port/app"
            """);
        var dir = _files.Dir;
        Assert.Equal(
            [
                ("app", $"{dir}/docker-compose.yml:5", EnvViolationKind.DeniedUser),
                ("scheduler-worker", $"{dir}/docker-compose.yml:8", EnvViolationKind.SameUser),
                ("migrate", $"{dir}/docker-compose.yml:12", EnvViolationKind.UnparseableDsn),
            ],
            report.Findings.Select(f => (f.Container, f.Location.ToString(), f.Violation.Kind)));
        Assert.Contains("DATABASE_URL and DATABASE_SERVICE_URL both log in as 'same'", Text(report), StringComparison.Ordinal);
        Assert.DoesNotContain(C, Text(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Heroku_dumps_and_dotenv_files_map_to_their_app_or_container()
    {
        _files.Write("heroku-prod.json", $"{{\n  \"DATABASE_URL\": \"postgres://u8owner:{C}@ec2.example.com:5432/d1\",\n  \"DATABASE_ROOT_URL\": \"postgres://root:{C}@h/d\"\n}}\n");
        _files.Write("worker.env", $"APP_DB_USER=app\n");
        var report = EnvContractChecker.Check(EnvContractLoader.Load(_files.Write("velvet-env.yaml", """
            runtime: [raxx-api-prod, worker]
            sources:
              - heroku: heroku-prod.json
                app: raxx-api-prod
              - dotenv: worker.env
                container: worker
              - heroku: heroku-staging.json
                app: raxx-api-staging
                optional: true
            """)));
        Assert.Equal(
            [("raxx-api-prod", "heroku-prod.json:3", "DATABASE_ROOT_URL"), ("worker", "worker.env:1", "APP_DB_USER")],
            report.Findings.Select(f => (f.Container, Path.GetFileName(f.Location.ToString()), f.Violation.Variable)));
        Assert.Contains($"· note: optional source {_files.Dir}/heroku-staging.json not found: skipped", Text(report), StringComparison.Ordinal);
        Assert.DoesNotContain(C, Text(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Unlisted_containers_are_checked_as_runtime_unless_ignored()
    {
        const string compose = "services:\n  redis:\n    environment:\n      APP_DB_PASSWORD: x\n";
        var strict = Check(compose, "runtime: [app]\nsources: [{compose: docker-compose.yml}]\n");
        Assert.False(strict.Passed);
        var text = Text(strict);
        Assert.Contains("· redis: named in neither runtime: nor provisioning: of the contract: checked as runtime", text, StringComparison.Ordinal);
        Assert.Contains("· note: 'app' is listed in", text, StringComparison.Ordinal);

        var lenient = Check(compose, "runtime: [app]\nunlisted: ignore\nsources: [{compose: docker-compose.yml}]\n");
        Assert.True(lenient.Passed);
        Assert.Contains("· redis: named in neither runtime: nor provisioning: of the contract: ignored (unlisted: ignore)", Text(lenient), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_source_is_an_error_at_the_contract_line()
    {
        var path = _files.Write("velvet-env.yaml", "runtime: [app]\nsources:\n  - compose: docker-compose.yml\n  - dotenv: nope.env\n    container: app\n");
        _files.Write("docker-compose.yml", "services: {}\n");
        var ex = Assert.Throws<EnvFileException>(() => EnvContractChecker.Check(EnvContractLoader.Load(path)));
        Assert.StartsWith($"{path}:4: source file {_files.Dir}/nope.env not found", ex.Message, StringComparison.Ordinal);
    }
}
