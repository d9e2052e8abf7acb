namespace Velvet.Cli.Tests;

/// <summary>`velvet env check --scripts DIR`: exit 3 with file:line for literal database hosts, 0 when clean, 2 for a missing folder.</summary>
public sealed class ScriptsLintCliTests : IDisposable
{
    private const string Canary = "CanaryLint-41c7e0";
    private readonly string _dir = Directory.CreateTempSubdirectory("velvet-lintcli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Literal_hosts_exit_3_with_file_line_and_the_allow_comment_keeps_a_line()
    {
        Write("scripts/ci/integration.sh", $"#!/bin/sh\nexport DATABASE_URL=postgresql://postgres:{Canary}@localhost/raptor_test\npg_isready -h db -p 5432\nwait-for postgres:5432 # velvet-lint: allow-hardcoded-host\n");
        Write("scripts/.env.example", "DATABASE_URL=postgres://app@localhost:5432/app\n");
        var cli = new CliRun { Dir = _dir };

        var (exit, stdout, stderr) = await cli.RunAsync("env", "check", "--scripts", Path.Combine(_dir, "scripts"));

        Assert.Equal(3, exit);
        Assert.Contains($"✗ {_dir}/scripts/ci/integration.sh:2: postgres URL with the literal host localhost (postgres-url)", stdout, StringComparison.Ordinal);
        Assert.Contains($"✗ {_dir}/scripts/ci/integration.sh:3: literal database port 5432 (port-setting)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("integration.sh:4", stdout, StringComparison.Ordinal);
        Assert.Contains("scripts check: 2 hard-coded database host(s)/port(s) in 1 file(s)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, stdout + stderr, StringComparison.Ordinal);

        var json = await cli.RunAsync("env", "check", "--scripts", Path.Combine(_dir, "scripts"), "--json");
        Assert.Equal(3, json.Exit);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var first = doc.RootElement.GetProperty("scripts").GetProperty("findings")[0];
        Assert.Equal((2, "postgres-url", "localhost"), (first.GetProperty("line").GetInt32(), first.GetProperty("rule").GetString(), first.GetProperty("literal").GetString()));
        Assert.DoesNotContain(Canary, json.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clean_scripts_exit_0_and_a_missing_folder_exits_2()
    {
        Write("scripts/migrate.sh", "#!/bin/sh\npsql \"$DATABASE_URL\" -f schema.sql\n");
        var cli = new CliRun { Dir = _dir };
        var (exit, stdout, _) = await cli.RunAsync("env", "check", "--scripts", Path.Combine(_dir, "scripts"));
        Assert.Equal(0, exit);
        Assert.Contains("scripts check: ok, 1 file(s)", stdout, StringComparison.Ordinal);

        var missing = await cli.RunAsync("env", "check", "--scripts", Path.Combine(_dir, "nope"));
        Assert.Equal(2, missing.Exit);
        Assert.Contains("no such directory", missing.Err, StringComparison.Ordinal);
    }
}
