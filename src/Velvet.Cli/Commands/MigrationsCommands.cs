using System.CommandLine;
using Velvet.Cli.Output;
using Velvet.Core.Secrets;
using Velvet.Database.Grants;
using Velvet.Database.Migrations;

namespace Velvet.Cli.Commands;

/// <summary>`velvet migrations lint DIR --policy FILE`: SQL migrations that create a table the app role cannot use.</summary>
internal static class MigrationsCommands
{
    public static Command Build(CliIO io)
    {
        var dir = new Argument<string>("dir") { Description = "Folder of SQL migrations (*.sql, run in name order)" };
        var policy = new Option<string>("--policy") { Description = "The grants policy (app role, schemas, append-only tables, default privileges)", Required = true };
        var lint = new Command("lint", "Flag each CREATE TABLE that leaves the app role without a grant (file:line); exit 3 with findings") { dir, policy };
        lint.SetAction((parse, _) =>
        {
            var path = parse.GetValue(dir)!;
            var loaded = GrantsPolicyLoader.Load(parse.GetValue(policy)!);
            if (!loaded.IsValid)
            {
                foreach (var error in loaded.Errors) io.Err.WriteLine(error.ToString());
                io.Err.WriteLine($"{parse.GetValue(policy)}: {loaded.Errors.Count} error(s)");
                return Task.FromResult(ExitCodes.Config);
            }
            if (!Directory.Exists(path))
            {
                io.Error(SecretMasker.Shared, $"migrations folder '{path}' not found: give the folder that holds the *.sql migrations");
                return Task.FromResult(ExitCodes.Usage);
            }
            var result = MigrationLinter.LintDirectory(path, loaded.Policy!);
            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                io.Out.WriteLine(Json.Serialize(new { dir = path, files = result.Files, tables_created = result.TablesCreated, findings = result.Findings }));
            }
            else
            {
                foreach (var finding in result.Findings) io.Out.WriteLine(finding.ToString());
                io.Out.WriteLine(result.Findings.Count == 0
                    ? $"migrations lint: {result.Files} file(s), {result.TablesCreated} CREATE TABLE(s), every table reachable by {loaded.Policy!.AppRole} as the policy says"
                    : $"migrations lint: {result.Findings.Count} finding(s) in {result.Files} file(s)");
            }
            return Task.FromResult(result.Findings.Count == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed);
        });
        return new Command("migrations", "SQL migration checks") { lint };
    }
}
