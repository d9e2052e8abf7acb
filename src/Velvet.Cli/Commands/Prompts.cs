using Spectre.Console;
using Velvet.Core.Secrets;

namespace Velvet.Cli.Commands;

/// <summary>Type-to-confirm gates. Non-interactive callers must pass the answers as options.</summary>
internal static class Prompts
{
    public static bool ConfirmName(CliIO io, IAnsiConsole console, string expected, string? given, string warning)
    {
        if (given is null)
        {
            if (!io.InputIsTerminal)
            {
                io.Error(SecretMasker.Shared, $"confirmation required: pass --confirm {expected} (no terminal to ask on)");
                return false;
            }
            console.MarkupLine($"[red]{Markup.Escape(warning)}[/]");
            console.Markup($"Type the credential name ([bold]{Markup.Escape(expected)}[/]) to confirm: ");
            given = io.In.ReadLine()?.Trim();
        }
        if (string.Equals(given, expected, StringComparison.Ordinal)) return true;
        io.Error(SecretMasker.Shared, $"confirmation does not match: expected '{expected}'; nothing was changed");
        return false;
    }

    public static string? Ask(CliIO io, IAnsiConsole console, string question)
    {
        if (!io.InputIsTerminal) return null;
        console.Markup(Markup.Escape(question) + ": ");
        return io.In.ReadLine()?.Trim();
    }

    /// <summary>Reads a secret from standard input (never argv); no echo on a terminal.</summary>
    public static SecretValue? ReadSecret(CliIO io, IAnsiConsole console, SecretMasker masker)
    {
        string? text;
        if (io.InputIsTerminal && ReferenceEquals(io.In, Console.In))
        {
            console.Markup("New value (input hidden): ");
            text = ReadHidden();
        }
        else
        {
            text = io.In.ReadLine();
        }
        text = text?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        var value = new SecretValue(text);
        masker.Register(value);
        return value;
    }

    private static string ReadHidden()
    {
        var chars = new System.Text.StringBuilder();
        while (true)
        {
            var k = Console.ReadKey(intercept: true);
            if (k.Key == ConsoleKey.Enter) { Console.WriteLine(); return chars.ToString(); }
            if (k.Key == ConsoleKey.Backspace) { if (chars.Length > 0) chars.Length--; continue; }
            chars.Append(k.KeyChar);
        }
    }
}
