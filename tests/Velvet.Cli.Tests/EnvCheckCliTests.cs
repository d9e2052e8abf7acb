namespace Velvet.Cli.Tests;

/// <summary>`velvet env check`: exit 0 clean, 3 violations, 2 bad contract or source; values never printed.</summary>
public sealed class EnvCheckCliTests : IDisposable
{
    private const string Canary = "CanaryEnv-8d2f61";
    private readonly string _dir = Directory.CreateTempSubdirectory("velvet-envcli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    private string Contract() => Write("velvet-env.yaml", """
        runtime: [app, scheduler-worker, migrate]
        provisioning: [db-provision]
        sources:
          - compose: docker-compose.yml
        """);

    [Fact]
    public async Task A_clean_compose_file_exits_0()
    {
        Write("docker-compose.yml", $"services:\n  app:\n    environment:\n      DATABASE_URL: postgres://app:{Canary}@db/app\n  db-provision:\n    environment:\n      DATABASE_ROOT_URL: postgres://root:{Canary}@db/app\n");
        var cli = new CliRun { Dir = _dir };
        var (exit, stdout, stderr) = await cli.RunAsync("env", "check", Contract());
        Assert.Equal(0, exit);
        Assert.Contains("✓ app: runtime: no provisioning credentials, DSNs ok (1 variable(s))", stdout, StringComparison.Ordinal);
        Assert.Contains("env check: ok, 1 runtime container(s) clean", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
        Assert.DoesNotContain(Canary, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provisioning_credential_in_a_runtime_container_exits_3_with_file_line()
    {
        Write("docker-compose.yml", $"services:\n  migrate:\n    environment:\n      - APP_DB_PASSWORD={Canary}\n      - DATABASE_URL=postgres://admin:{Canary}@db/app\n");
        var cli = new CliRun { Dir = _dir };
        var (exit, stdout, _) = await cli.RunAsync("env", "check", Contract());
        Assert.Equal(3, exit);
        Assert.Contains($"✗ migrate: {_dir}/docker-compose.yml:4: APP_DB_PASSWORD is a provisioning credential (forbidden: APP_DB_*)", stdout, StringComparison.Ordinal);
        Assert.Contains($"✗ migrate: {_dir}/docker-compose.yml:5: DATABASE_URL logs in as 'admin'", stdout, StringComparison.Ordinal);
        Assert.Contains("env check: 2 violation(s) in 1 runtime container(s)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, stdout, StringComparison.Ordinal);

        var json = await cli.RunAsync("env", "check", Contract(), "--json");
        Assert.Equal(3, json.Exit);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var first = doc.RootElement.GetProperty("violations")[0];
        Assert.Equal(("migrate", 4, "APP_DB_PASSWORD", "forbidden_variable"),
            (first.GetProperty("container").GetString(), first.GetProperty("line").GetInt32(), first.GetProperty("variable").GetString(), first.GetProperty("kind").GetString()));
        Assert.DoesNotContain(Canary, json.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_files_exit_2_with_file_line()
    {
        Write("docker-compose.yml", $"services:\n  app:\n    environment:\n      A: {Canary}\n     B: 2\n");
        var cli = new CliRun { Dir = _dir };
        var compose = await cli.RunAsync("env", "check", Contract());
        Assert.Equal(2, compose.Exit);
        Assert.StartsWith($"error: {_dir}/docker-compose.yml:5: malformed YAML", compose.Err, StringComparison.Ordinal);

        var contract = await cli.RunAsync("env", "check", Write("bad.yaml", "runtime: [app]\nsource:\n  - compose: docker-compose.yml\n"));
        Assert.Equal(2, contract.Exit);
        Assert.StartsWith($"error: {_dir}/bad.yaml:2: unknown key 'source'", contract.Err, StringComparison.Ordinal);

        var missing = await cli.RunAsync("env", "check", Path.Combine(_dir, "nope.yaml"));
        Assert.Equal(2, missing.Exit);
        Assert.Contains("contract file not found", missing.Err, StringComparison.Ordinal);
        foreach (var output in cli.Transcript) Assert.DoesNotContain(Canary, output, StringComparison.Ordinal);
    }
}
