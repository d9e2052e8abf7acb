using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Checks;
using Velvet.Core.Manifest;
using Velvet.Core.Secrets;

namespace Velvet.Core.Tests.Checks;

/// <summary>Command checks: no shell, the value only by env or stdin, exit 0 healthy, output masked and cut, timeout kills the tree.</summary>
public sealed class CommandCheckRunnerTests : IDisposable
{
    private const string Canary = "CanaryCheck-7f3a9d01";
    private readonly string _dir = Directory.CreateTempSubdirectory("velvet-check-").FullName;
    private readonly SecretMasker _masker = new();
    private static readonly CommandCheckContext Who = new(Guid.Empty, "T", "app", "prod");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Script(string body)
    {
        var path = Path.Combine(_dir, $"check-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body.ReplaceLineEndings("\n"));
        return path;
    }

    private Task<Velvet.Core.Ports.Outcome> Run(CommandCheckSpec spec, TimeProvider? time = null) =>
        new CommandCheckRunner(time ?? TimeProvider.System, _masker).RunAsync(spec, Who, new SecretValue(Canary), TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_value_arrives_in_the_named_variable_never_in_argv_and_exit_0_is_healthy()
    {
        var seen = Path.Combine(_dir, "seen");
        var script = Script($"""
            [ "$NEW_TOKEN" = "{Canary}" ] || exit 9
            echo "$@" > {seen}
            env | grep -c '^VELVET_MASTER_KEY=' >> {seen}
            echo "consumer=$VELVET_CONSUMER_ID ok"
            """);
        var outcome = await Run(new CommandCheckSpec { Argv = ["/bin/sh", script, "--env=prod", "two words"], ValueEnv = "NEW_TOKEN" });
        Assert.True(outcome.IsSuccess, outcome.Message);
        Assert.Contains("exited 0; output: consumer=app ok", outcome.Message, StringComparison.Ordinal);
        var lines = File.ReadAllLines(seen);
        Assert.Equal("--env=prod two words", lines[0]);
        Assert.DoesNotContain(Canary, File.ReadAllText(seen), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_value_can_come_on_stdin()
    {
        var script = Script($"read v; [ \"$v\" = \"{Canary}\" ] && echo matched");
        var outcome = await Run(new CommandCheckSpec { Argv = ["/bin/sh", script], ValueStdin = true });
        Assert.True(outcome.IsSuccess, outcome.Message);
        Assert.EndsWith("output: matched", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_check_reports_its_exit_code_and_masked_output_cut_to_4_KiB()
    {
        var script = Script($"""
            i=0; while [ $i -lt 400 ]; do echo "line $i padding padding padding"; i=$((i+1)); done
            echo "token was $NEW_TOKEN" >&2
            exit 3
            """);
        var outcome = await Run(new CommandCheckSpec { Argv = ["/bin/sh", script], ValueEnv = "NEW_TOKEN" });
        Assert.False(outcome.IsSuccess);
        Assert.StartsWith("check /bin/sh exited 3; output: […truncated] ", outcome.Message, StringComparison.Ordinal);
        Assert.EndsWith("[stderr] token was ***", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, outcome.Message, StringComparison.Ordinal);
        Assert.True(outcome.Message!.Length < CommandCheckRunner.MaxOutputChars + 300);
    }

    [Fact]
    public async Task A_check_that_outlives_its_timeout_is_killed_with_its_children()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var child = Path.Combine(_dir, "child.pid");
        var script = Script($"sleep 300 & echo $! > {child}\necho started\nwait");
        var running = Run(new CommandCheckSpec { Argv = ["/bin/sh", script], Timeout = TimeSpan.FromSeconds(30) }, time);
        while (!File.Exists(child) || new FileInfo(child).Length == 0) await Task.Delay(20, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(31));
        var outcome = await running;
        Assert.False(outcome.IsSuccess);
        Assert.Contains("timed out after 30s and was killed (with its child processes)", outcome.Message, StringComparison.Ordinal);
        var pid = int.Parse(File.ReadAllText(child).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(" Z ", StringComparison.Ordinal), $"child {pid} still runs");
    }

    [Fact]
    public async Task A_program_that_does_not_exist_is_a_clear_failure()
    {
        var outcome = await Run(new CommandCheckSpec { Argv = ["/nonexistent/velvet-smoke"] });
        Assert.False(outcome.IsSuccess);
        Assert.Contains("check /nonexistent/velvet-smoke could not start", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("no shell is used", outcome.Message, StringComparison.Ordinal);
    }
}
