using System.CommandLine;
using Velvet.Cli.Output;
using Velvet.Core.Secrets;
using Velvet.Database.EnvContract;

namespace Velvet.Cli.Commands;

/// <summary>
/// `velvet env check [CONTRACT]`: the runtime/provisioning boundary for CI. Reads the compose files, dotenv files
/// and `heroku config --json` dumps a contract names and fails when a runtime container holds a provisioning
/// credential or a bad DSN. Values are never printed.
/// </summary>
internal static class EnvCommands
{
    public const string DefaultContract = "velvet-env.yaml";

    public static Command Build(CliIO io) => new("env", "Runtime environment checks for CI") { BuildCheck(io) };

    private static Command BuildCheck(CliIO io)
    {
        var contractArg = new Argument<string?>("contract")
        {
            Description = $"The env contract (YAML: runtime:, provisioning:, forbidden:, dsn:, sources:; default ./{DefaultContract}, not read with --scripts alone)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var scripts = new Option<string?>("--scripts")
        {
            Description = "Also scan the scripts under DIR for literal database hosts/ports (postgres:5432, localhost:5432, postgres:// URLs); " +
                $"example env files and docs are exempt, '{Velvet.Database.ScriptLint.HostLint.AllowComment}' keeps one line",
        };
        var check = new Command("check",
            "Fail when a runtime container's env (compose environment/env_file, dotenv, heroku config --json) holds a provisioning " +
            "credential (DATABASE_ROOT_URL, APP_DB_*, POSTGRES_ROOT_* by default) or a DSN that does not parse, names an admin user, " +
            "or shares the other DSN's user. Reports file:line, never values. Exit 0 ok, 3 violations, 2 bad contract or source file.")
        {
            contractArg, scripts,
        };
        check.SetAction((parse, _) =>
        {
            var dir = parse.GetValue(scripts);
            var path = parse.GetValue(contractArg) ?? (dir is null ? DefaultContract : null);
            if (path is null) return Task.FromResult(ScriptsCommand.Run(io, parse, dir!, null));
            EnvCheckReport report;
            try
            {
                report = EnvContractChecker.Check(EnvContractLoader.Load(path));
            }
            catch (Exception ex) when (ex is EnvFileException or IOException or UnauthorizedAccessException)
            {
                io.Error(SecretMasker.Shared, ex.Message);
                return Task.FromResult(ExitCodes.Usage);
            }
            if (dir is not null) return Task.FromResult(ScriptsCommand.Run(io, parse, dir, report));

            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                io.Out.WriteLine(Json.Serialize(new
                {
                    ok = report.Passed,
                    contract = path,
                    violations = report.Findings.Select(f => new
                    {
                        container = f.Container, file = f.Location.File, line = f.Location.Line,
                        variable = f.Violation.Variable, kind = f.Violation.Kind, message = f.Violation.Message,
                    }),
                    containers = report.Containers.Select(c => new { name = c.Name, role = c.Role, @checked = c.Checked, variables = c.VariableCount, notes = c.Notes }),
                    notes = report.Notes,
                }));
            }
            else
            {
                foreach (var line in report.Render()) io.Out.WriteLine(line);
            }

            return Task.FromResult(report.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed);
        });
        return check;
    }
}
