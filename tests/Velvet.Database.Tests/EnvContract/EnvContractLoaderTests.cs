using Velvet.Database.EnvContract;
using Velvet.Dsn;

namespace Velvet.Database.Tests.EnvContract;

public sealed class EnvContractLoaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Loads_a_full_contract()
    {
        var path = _files.Write("ci/velvet-env.yaml", """
            version: 1
            runtime: [app, scheduler-worker, migrate, raxx-api-prod]
            provisioning: [db-provision]
            unlisted: ignore
            forbidden: [DATABASE_ROOT_URL, "APP_DB_*", "POSTGRES_ROOT_*", PGPASSWORD]
            dsn:
              variables: [RAPTOR_APP_DATABASE_URL, DATABASE_URL]
              denied_users: [postgres, u_owner]
            sources:
              - compose: ../docker-compose.yml
              - dotenv: worker.env
                container: scheduler-worker
              - heroku: heroku-prod.json
                app: raxx-api-prod
                optional: true
            """);
        var contract = EnvContractLoader.Load(path);
        Assert.Equal(["app", "scheduler-worker", "migrate", "raxx-api-prod"], contract.Runtime);
        Assert.Equal(["db-provision"], contract.Provisioning);
        Assert.False(contract.UnlistedAsRuntime);
        Assert.Equal(["DATABASE_ROOT_URL", "APP_DB_*", "POSTGRES_ROOT_*", "PGPASSWORD"], contract.Invariants.ForbiddenVariables);
        Assert.Equal(["RAPTOR_APP_DATABASE_URL", "DATABASE_URL"], contract.Invariants.DsnVariables);
        Assert.Equal(["postgres", "u_owner"], contract.Invariants.DeniedUsers);
        Assert.Equal(
            [
                (EnvSourceKind.Compose, _files.Path_("docker-compose.yml"), null, false, 10),
                (EnvSourceKind.Dotenv, _files.Path_("ci/worker.env"), "scheduler-worker", false, 11),
                (EnvSourceKind.Heroku, _files.Path_("ci/heroku-prod.json"), "raxx-api-prod", true, 13),
            ],
            contract.Sources.Select(s => (s.Kind, s.Path, s.Container, s.Optional, s.DeclaredAt.Line)));
        Assert.Equal(ContainerRole.Runtime, contract.RoleOf("migrate"));
        Assert.Equal(ContainerRole.Provisioning, contract.RoleOf("db-provision"));
        Assert.Equal(ContainerRole.Unlisted, contract.RoleOf("redis"));
    }

    [Fact]
    public void Defaults_apply_when_left_out()
    {
        var contract = EnvContractLoader.Load(_files.Write("c.yaml", "sources:\n  - compose: docker-compose.yml\n"));
        Assert.Empty(contract.Runtime);
        Assert.True(contract.UnlistedAsRuntime);
        Assert.Equal(DsnPolicy.DefaultForbiddenVariables, contract.Invariants.ForbiddenVariables);
        Assert.Equal(["DATABASE_URL", "DATABASE_SERVICE_URL"], contract.Invariants.DsnVariables);
        Assert.Equal(DsnPolicy.DefaultDeniedUsers, contract.Invariants.DeniedUsers);
        Assert.Equal(Path.Combine(_files.Dir, "docker-compose.yml"), contract.Display(_files.Path_("docker-compose.yml")));
    }

    [Theory]
    [InlineData("runtimes: [app]\nsources: [{compose: c.yml}]\n", 1, "unknown key 'runtimes': expected one of version, runtime, provisioning, unlisted, forbidden, dsn, sources")]
    [InlineData("version: 2\nsources: [{compose: c.yml}]\n", 1, "version must be 1")]
    [InlineData("runtime: app\nsources: [{compose: c.yml}]\n", 1, "runtime must be a list of names")]
    [InlineData("runtime: [app, [x]]\nsources: [{compose: c.yml}]\n", 1, "every item of runtime must be a non-empty name")]
    [InlineData("runtime: [app]\nprovisioning:\n  - db\n  - app\nsources: [{compose: c.yml}]\n", 4, "'app' is listed as both runtime and provisioning")]
    [InlineData("unlisted: fail\nsources: [{compose: c.yml}]\n", 1, "unlisted must be 'runtime'")]
    [InlineData("dsn: [x]\nsources: [{compose: c.yml}]\n", 1, "dsn must be a mapping")]
    [InlineData("dsn:\n  vars: [X]\nsources: [{compose: c.yml}]\n", 2, "unknown key 'dsn.vars'")]
    [InlineData("runtime: [app]\n", 1, "sources must list at least one file")]
    [InlineData("sources: []\n", 1, "sources must list at least one file")]
    [InlineData("sources:\n  - c.yml\n", 2, "each source must be a mapping")]
    [InlineData("sources:\n  - compose: c.yml\n    dotenv: x.env\n", 2, "a source names exactly one file")]
    [InlineData("sources:\n  - dotenv: x.env\n", 2, "a dotenv source needs container: NAME")]
    [InlineData("sources:\n  - heroku: h.json\n", 2, "a heroku source needs app: NAME")]
    [InlineData("sources:\n  - compose: c.yml\n    container: app\n", 2, "a compose source takes its container names from services:")]
    [InlineData("sources:\n  - compose: c.yml\n    file: x\n", 3, "unknown source key 'file'")]
    [InlineData("sources:\n  - compose: c.yml\n    optional: maybe\n", 2, "optional must be true or false")]
    [InlineData("runtime: [app\nsources: []\n", 1, "malformed YAML: an unterminated [ ] or { } collection")]
    [InlineData("", 1, "expected a mapping with runtime:, provisioning: and sources:")]
    public void A_malformed_contract_is_an_error_with_file_line(string yaml, int line, string message)
    {
        var path = _files.Write("velvet-env.yaml", yaml);
        var ex = Assert.Throws<EnvFileException>(() => EnvContractLoader.Load(path));
        Assert.StartsWith($"{path}:{line}: {message}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_contract_says_how_to_make_one()
    {
        var ex = Assert.Throws<EnvFileException>(() => EnvContractLoader.Load(_files.Path_("nope.yaml")));
        Assert.EndsWith("nope.yaml: contract file not found (pass its path, or create velvet-env.yaml; see docs/db/dsn.md)", ex.Message, StringComparison.Ordinal);
    }
}
