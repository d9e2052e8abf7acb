using System.CommandLine;
using Velvet.Cli.Output;
using Velvet.Core.Secrets;
using Velvet.Database.DsnCheck;
using Velvet.Dsn;

namespace Velvet.Cli.Commands;

/// <summary>
/// `velvet dsn check`: the CI gate for runtime DSNs (the seed's validate-dsns.sh). DSNs are read from environment
/// variables named by the options, never from argv (a DSN on the command line shows in `ps` and shell history).
/// </summary>
internal static class DsnCommands
{
    public static Command Build(CliIO io) => new("dsn", "Database URL checks for CI") { BuildCheck(io) };

    private static Command BuildCheck(CliIO io)
    {
        var appVar = new Option<string?>("--app-var") { Description = "Variable holding the app DSN", DefaultValueFactory = _ => "DATABASE_URL" };
        var serviceVar = new Option<string?>("--service-var") { Description = "Variable holding the service DSN", DefaultValueFactory = _ => "DATABASE_SERVICE_URL" };
        var noService = new Option<bool>("--no-service") { Description = "There is no service DSN: check the app DSN (and --owner-var) only" };
        var ownerVar = new Option<string?>("--owner-var")
        {
            Description = "Variable holding the owner/migration DSN (two-URL model: --app-var RAPTOR_APP_DATABASE_URL --owner-var DATABASE_URL " +
                "--no-service); it must parse and log in as another user than the runtime DSNs; its privileges are reported, not judged",
        };
        var connect = new Option<bool>("--connect")
        {
            Description = "Log in with each DSN and check the real role: a runtime DSN fails on SUPERUSER, BYPASSRLS, CREATEROLE, CREATEDB, " +
                "REPLICATION, membership in an admin role (recursively), or owning tables, schemas or the database",
        };
        var serviceBypassRls = new Option<string>("--service-bypassrls")
        {
            Description = "allow: the service user may have BYPASSRLS (it is the seed's design); deny: fail on it like the app DSN",
            DefaultValueFactory = _ => "allow",
        };
        serviceBypassRls.AcceptOnlyFromAmong("allow", "deny");
        var allowAppOwnership = new Option<bool>("--allow-app-ownership")
        {
            Description = "Accept an app role that owns tables (setups where it runs the migrations under FORCE ROW LEVEL SECURITY)",
        };
        var denyUser = new Option<string[]>("--deny-user") { Description = $"Another user name runtime DSNs must not use, repeatable (always: {string.Join(", ", DsnPolicy.DefaultDeniedUsers)})" };
        var adminRole = new Option<string[]>("--admin-role") { Description = $"Another role whose members count as admins, repeatable (always: {string.Join(", ", RoleInspectionOptions.DefaultAdminRoles)})" };
        var timeout = new Option<int>("--timeout") { Description = "Connect timeout in seconds", DefaultValueFactory = _ => 10 };
        var check = new Command("check",
            "Check the runtime DSNs: set, parseable, distinct users, no admin user name; with --connect, the real role attributes. " +
            "DSNs are read from the environment variables the options name, never from the command line (argv shows in `ps`). " +
            "Exit 0 ok, 3 a check failed, 2 usage.")
        {
            appVar, serviceVar, noService, ownerVar, connect, serviceBypassRls, allowAppOwnership, denyUser, adminRole, timeout,
        };
        check.SetAction(async (parse, ct) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds < 1)
            {
                io.Error(SecretMasker.Shared, "--timeout must be at least 1 second");
                return ExitCodes.Usage;
            }

            foreach (var option in new[] { appVar, serviceVar, ownerVar })
            {
                if (parse.GetResult(option) is { Implicit: false } && string.IsNullOrWhiteSpace(parse.GetValue(option)))
                {
                    io.Error(SecretMasker.Shared, $"{option.Name} is empty: name the environment variable that holds the DSN (the DSN itself never goes on the command line)");
                    return ExitCodes.Usage;
                }
            }

            var targets = new List<DsnTarget> { Target("app", parse.GetValue(appVar)!, DsnTargetKind.Runtime) with { AllowOwnership = parse.GetValue(allowAppOwnership) } };
            if (!parse.GetValue(noService))
                targets.Add(Target("service", parse.GetValue(serviceVar)!, DsnTargetKind.Runtime) with { AllowBypassRls = parse.GetValue(serviceBypassRls) == "allow" });
            if (parse.GetValue(ownerVar) is { } owner)
                targets.Add(Target("owner", owner, DsnTargetKind.Owner));

            var options = new DsnCheckOptions
            {
                Connect = parse.GetValue(connect),
                DeniedUsers = [.. DsnPolicy.DefaultDeniedUsers, .. parse.GetValue(denyUser) ?? []],
                Inspection = new RoleInspectionOptions
                {
                    Timeout = TimeSpan.FromSeconds(seconds),
                    AdminRoles = [.. RoleInspectionOptions.DefaultAdminRoles, .. parse.GetValue(adminRole) ?? []],
                    DeniedUsers = [.. DsnPolicy.DefaultDeniedUsers, .. parse.GetValue(denyUser) ?? []],
                },
            };
            var report = await DsnChecker.RunAsync(targets, options, ct).ConfigureAwait(false);
            var masker = MaskerFor(targets);
            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                io.Out.WriteLine(masker.Scrub(Json.Serialize(new
                {
                    ok = report.Passed,
                    failures = report.Failures,
                    checks = report.Lines.Select(l => new { outcome = l.Outcome, subject = l.Subject, text = l.Text }),
                })));
            }
            else
            {
                foreach (var line in report.Lines) io.Out.WriteLine(masker.Scrub(line.Render()));
                io.Out.WriteLine(report.Summary);
            }
            return report.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return check;

        DsnTarget Target(string label, string variable, DsnTargetKind kind) => new(label, variable, io.Environment(variable), kind);
    }

    /// <summary>Belt and braces: the report never holds a password, and this masker would catch one that slipped in.</summary>
    private static SecretMasker MaskerFor(IEnumerable<DsnTarget> targets)
    {
        var masker = new SecretMasker();
        foreach (var t in targets)
        {
            if (Velvet.Dsn.Dsn.TryParse(t.Value, out var dsn, out _) && !string.IsNullOrEmpty(dsn.Password))
            {
                masker.Register(dsn.Password);
                masker.Register(Uri.EscapeDataString(dsn.Password));
            }
        }
        return masker;
    }
}
