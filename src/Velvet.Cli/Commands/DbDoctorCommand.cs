using System.CommandLine;
using Velvet.Cli.Output;
using Velvet.Core.Secrets;
using Velvet.Database.Doctor;
using Velvet.Dsn;

namespace Velvet.Cli.Commands;

/// <summary>`velvet db doctor`: the two-URL runbook's incident scenarios, diagnosed from the environment and the database.</summary>
internal static class DbDoctorCommand
{
    public static Command Build(CliIO io)
    {
        var defaults = new DoctorOptions();
        var names = defaults.Runtime;
        var ownerVar = new Option<string?>("--owner-var") { Description = $"Variable holding the owner URL (default {names.OwnerVariable})" };
        var appVar = new Option<string?>("--app-var") { Description = $"Variable holding the app role's URL (default {names.AppRoleVariable})" };
        var flagVar = new Option<string?>("--flag-var") { Description = $"Variable of the role-separation flag, 1/true = app role (default {names.FlagVariable})" };
        var appRole = new Option<string?>("--app-role") { Description = "The role the app URL must log in as (also checked when the URL is missing)" };
        var appendOnly = new Option<string?>("--append-only")
        { Description = $"Comma-separated append-only tables or globs, schema.name allowed (default {string.Join(",", defaults.AppendOnly)})" };
        var migrations = new Option<string?>("--migration-tables")
        { Description = $"Comma-separated migration journals the app must not touch (default {string.Join(",", defaults.MigrationTables)})" };
        var command = new Command("doctor", "Diagnose the two-URL setup (owner URL, app URL, flag) and the app role in the live database; exit 3 on any error")
        {
            ownerVar, appVar, flagVar, appRole, appendOnly, migrations,
        };
        command.SetAction(async (parse, ct) =>
        {
            var masker = SecretMasker.Shared;
            var options = new DoctorOptions
            {
                Runtime = new RuntimeUrlOptions
                {
                    OwnerVariable = parse.GetValue(ownerVar) ?? names.OwnerVariable,
                    AppRoleVariable = parse.GetValue(appVar) ?? names.AppRoleVariable,
                    FlagVariable = parse.GetValue(flagVar) ?? names.FlagVariable,
                },
                ExpectedAppRole = parse.GetValue(appRole),
                AppendOnly = List(parse.GetValue(appendOnly)) ?? defaults.AppendOnly,
                MigrationTables = List(parse.GetValue(migrations)) ?? defaults.MigrationTables,
            };
            // The URLs are secrets: registered before anything could print them.
            foreach (var name in new[] { options.Runtime.OwnerVariable, options.Runtime.AppRoleVariable })
            {
                if (io.Environment(name) is { Length: > 0 } url) RegisterUrl(masker, url);
            }
            var report = await new DbDoctor(options, io.Environment).RunAsync(ct).ConfigureAwait(false);
            var output = new MaskingTextWriter(io.Out, masker);
            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                output.WriteLine(Json.Serialize(new
                {
                    healthy = report.Healthy,
                    owner = new { variable = report.OwnerVariable, url = report.OwnerUrl },
                    app = new { variable = report.AppVariable, url = report.AppUrl, role = report.AppRole },
                    flag = new { variable = report.FlagVariable, value = report.Flag, on = report.FlagOn },
                    runtime = new { log_line = report.RuntimeLogLine, failure = report.RuntimeFailure },
                    findings = report.Findings.Select(f => new { id = f.Id, severity = f.Severity, what = f.What, fix = f.Fix }),
                }));
            }
            else
            {
                Print(output, report);
            }
            return report.Healthy ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static void Print(TextWriter output, DoctorReport report)
    {
        output.WriteLine($"owner  {report.OwnerVariable} = {report.OwnerUrl ?? "(unset)"}");
        output.WriteLine($"app    {report.AppVariable} = {report.AppUrl ?? "(unset or unusable)"}");
        output.WriteLine($"flag   {report.FlagVariable} = {report.Flag ?? "(unset)"} -> runtime connects as {(report.FlagOn ? "the app role" : "the owner")}");
        output.WriteLine(report.RuntimeFailure is null ? report.RuntimeLogLine : "runtime refuses to start (see the findings)");
        output.WriteLine();
        foreach (var f in report.Findings)
        {
            output.WriteLine($"{Label(f.Severity)} {f.Id}: {f.What}");
            output.WriteLine($"       fix: {f.Fix}");
        }
        var errors = report.Findings.Count(f => f.Severity == DoctorSeverity.Error);
        var warnings = report.Findings.Count(f => f.Severity == DoctorSeverity.Warning);
        output.WriteLine(errors == 0
            ? $"healthy{(warnings > 0 ? $" ({warnings} warning(s))" : "")}: no error findings"
            : $"{errors} error(s), {warnings} warning(s)");
    }

    private static string Label(DoctorSeverity s) => s switch
    {
        DoctorSeverity.Error => "ERROR",
        DoctorSeverity.Warning => "WARN ",
        _ => "INFO ",
    };

    private static string[]? List(string? text) =>
        text?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } items ? items : null;

    private static void RegisterUrl(SecretMasker masker, string url)
    {
        masker.Register(url);
        if (Dsn.Dsn.TryParse(url, out var dsn, out _) && dsn!.Password is { Length: > 0 } password) masker.Register(password);
    }
}
