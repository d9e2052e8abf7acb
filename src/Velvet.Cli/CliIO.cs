using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Secrets;

namespace Velvet.Cli;

/// <summary>Where the CLI reads and writes; tests swap these to capture every byte printed.</summary>
internal sealed class CliIO
{
    public TextWriter Out { get; init; } = System.Console.Out;
    public TextWriter Err { get; init; } = System.Console.Error;
    public TextReader In { get; init; } = System.Console.In;
    public bool InputIsTerminal { get; init; } = !System.Console.IsInputRedirected;
    /// <summary>Interactive rendering only on a real terminal; tests and CI get plain text.</summary>
    public bool Interactive { get; init; } = !System.Console.IsOutputRedirected;
    /// <summary>Environment lookup (tests pass their own instead of mutating the process).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public IAnsiConsole Console(SecretMasker masker)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(new MaskingTextWriter(Out, masker)),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Logs and CI output are read in wide windows; 80 columns would wrap every event line.
        if (!Interactive) console.Profile.Width = 160;
        return console;
    }

    public void Error(SecretMasker masker, string message) => Err.WriteLine("error: " + masker.Scrub(message));
}
