using System.CommandLine;
using Spectre.Console;
using Velvet.Core.Ports;
using Velvet.Core.Results;
using Velvet.Core.Secrets;

namespace Velvet.Cli.Commands;

/// <summary>Opens the runtime, runs a command body, turns known failures into exit codes with actionable messages.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(CliIO io, ParseResult parse, CancellationToken ct, Func<VelvetRuntime, IAnsiConsole, Task<int>> body)
    {
        try
        {
            await using var rt = await VelvetRuntime.OpenAsync(parse, ct, environment: io.Environment).ConfigureAwait(false);
            return await body(rt, io.Console(rt.Masker)).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            io.Error(SecretMasker.Shared, ex.Message);
            return ex.ExitCode;
        }
    }

    /// <summary>
    /// Like <see cref="RunAsync"/> for commands that need only the store (tokens): no manifest, no master key,
    /// just --store / VELVET_STORE.
    /// </summary>
    public static async Task<int> RunStoreAsync(CliIO io, ParseResult parse, CancellationToken ct, Func<IJobStore, IAnsiConsole, Task<int>> body)
    {
        try
        {
            var store = await VelvetRuntime.OpenStoreAsync(parse, io.Environment, ct).ConfigureAwait(false);
            try
            {
                return await body(store, io.Console(SecretMasker.Shared)).ConfigureAwait(false);
            }
            finally
            {
                if (store is IAsyncDisposable d) await d.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (CliException ex)
        {
            io.Error(SecretMasker.Shared, ex.Message);
            return ex.ExitCode;
        }
    }

    public static int ExitFor(Error error) => error switch
    {
        NotFound => ExitCodes.NotFound,
        Invalid => ExitCodes.Usage,
        _ => ExitCodes.Refused,
    };

    /// <summary>Prints the error (and the existing job id for a conflict) and returns its exit code.</summary>
    public static int Fail(CliIO io, SecretMasker masker, Error error, bool json)
    {
        if (json)
        {
            io.Out.WriteLine(masker.Scrub(Output.Json.Serialize(new { error = error.Code, message = error.Message })));
        }
        io.Error(masker, error.Message);
        return ExitFor(error);
    }

    public static bool TryParseJobId(CliIO io, string text, out Guid id)
    {
        if (Guid.TryParse(text, out id)) return true;
        io.Error(SecretMasker.Shared, $"'{text}' is not a job id (a UUID such as 0193a0c4-…); list jobs with: velvet jobs list");
        return false;
    }
}
