using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Core.Checks;

/// <summary>Who a command check runs for; passed to the command as VELVET_* variables (names, never values).</summary>
public sealed record CommandCheckContext(Guid JobId, string CredentialName, string ConsumerId, string Env);

/// <summary>
/// Runs a manifest <c>check:</c> (docs/lifecycle.md): the program from argv with no shell, the new value only in the
/// named environment variable or on standard input, VELVET_* variables of this process removed from its environment.
/// Exit 0 is healthy; anything else, a start failure or the timeout (the whole process tree is killed) is a permanent
/// failure whose message carries the output, masked and cut to <see cref="MaxOutputChars"/>.
/// </summary>
public sealed class CommandCheckRunner(TimeProvider time, SecretMasker masker)
{
    /// <summary>How much output (stdout then stderr, the last part) is kept in the job record.</summary>
    public const int MaxOutputChars = 4096;
    private const int MaxBufferedChars = 64 * 1024;

    public async Task<Outcome> RunAsync(CommandCheckSpec check, CommandCheckContext who, SecretValue? value, CancellationToken ct)
    {
        var program = check.Argv.Count > 0 ? check.Argv[0] : "";
        if ((check.ValueEnv is not null || check.ValueStdin) && value is null)
            return Outcome.Permanent($"check {program}: the new value is not stored for this job, so it cannot be passed to the command; abort and start again");
        if (value is not null) masker.Register(value);
        var start = StartInfo(check, who, value);
        using var process = new Process { StartInfo = start };
        try
        {
            if (!process.Start()) return Outcome.Permanent($"check {program} did not start");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or FileNotFoundException)
        {
            return Outcome.Permanent($"check {program} could not start: {masker.Scrub(ex.Message)}. Fix: argv[0] must be an executable path or a program on PATH (no shell is used)");
        }

        var stdout = Capture(process.StandardOutput);
        var stderr = Capture(process.StandardError);
        await FeedAsync(process, check, value).ConfigureAwait(false);
        using var limit = new CancellationTokenSource(check.Timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, ct);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = limit.IsCancellationRequested;
            Kill(process);
            if (!timedOut) throw;
        }
        var output = Output(await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        if (timedOut)
            return Outcome.Permanent($"check {program} timed out after {Describe(check.Timeout)} and was killed (with its child processes){output}");
        return process.ExitCode == 0
            ? Outcome.Ok($"check {program} exited 0{output}")
            : Outcome.Permanent($"check {program} exited {process.ExitCode}{output}");
    }

    private static ProcessStartInfo StartInfo(CommandCheckSpec check, CommandCheckContext who, SecretValue? value)
    {
        var start = new ProcessStartInfo
        {
            FileName = check.Argv[0],
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var arg in check.Argv.Skip(1)) start.ArgumentList.Add(arg);
        // Velvet's own settings (master key, store URL) are not the check's business.
        foreach (var own in start.Environment.Keys.Where(k => k.StartsWith("VELVET_", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(own);
        start.Environment["VELVET_JOB_ID"] = who.JobId.ToString();
        start.Environment["VELVET_CREDENTIAL"] = who.CredentialName;
        start.Environment["VELVET_CONSUMER_ID"] = who.ConsumerId;
        start.Environment["VELVET_ENV"] = who.Env;
        if (check.ValueEnv is { } name && value is not null) start.Environment[name] = value.Reveal();
        return start;
    }

    private static async Task FeedAsync(Process process, CommandCheckSpec check, SecretValue? value)
    {
        try
        {
            if (check.ValueStdin && value is not null)
                await process.StandardInput.WriteAsync(value.Reveal()).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The command exited without reading its input: its exit code says the rest.
        }
    }

    /// <summary>Reads a stream to its end, keeping the last <see cref="MaxBufferedChars"/> characters.</summary>
    private static async Task<string> Capture(StreamReader reader)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            kept.Append(buffer, 0, read);
            if (kept.Length > MaxBufferedChars) kept.Remove(0, kept.Length - MaxBufferedChars);
        }
        return kept.ToString();
    }

    /// <summary>"; output: …" masked first, then cut to the last <see cref="MaxOutputChars"/> characters.</summary>
    private string Output(string stdout, string stderr)
    {
        var text = (stdout.TrimEnd() + (stderr.Trim().Length > 0 ? "\n[stderr] " + stderr.TrimEnd() : "")).Trim();
        if (text.Length == 0) return "";
        text = masker.Scrub(text);
        if (text.Length > MaxOutputChars) text = "[…truncated] " + text[^MaxOutputChars..];
        return "; output: " + text;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static string Describe(TimeSpan t) =>
        t.TotalMinutes >= 1 && t.Seconds == 0 ? $"{(int)t.TotalMinutes}m" : $"{(int)t.TotalSeconds}s";
}
