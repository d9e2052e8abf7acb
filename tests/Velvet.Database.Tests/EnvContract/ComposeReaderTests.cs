using Velvet.Database.EnvContract;

namespace Velvet.Database.Tests.EnvContract;

public sealed class ComposeReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private IReadOnlyDictionary<string, IReadOnlyList<EnvEntry>> Read(string relative) =>
        ComposeReader.Read(_files.Path_(relative), relative, full => Path.GetRelativePath(_files.Dir, full).Replace('\\', '/'))
            .ToDictionary(s => s.Service, s => s.Entries);

    [Fact]
    public void Reads_map_and_list_environments_env_files_anchors_and_merge_keys()
    {
        _files.Write("deploy/common.env", "FROM_FILE=1\nDATABASE_URL=postgres://file:pw@h/d\n");
        _files.Write("deploy/docker-compose.yml", """
            x-env: &shared
              SHARED: "yes"
              DATABASE_URL: ${DATABASE_URL}
            x-service: &service
              image: app
              env_file: common.env
            services:
              app:
                <<: *service
                environment:
                  <<: *shared
                  EXPLICIT: 1
                  PASSTHROUGH:
                  NULLED: null
                  QUOTED_EMPTY: ""
              worker:
                env_file:
                  - common.env
                  - path: missing.env
                    required: false
                environment:
                  - LIST=a=b
                  - BARE
                  - DATABASE_URL=postgres://svc:pw@h/d
              reuse:
                environment: *shared
              nothing:
            """);
        var services = Read("deploy/docker-compose.yml");
        Assert.Equal(["app", "worker", "reuse", "nothing"], services.Keys);
        Assert.Equal(
            [
                ("FROM_FILE", "1", "common.env:1"), ("DATABASE_URL", "postgres://file:pw@h/d", "common.env:2"),
                ("EXPLICIT", "1", "deploy/docker-compose.yml:12"), ("PASSTHROUGH", null, "deploy/docker-compose.yml:13"),
                ("NULLED", null, "deploy/docker-compose.yml:14"), ("QUOTED_EMPTY", "", "deploy/docker-compose.yml:15"),
                ("SHARED", "yes", "deploy/docker-compose.yml:2"), ("DATABASE_URL", "${DATABASE_URL}", "deploy/docker-compose.yml:3"),
            ],
            services["app"].Select(e => (e.Name, e.Value, Where(e))));
        Assert.Equal(
            [("FROM_FILE", "1"), ("DATABASE_URL", "postgres://file:pw@h/d"), ("LIST", "a=b"), ("BARE", null), ("DATABASE_URL", "postgres://svc:pw@h/d")],
            services["worker"].Select(e => (e.Name, e.Value)));
        Assert.Equal("deploy/docker-compose.yml:22", Where(services["worker"][2]));
        Assert.Equal(["SHARED", "DATABASE_URL"], services["reuse"].Select(e => e.Name));
        Assert.Empty(services["nothing"]);
    }

    private static string Where(EnvEntry e) => e.Location.ToString().Replace("deploy/common.env", "common.env", StringComparison.Ordinal);

    [Theory]
    [InlineData("services:\n  app:\n    environment: [\n", 0, "malformed YAML")]
    [InlineData("services:\n  app:\n    environment:\n      A: 1\n     B: 2\n", 5, "malformed YAML")]
    [InlineData("services:\n  app:\n    environment:\n      A: 1\n      A: 2\n", 0, "malformed YAML: Duplicate key")]
    [InlineData("version: '3'\n", 1, "expected 'services:' to be a mapping")]
    [InlineData("- a\n", 1, "expected a compose file with a 'services:' mapping")]
    [InlineData("services:\n  app: image\n", 2, "service 'app' must be a mapping")]
    [InlineData("services:\n  app:\n    environment: 3\n", 3, "service 'app': 'environment' must be a mapping (KEY: value) or a list (- KEY=value)")]
    [InlineData("services:\n  app:\n    environment:\n      - =x\n", 4, "service 'app': every 'environment' item must be KEY=value or KEY")]
    [InlineData("services:\n  app:\n    environment:\n      A: [1]\n", 4, "service 'app': the value of A must be a string")]
    [InlineData("services:\n  app:\n    env_file: nope.env\n", 3, "service 'app': env_file 'nope.env' not found")]
    [InlineData("services:\n  app:\n    env_file:\n      - required: true\n", 4, "service 'app': an env_file entry needs a 'path'")]
    [InlineData("services:\n  app:\n    <<: [1]\n", 3, "a merge key (<<) must refer to a mapping")]
    public void A_malformed_compose_file_is_an_error_with_file_line(string yaml, int line, string message)
    {
        _files.Write("compose.yml", yaml);
        var ex = Assert.Throws<EnvFileException>(() => Read("compose.yml"));
        Assert.StartsWith(line == 0 ? "compose.yml" : $"compose.yml:{line}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
