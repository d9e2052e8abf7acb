using Velvet.Cli;

namespace Velvet.Database.Tests;

/// <summary>Runs `velvet` in-process with captured stdout/stderr and a private environment (no process env is read).</summary>
public sealed class VelvetCliRun
{
    public Dictionary<string, string> Env { get; } = new(StringComparer.Ordinal);

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
        return (exit, @out.ToString(), err.ToString());
    }
}
