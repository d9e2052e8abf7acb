using Velvet.Cli;

namespace Velvet.Database.Tests;

/// <summary>Runs `velvet` in-process with captured output and a private environment (DSNs live only here, never on argv).</summary>
public sealed class VelvetRun
{
    public Dictionary<string, string> Env { get; } = new(StringComparer.Ordinal);

    /// <summary>Everything printed so far, for canary checks.</summary>
    public List<string> Transcript { get; } = [];

    public async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var @out = new StringWriter();
        var err = new StringWriter();
        var io = new CliIO
        {
            Out = @out, Err = err, In = new StringReader(""), InputIsTerminal = false, Interactive = false,
            Environment = name => Env.TryGetValue(name, out var v) ? v : null,
        };
        var exit = await VelvetCli.RunAsync(args, io, TestContext.Current.CancellationToken);
        Transcript.Add(@out.ToString());
        Transcript.Add(err.ToString());
        return (exit, @out.ToString(), err.ToString());
    }

    /// <summary>Asserts no output of this run contained <paramref name="secret"/>.</summary>
    public void AssertNeverPrinted(string secret)
    {
        foreach (var text in Transcript)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
