using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors;

namespace Velvet.Cli.Tests;

public class CliTests
{
    private const string Canary = "CLI-CANARY-5b2e8d-never-printed";

    private static async Task<CliRun> SetupAsync(string mode = "operator_manual")
    {
        var dir = Directory.CreateTempSubdirectory("velvet-cli-").FullName;
        var manifest = Path.Combine(dir, "velvet.yaml");
        await File.WriteAllTextAsync(manifest, $$"""
            version: 1
            credentials:
              - token_name: API_TOKEN
                vendor: { kind: generated }
                mode: {{mode}}
                env: test
                canonical_consumer: vault
            consumers:
              - consumer_id: vault
                token_name: API_TOKEN
                kind: dotenv-file
                settings: { path: {{dir}}/vault.env, key: API_TOKEN }
              - consumer_id: app
                token_name: API_TOKEN
                kind: dotenv-file
                settings: { path: {{dir}}/app.env, key: API_TOKEN }
            """);
        // The credential in use before the rotation.
        return await CliRun.LocalAsync(dir, manifest);
    }

    [Fact]
    public async Task Operator_manual_rotation_from_stdin_to_done_never_prints_the_value()
    {
        var cli = await SetupAsync();
        var (exit, output, _) = await cli.RunAsync("rotate", "API_TOKEN", "--json");
        Assert.Equal(0, exit);
        var id = CliRun.JobId().Match(output).Value;
        Assert.Contains("\"status\": \"init\"", output, StringComparison.Ordinal);

        Assert.Equal(0, (await cli.RunAsync("stage", id, "verify")).Exit);
        var mint = await cli.RunWithInputAsync(Canary + "\n", "stage", id, "proceed_mint", "--value-stdin");
        Assert.Equal(0, mint.Exit);
        Assert.Contains("validating → validated", mint.Out, StringComparison.Ordinal);
        var revoke = await cli.RunAsync("stage", id, "proceed_revoke", "--confirm", "API_TOKEN", "--ticket", "ROT-2026-11-API_TOKEN");
        Assert.Equal(0, revoke.Exit);
        Assert.Contains("revoking → done", revoke.Out, StringComparison.Ordinal);
        var show = await cli.RunAsync("jobs", "show", id, "--events", "--json");
        Assert.Contains("\"status\": \"done\"", show.Out, StringComparison.Ordinal);
        Assert.Contains("\"ticket_id\": \"ROT-2026-11-API_TOKEN\"", show.Out, StringComparison.Ordinal);
        Assert.Matches("\"written_fingerprint\": \"hmac:[0-9a-f]{16}\"", show.Out);
        await cli.RunAsync("jobs", "show", id, "--events");
        await cli.RunAsync("jobs", "list");

        Assert.Contains(Canary, await File.ReadAllTextAsync(Path.Combine(cli.Dir, "app.env"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.All(cli.Transcript, t => Assert.DoesNotContain(Canary, t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Testing_flow_probes_and_ends_done_and_revocation_needs_the_name_typed_back()
    {
        var cli = await SetupAsync(mode: "automatic");
        var probe = await cli.RunAsync("rotate", "API_TOKEN", "--flow", "testing");
        Assert.Equal(0, probe.Exit);
        Assert.Contains("verified → done", probe.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cli.Dir, "app.env")));

        var unconfirmed = await cli.RunAsync("rotate", "API_TOKEN", "--flow", "revocation");
        Assert.Equal(ExitCodes.Refused, unconfirmed.Exit);
        Assert.Contains("confirmation required: pass --confirm API_TOKEN", unconfirmed.Err, StringComparison.Ordinal);
        var revoked = await cli.RunAsync("rotate", "API_TOKEN", "--flow", "revocation", "--confirm", "API_TOKEN");
        // dotenv files cannot refuse a credential: the rows wait for a person.
        Assert.Equal(ExitCodes.NeedsOperator, revoked.Exit);
        Assert.Contains("rev_revoking → rev_revoked", revoked.Out, StringComparison.Ordinal);
        var stuck = await cli.RunAsync("jobs", "list", "--stuck", "--json");
        Assert.Equal(0, stuck.Exit);
        Assert.Contains("\"status\": \"rev_validating\"", stuck.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_action_exits_4_and_names_status_and_allowed_actions()
    {
        var cli = await SetupAsync();
        var id = CliRun.JobId().Match((await cli.RunAsync("rotate", "API_TOKEN")).Out).Value;
        var (exit, _, err) = await cli.RunAsync("stage", id, "proceed_mint");
        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Equal("error: action proceed_mint is not allowed while the job is init; allowed now: verify, abort", err.Trim());
    }

    [Fact]
    public async Task Second_rotate_exits_4_with_the_existing_job_id_and_the_same_idempotency_key_replays()
    {
        var cli = await SetupAsync();
        var first = await cli.RunAsync("rotate", "API_TOKEN", "--idempotency-key", "k-1", "--json");
        var id = CliRun.JobId().Match(first.Out).Value;
        var replay = await cli.RunAsync("rotate", "API_TOKEN", "--idempotency-key", "k-1", "--json");
        Assert.Equal(0, replay.Exit);
        Assert.Contains(id, replay.Out, StringComparison.Ordinal);
        Assert.Contains("\"replayed\": true", replay.Out, StringComparison.Ordinal);
        var second = await cli.RunAsync("rotate", "API_TOKEN");
        Assert.Equal(ExitCodes.Refused, second.Exit);
        Assert.Contains($"active rotation already in progress: job {id} is init", second.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Abort_prints_the_residual_state_report()
    {
        var cli = await SetupAsync(mode: "automatic");
        var id = CliRun.JobId().Match((await cli.RunAsync("rotate", "API_TOKEN")).Out).Value;
        await cli.RunAsync("stage", id, "verify");
        await cli.RunAsync("stage", id, "proceed_mint");
        var (exit, output, _) = await cli.RunAsync("abort", id, "--reason", "changed my mind");
        Assert.Equal(0, exit);
        Assert.Contains("holding the NEW value: vault, app", output, StringComparison.Ordinal);
        Assert.Contains("old credential still valid: yes", output, StringComparison.Ordinal);
        var again = await cli.RunAsync("abort", id);
        Assert.Equal(ExitCodes.Refused, again.Exit);
    }

    [Fact]
    public async Task A_job_whose_credential_left_the_manifest_can_only_be_aborted()
    {
        var cli = await SetupAsync();
        var id = CliRun.JobId().Match((await cli.RunAsync("rotate", "API_TOKEN")).Out).Value;
        var other = Path.Combine(cli.Dir, "other.yaml");
        await File.WriteAllTextAsync(other, """
            version: 1
            credentials:
              - token_name: OTHER
                vendor: { kind: generated }
                env: test
            consumers: []
            """, TestContext.Current.CancellationToken);
        cli.Env["VELVET_MANIFEST"] = other;
        var verify = await cli.RunAsync("stage", id, "verify");
        Assert.Equal(ExitCodes.Refused, verify.Exit);
        Assert.Contains("API_TOKEN is no longer in the manifest; restore it to act on job", verify.Err, StringComparison.Ordinal);
        Assert.Equal(0, (await cli.RunAsync("abort", id, "--reason", "credential retired")).Exit);
    }

    [Fact]
    public async Task After_the_first_boot_the_table_rules_and_drift_reports_manifest_changes()
    {
        var cli = await SetupAsync(mode: "automatic");
        Assert.Equal(0, (await cli.RunAsync("subscribers", "drift", "--fail-on-drift")).Exit); // seeded from the manifest: no drift
        var manifest = cli.Env["VELVET_MANIFEST"];
        await File.AppendAllTextAsync(manifest, "\n  - consumer_id: late\n    token_name: API_TOKEN\n    kind: dotenv-file\n" +
            $"    settings: {{ path: {cli.Dir}/late.env, key: API_TOKEN }}\n", TestContext.Current.CancellationToken);
        var drift = await cli.RunAsync("subscribers", "drift", "--fail-on-drift", "--json");
        Assert.Equal(ExitCodes.CheckFailed, drift.Exit);
        Assert.Contains("\"manifest_only\": [\n    \"API_TOKEN/test/late\"", drift.Out, StringComparison.Ordinal);
        // The table is the source of truth: a rotation does not reach the consumer only the manifest knows.
        var id = CliRun.JobId().Match((await cli.RunAsync("rotate", "API_TOKEN")).Out).Value;
        await cli.RunAsync("stage", id, "verify");
        await cli.RunAsync("stage", id, "proceed_mint");
        Assert.False(File.Exists(Path.Combine(cli.Dir, "late.env")));
        Assert.True(File.Exists(Path.Combine(cli.Dir, "app.env")));
    }

    [Fact]
    public async Task Missing_master_key_is_a_configuration_error_that_says_what_to_set()
    {
        var cli = await SetupAsync();
        cli.Env.Remove("VELVET_MASTER_KEY");
        var (exit, _, err) = await cli.RunAsync("jobs", "list");
        Assert.Equal(ExitCodes.Config, exit);
        Assert.StartsWith("error: no master key: set VELVET_MASTER_KEY", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stage", "not-a-job", "verify")]
    [InlineData("stage", "0193a0c4-0000-7000-8000-000000000000", "fly")]
    [InlineData("frobnicate")]
    [InlineData("rotate", "API_TOKEN", "--flow", "sideways")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var cli = await SetupAsync();
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync(args)).Exit);
    }

    [Fact]
    public async Task Unknown_job_exits_5()
    {
        var cli = await SetupAsync();
        Assert.Equal(ExitCodes.NotFound, (await cli.RunAsync("jobs", "show", Guid.NewGuid().ToString())).Exit);
    }

    [Fact]
    public async Task Manifest_check_passes_the_shipped_example_and_reports_every_error_with_position()
    {
        var cli = await SetupAsync();
        var ok = await cli.RunAsync("manifest", "check", Path.Combine(CliRun.RepoRoot(), "examples", "velvet.example.yaml"));
        Assert.Equal(0, ok.Exit);
        var bad = Path.Combine(cli.Dir, "bad.yaml");
        await File.WriteAllTextAsync(bad, """
            version: 1
            credentials:
              - token_name: A
                vendor: { kind: generated }
                env: test
                colour: red
            consumers:
              - consumer_id: x
                token_name: B
                kind: dotenv-file
                settings: { path: /tmp/x.env, key: K }
            """, TestContext.Current.CancellationToken);
        var (exit, _, err) = await cli.RunAsync("manifest", "check", bad);
        Assert.Equal(ExitCodes.CheckFailed, exit);
        Assert.Contains($"{bad}:6:5:", err, StringComparison.Ordinal);
        Assert.Contains($"{bad}:9:17:", err, StringComparison.Ordinal);
        Assert.Contains("2 error(s)", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_check_passes_the_seeds_example_with_the_built_in_vendor_kinds()
    {
        var cli = await SetupAsync();
        var (exit, output, err) = await cli.RunAsync("manifest", "check", Path.Combine(CliRun.RepoRoot(), "examples", "seeds.velvet.yaml"));
        Assert.True(exit == 0, err);
        Assert.Contains("5 credential(s), 10 consumer(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adapter_settings_a_kind_can_only_judge_when_building_are_reported_by_check_and_stop_every_command()
    {
        var cli = await SetupAsync();
        var bad = Path.Combine(cli.Dir, "adapter.yaml");
        await File.WriteAllTextAsync(bad, """
            version: 1
            credentials:
              - token_name: API_TOKEN
                vendor: { kind: generated }
                env: test
            consumers:
              - consumer_id: x
                token_name: API_TOKEN
                kind: http
            """, TestContext.Current.CancellationToken);
        var check = await cli.RunAsync("manifest", "check", bad);
        Assert.Equal(ExitCodes.CheckFailed, check.Exit);
        Assert.StartsWith($"{bad}:7:1: consumer x (line 7, kind http): update_endpoint is required", check.Err, StringComparison.Ordinal);
        cli.Env["VELVET_MANIFEST"] = bad;
        Assert.Equal(ExitCodes.CheckFailed, (await cli.RunAsync("rotate", "API_TOKEN")).Exit);
    }

    [Fact]
    public async Task Demo_runs_a_full_rotation_to_done_and_prints_where_the_value_went_but_never_the_value()
    {
        var cli = new CliRun { Dir = Directory.CreateTempSubdirectory("velvet-demo-").FullName };
        var dir = Path.Combine(cli.Dir, "demo");
        var (exit, output, err) = await cli.RunAsync("demo", "--dir", dir);
        Assert.True(exit == 0, err + output);
        Assert.Contains("revoking → done", output, StringComparison.Ordinal);
        Assert.Contains("value in Velvet's store after done: erased", output, StringComparison.Ordinal);
        Assert.Contains("still accepted by the vendor: no", output, StringComparison.Ordinal);
        var line = (await File.ReadAllLinesAsync(Path.Combine(dir, "apps", "web", ".env"), TestContext.Current.CancellationToken)).Single(l => l.StartsWith("API_TOKEN=", StringComparison.Ordinal));
        var value = line["API_TOKEN=".Length..];
        Assert.Equal(40, value.Length);
        Assert.DoesNotContain(value, output, StringComparison.Ordinal);
        Assert.DoesNotContain(value, err, StringComparison.Ordinal);
        _ = new SecretValue(value);
    }
}
