using System.CommandLine;
using Velvet.Cli.Output;
using Velvet.Core.Secrets;
using Velvet.Database.EnvContract;
using Velvet.Database.ScriptLint;

namespace Velvet.Cli.Commands;

/// <summary>`velvet env check --scripts DIR`: the hard-coded host lint, alone or after the contract check.</summary>
internal static class ScriptsCommand
{
    public static int Run(CliIO io, ParseResult parse, string dir, EnvCheckReport? contract)
    {
        HostLintReport lint;
        try
        {
            lint = HostLint.Scan(dir);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            io.Error(SecretMasker.Shared, ex.Message);
            return ExitCodes.Usage;
        }

        if (parse.GetValue(GlobalOptions.JsonOutput))
        {
            io.Out.WriteLine(Json.Serialize(new
            {
                ok = lint.Passed && (contract?.Passed ?? true),
                contract_ok = contract?.Passed,
                contract_violations = contract?.Findings.Count(),
                scripts = new
                {
                    dir,
                    files_scanned = lint.FilesScanned,
                    exempt = lint.Exempt,
                    findings = lint.Findings.Select(f => new { file = f.File, line = f.Line, rule = f.Rule, literal = f.Literal, message = f.Describe() }),
                },
            }));
        }
        else
        {
            foreach (var line in contract?.Render() ?? []) io.Out.WriteLine(line);
            foreach (var line in lint.Render()) io.Out.WriteLine(line);
        }

        return lint.Passed && (contract?.Passed ?? true) ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}
