using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Secrets;

namespace Velvet.Cli;

/// <summary>Where the CLI reads and writes; tests swap these to capture every byte printed.</summary>
internal sealed class CliIO
{
    public TextWriter Out { get; init; } = Console.Out;
    public TextWriter Err { get; init; } = Console.Error;
    public TextReader In { get; init; } = Console.In;
    public bool InputIsTerminal { get; init; } = !Console.IsInputRedirected;
    /// <summary>Interactive rendering only on a real terminal; tests and CI get plain text.</summary>
    public bool Interactive { get; init; } = !Console.IsOutputRedirected;

    public IAnsiConsole Console(SecretMasker masker) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(new MaskingTextWriter(Out, masker)),
        Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
        Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
    });

    public void Error(SecretMasker masker, string message) => Err.WriteLine("error: " + masker.Scrub(message));
}
