using System.Text.Json;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Vendors;

namespace Velvet.Cli.Tests;

/// <summary>velvet schedule list, inventory, health and report (SPEC §8) on a real rotation; no value in any output.</summary>
public class OpsCliTests
{
    private const string Canary = "OPS-CANARY-77f1c3-never-printed";
    private const string Canary2 = "OPS-CANARY-2-0a9e44-never-printed";

    internal static async Task<CliRun> SetupAsync()
    {
        var dir = Directory.CreateTempSubdirectory("velvet-ops-").FullName;
        var manifest = Path.Combine(dir, "velvet.yaml");
        await File.WriteAllTextAsync(manifest, $$"""
            version: 1
            credentials:
              - token_name: API_TOKEN
                vendor: { kind: generated }
                mode: operator_manual
                env: test
                canonical_consumer: vault
                schedule: { every: 30d }
                auto_advance: [verify, mint]
              - token_name: OLD_KEY
                vendor: { kind: generated }
                env: test
              - token_name: PAGER_KEY
                vendor: { kind: generated }
                mode: manual_only
                runbook_url: https://runbooks.example/pager
                env: test
                schedule: { cron: "0 9 * * 1" }
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
        return await CliRun.LocalAsync(dir, manifest);
    }

    /// <summary>A full rotation of API_TOKEN to <see cref="Canary"/>, then a second one left waiting at the revoke gate.</summary>
    internal static async Task<(string Done, string Pending)> RotateAsync(CliRun cli)
    {
        var done = CliRun.JobId().Match((await cli.RunAsync("rotate", "API_TOKEN", "--json")).Out).Value;
        Assert.Equal(0, (await cli.RunAsync("stage", done, "verify")).Exit);
        Assert.Equal(0, (await cli.RunWithInputAsync(Canary + "\n", "stage", done, "proceed_mint", "--value-stdin")).Exit);
        Assert.Equal(0, (await cli.RunAsync("stage", done, "proceed_revoke", "--confirm", "API_TOKEN", "--ticket", "ROT-2026-11-API_TOKEN")).Exit);
        var pending = CliRun.JobId().Match((await cli.RunAsync("rotate", "API_TOKEN", "--json")).Out).Value;
        Assert.Equal(0, (await cli.RunAsync("stage", pending, "verify")).Exit);
        Assert.Equal(0, (await cli.RunWithInputAsync(Canary2 + "\n", "stage", pending, "proceed_mint", "--value-stdin")).Exit);
        return (done, pending);
    }

    internal static void AssertNoValue(CliRun cli) =>
        Assert.All(cli.Transcript, t =>
        {
            Assert.DoesNotContain(Canary, t, StringComparison.Ordinal);
            Assert.DoesNotContain(Canary2, t, StringComparison.Ordinal);
        });

    [Fact]
    public async Task Inventory_lists_every_copy_with_its_target_and_written_fingerprint_in_three_formats_and_never_a_value()
    {
        var cli = await SetupAsync();
        await RotateAsync(cli);

        var json = await cli.RunAsync("inventory", "--format", "json");
        Assert.Equal(0, json.Exit);
        using var doc = JsonDocument.Parse(json.Out);
        var api = doc.RootElement.GetProperty("credentials").EnumerateArray().Single(c => c.GetProperty("token_name").GetString() == "API_TOKEN");
        Assert.Equal("every 30d", api.GetProperty("cadence").GetString());
        Assert.False(api.GetProperty("overdue").GetBoolean());
        Assert.Equal(30, api.GetProperty("cadence_days").GetDouble());
        var copies = api.GetProperty("copies").EnumerateArray().ToList();
        Assert.Equal(["vault", "app"], copies.Select(c => c.GetProperty("consumer_id").GetString()));
        Assert.Equal($"{cli.Dir}/vault.env:API_TOKEN", copies[0].GetProperty("target").GetString());
        Assert.Equal("dotenv file", copies[0].GetProperty("location").GetString());
        Assert.True(copies[0].GetProperty("canonical").GetBoolean());
        Assert.Matches("^hmac:[0-9a-f]{16}$", copies[1].GetProperty("written_fingerprint").GetString());
        var old = doc.RootElement.GetProperty("credentials").EnumerateArray().Single(c => c.GetProperty("token_name").GetString() == "OLD_KEY");
        Assert.False(old.TryGetProperty("last_rotated_at", out _)); // the CLI omits nulls
        Assert.False(old.GetProperty("overdue").GetBoolean()); // no schedule, so never overdue
        var pager = doc.RootElement.GetProperty("credentials").EnumerateArray().Single(c => c.GetProperty("token_name").GetString() == "PAGER_KEY");
        Assert.True(pager.GetProperty("overdue").GetBoolean()); // scheduled, never rotated
        Assert.Equal(7, pager.GetProperty("cadence_days").GetDouble());

        var md = await cli.RunAsync("inventory", "--format", "markdown");
        Assert.Equal(0, md.Exit);
        var lines = md.Out.Split('\n');
        Assert.StartsWith("## Secret inventory (test, ", lines[0], StringComparison.Ordinal);
        Assert.Contains("No secret values are recorded here.", md.Out, StringComparison.Ordinal);
        Assert.Contains("| Secret | Location | Last rotated | Age / cadence | Overdue |", lines);
        var row = Assert.Single(lines, l => l.StartsWith("| API_TOKEN (generated) | dotenv file (2): ", StringComparison.Ordinal));
        Assert.Contains("vault.env:API_TOKEN (canonical) (written ", row, StringComparison.Ordinal);
        Assert.EndsWith("| 0h / 30d | no |", row, StringComparison.Ordinal);
        Assert.Contains("| OLD_KEY (generated) | no consumers | never (by Velvet) | — / no schedule | no |", lines);

        var table = await cli.RunAsync("inventory");
        Assert.Equal(0, table.Exit);
        Assert.Contains("Inventory (test)", table.Out, StringComparison.Ordinal);
        Assert.Contains("vault (canonical)", table.Out, StringComparison.Ordinal);
        Assert.Equal(2, (await cli.RunAsync("inventory", "--format", "yaml")).Exit);
        AssertNoValue(cli);
    }

    [Fact]
    public async Task Health_reports_valid_and_stale_with_reasons_exits_3_and_records_the_stale_event()
    {
        var cli = await SetupAsync();
        await RotateAsync(cli);
        cli.Env["VELVET_SECRET_API_TOKEN"] = Canary; // the current value: consumers are read back against it

        var json = await cli.RunAsync("health", "--json", "--min-interval-ms", "0");
        Assert.Equal(3, json.Exit);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.True(doc.RootElement.GetProperty("any_stale").GetBoolean());
        var creds = doc.RootElement.GetProperty("credentials").EnumerateArray().ToDictionary(c => c.GetProperty("token_name").GetString()!);
        Assert.Equal("PARTIAL", creds["API_TOKEN"].GetProperty("status").GetString()); // app holds the first value; vault the second
        Assert.Equal("STALE", creds["OLD_KEY"].GetProperty("status").GetString());
        Assert.Contains("no current credential recorded for OLD_KEY", creds["OLD_KEY"].GetProperty("notes").GetString(), StringComparison.Ordinal);
        var probes = creds["API_TOKEN"].GetProperty("probes").EnumerateArray().ToList();
        Assert.Equal(["vendor verify", "read-back", "read-back"], probes.Select(p => p.GetProperty("check").GetString()));
        Assert.Equal("VALID", probes[0].GetProperty("status").GetString());

        var table = await cli.RunAsync("health", "--min-interval-ms", "0");
        Assert.Equal(3, table.Exit);
        Assert.Contains("Credential", table.Out, StringComparison.Ordinal);
        Assert.Contains("STALE", table.Out, StringComparison.Ordinal);
        Assert.Contains("└ app (dotenv-file", table.Out, StringComparison.Ordinal);
        AssertNoValue(cli);
    }

    [Fact]
    public async Task Report_lists_jobs_with_outcome_and_the_pending_revoke_and_schedule_list_shows_next_due_times()
    {
        var cli = await SetupAsync();
        var (done, pending) = await RotateAsync(cli);

        var report = await cli.RunAsync("report", "--since", "24h");
        Assert.Equal(0, report.Exit);
        Assert.StartsWith("# Velvet session report — test", report.Out, StringComparison.Ordinal);
        Assert.Contains("## Summary", report.Out, StringComparison.Ordinal);
        Assert.Contains($"| 1 | API_TOKEN | operational | DONE (2/2 written) | {done} | alice |", report.Out, StringComparison.Ordinal);
        Assert.Contains($"- **API_TOKEN** (job {pending}): revoke pending: old credential", report.Out, StringComparison.Ordinal);
        Assert.Contains("## Blocked\n\nNothing is blocked.", report.Out, StringComparison.Ordinal);
        Assert.Contains("| Secret | Location | Notes |", report.Out, StringComparison.Ordinal);
        Assert.Contains("live as of", report.Out, StringComparison.Ordinal);
        var bad = await cli.RunAsync("report", "--since", "yesterday");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--since \"yesterday\" is not a period", bad.Err, StringComparison.Ordinal);

        var list = await cli.RunAsync("schedule", "list", "--json");
        Assert.Equal(0, list.Exit);
        using var doc = JsonDocument.Parse(list.Out);
        var plans = doc.RootElement.GetProperty("schedules").EnumerateArray().ToDictionary(p => p.GetProperty("token_name").GetString()!);
        Assert.Equal("waiting", plans["API_TOKEN"].GetProperty("state").GetString());
        var last = plans["API_TOKEN"].GetProperty("last_rotated_at").GetDateTimeOffset();
        Assert.Equal(last.AddDays(30), plans["API_TOKEN"].GetProperty("next_due_at").GetDateTimeOffset());
        Assert.Equal(["verify", "mint"], plans["API_TOKEN"].GetProperty("auto_advance").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("reminder", plans["PAGER_KEY"].GetProperty("state").GetString());
        Assert.Equal("unscheduled", plans["OLD_KEY"].GetProperty("state").GetString());
        var table = await cli.RunAsync("schedule", "list");
        Assert.Contains("every 30d", table.Out, StringComparison.Ordinal);
        Assert.Contains("cron 0 9 * * 1", table.Out, StringComparison.Ordinal);
        AssertNoValue(cli);
    }
}
