using System.Text.RegularExpressions;

namespace Velvet.Cli.Tests;

/// <summary>`velvet provision`: a credential that exists nowhere goes to done with no revoke; a second provision is refused (exit 4) unless --adopt.</summary>
public sealed partial class ProvisionCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("velvet-provcli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CliRun Setup()
    {
        var manifest = Path.Combine(_dir, "velvet.yaml");
        File.WriteAllText(manifest, $$"""
            version: 1
            credentials:
              - token_name: CONSOLE_AUDIT_INGEST_TOKEN
                vendor: { kind: generated, settings: { encoding: hex, bytes: "32", prefix: cait_ } }
                env: test
            consumers:
              - consumer_id: console-prod
                token_name: CONSOLE_AUDIT_INGEST_TOKEN
                kind: dotenv-file
                settings: { path: {{_dir}}/console-prod.env, key: CONSOLE_AUDIT_INGEST_TOKEN }
              - consumer_id: deploy-workflow
                token_name: CONSOLE_AUDIT_INGEST_TOKEN
                kind: dotenv-file
                settings: { path: {{_dir}}/deploy.env, key: CONSOLE_AUDIT_INGEST_TOKEN }
            """);
        return CliRun.ForManifest(_dir, manifest);
    }

    [Fact]
    public async Task Provision_runs_to_done_then_a_second_one_is_refused_unless_adopt()
    {
        var cli = Setup();

        var (exit, stdout, stderr) = await cli.RunAsync("provision", "CONSOLE_AUDIT_INGEST_TOKEN", "--auto", "verify", "mint", "--watch");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("to provision CONSOLE_AUDIT_INGEST_TOKEN", stdout, StringComparison.Ordinal);
        Assert.Contains("validated → done", stdout, StringComparison.Ordinal);
        var prod = File.ReadAllText(Path.Combine(_dir, "console-prod.env")).Trim().Split('=', 2)[1];
        Assert.Matches(Token(), prod);
        Assert.Equal(prod, File.ReadAllText(Path.Combine(_dir, "deploy.env")).Trim().Split('=', 2)[1]);
        Assert.DoesNotContain(prod, stdout + stderr, StringComparison.Ordinal);

        var again = await cli.RunAsync("provision", "CONSOLE_AUDIT_INGEST_TOKEN");
        Assert.Equal(4, again.Exit);
        Assert.Contains("CONSOLE_AUDIT_INGEST_TOKEN already has a value in 2 consumer(s)", again.Err, StringComparison.Ordinal);
        Assert.Contains("or provision with --adopt", again.Err, StringComparison.Ordinal);

        var adopted = await cli.RunAsync("provision", "CONSOLE_AUDIT_INGEST_TOKEN", "--adopt", "--json");
        Assert.Equal(0, adopted.Exit);
        Assert.Contains("\"flow\": \"provision\"", adopted.Out, StringComparison.Ordinal);
        Assert.Contains("\"console-prod\"", adopted.Out, StringComparison.Ordinal);
        Assert.All(cli.Transcript, t => Assert.DoesNotContain(prod, t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_lifecycle_example_passes_manifest_check_with_the_built_in_kinds()
    {
        var cli = Setup();
        var (exit, output, err) = await cli.RunAsync("manifest", "check", Path.Combine(CliRun.RepoRoot(), "examples", "lifecycle.velvet.yaml"));
        Assert.True(exit == 0, err);
        Assert.Contains("7 credential(s), 7 consumer(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plan_starts_its_first_env_and_the_next_waits_followups_and_plans_are_listed()
    {
        var cli = Setup();

        var created = await cli.RunAsync("rotate", "CONSOLE_AUDIT_INGEST_TOKEN", "--plan", "test,prod", "--soak", "30m", "--json");
        Assert.True(created.Exit == 0, created.Err);
        using var doc = System.Text.Json.JsonDocument.Parse(created.Out);
        var plan = doc.RootElement.GetProperty("plan_id").GetString()!;
        Assert.Equal("running", doc.RootElement.GetProperty("status").GetString());

        Assert.Contains(plan, (await cli.RunAsync("plans", "list", "--json")).Out, StringComparison.Ordinal);
        Assert.Contains("running", (await cli.RunAsync("plans", "show", plan)).Out, StringComparison.Ordinal);
        var early = await cli.RunAsync("plans", "start", plan);
        Assert.Equal(4, early.Exit);
        Assert.Contains("the test job", early.Err, StringComparison.Ordinal);
        Assert.Contains("has not reached done yet", early.Err, StringComparison.Ordinal);
        Assert.Equal(0, (await cli.RunAsync("plans", "tick")).Exit);

        var elsewhere = await cli.RunAsync("rotate", "CONSOLE_AUDIT_INGEST_TOKEN", "--plan", "prod,test");
        Assert.Equal(4, elsewhere.Exit);
        Assert.Contains("create it on the prod instance", elsewhere.Err, StringComparison.Ordinal);
        Assert.Equal(2, (await cli.RunAsync("rotate", "CONSOLE_AUDIT_INGEST_TOKEN", "--plan", "test,prod", "--soak", "2days")).Exit);

        Assert.Contains("no open follow-ups", (await cli.RunAsync("followups", "list")).Out, StringComparison.Ordinal);
        var missing = await cli.RunAsync("followups", "resolve", "99");
        Assert.Equal(5, missing.Exit);
        Assert.Contains("follow-up 99 does not exist", missing.Err, StringComparison.Ordinal);
    }

    [GeneratedRegex("^cait_[0-9a-f]{64}$")]
    private static partial Regex Token();
}
