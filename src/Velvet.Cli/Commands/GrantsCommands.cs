using System.CommandLine;
using Npgsql;
using Velvet.Cli.Output;
using Velvet.Core.Secrets;
using Velvet.Database.Grants;

namespace Velvet.Cli.Commands;

/// <summary>
/// `velvet grants plan|apply|verify|prove --policy FILE`: the app role's privileges as a YAML policy (docs/db/grants.md).
/// DSNs come from environment variables only (DATABASE_ROOT_URL for the owner/superuser, DATABASE_URL for the app).
/// </summary>
internal static class GrantsCommands
{
    public const string AdminVarDefault = "DATABASE_ROOT_URL";
    public const string AppVarDefault = "DATABASE_URL";

    public static Command Build(CliIO io) => new("grants", "The app role's privileges from a YAML policy: plan the drift, apply it in one transaction, verify in CI, prove as the app role")
    {
        BuildPlan(io, verify: false), BuildApply(io), BuildPlan(io, verify: true), BuildProve(io),
    };

    private static Option<string> PolicyOption() => new("--policy") { Description = "The grants policy (YAML, see docs/db/grants.md)", Required = true };

    private static Option<string> VarOption(string name, string fallback, string whose) =>
        new(name) { Description = $"Environment variable holding {whose} DSN (default: {fallback}); a DSN is never taken from the command line", DefaultValueFactory = _ => fallback };

    private static Command BuildPlan(CliIO io, bool verify)
    {
        var policy = PolicyOption();
        var adminVar = VarOption("--admin-var", AdminVarDefault, "the owner's (or a superuser's)");
        var command = verify
            ? new Command("verify", "Exit 3 when the database drifted from the policy (for CI); prints only the drift") { policy, adminVar }
            : new Command("plan", "Show the exact drift: object, privilege, now -> wanted (exit 3 when there is drift)") { policy, adminVar };
        command.SetAction((parse, ct) => RunAsync(io, parse, policy, adminVar, "the owner's", async (loaded, connection, masked, output) =>
        {
            var plan = GrantsPlanner.Plan(loaded, await CatalogReader.ReadAsync(connection, loaded, ct).ConfigureAwait(false));
            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                output.WriteLine(Json.Serialize(new
                {
                    policy = loaded.SourcePath, database = plan.Snapshot.Database, connected_as = plan.Snapshot.CurrentUser,
                    drift = plan.Drift.Select(d => new { @object = d.ObjectText, privilege = d.PrivilegeText(loaded.AppRole), change = d.Change }),
                    notes = plan.Notes,
                }));
            }
            else if (verify)
            {
                output.WriteLine(plan.IsClean
                    ? $"grants verify: no drift ({plan.Snapshot.Database}, {loaded.SourcePath})"
                    : $"grants verify: {plan.Drift.Count} drift line(s) in {plan.Snapshot.Database} ({loaded.SourcePath}):");
                foreach (var line in plan.Lines()) output.WriteLine("  " + line);
            }
            else
            {
                WritePlan(output, plan, masked);
            }
            return plan.IsClean ? ExitCodes.Ok : ExitCodes.CheckFailed;
        }, ct));
        return command;
    }

    private static void WritePlan(TextWriter output, GrantsPlan plan, string masked)
    {
        var s = plan.Snapshot;
        var policy = plan.Policy;
        output.WriteLine($"grants plan: {policy.SourcePath} against {s.Database} as {s.CurrentUser} ({masked})");
        var members = s.Members.Count == 0 ? "no members" : "members: " + string.Join(", ", s.Members.Select(m => m.Name));
        output.WriteLine($"app role: {policy.AppRole} ({(s.AppRoleCanLogin ? "LOGIN" : "NOLOGIN group")}; {members})");
        output.WriteLine(plan.Summary());
        foreach (var note in plan.Notes) output.WriteLine(note);
        if (plan.IsClean)
        {
            output.WriteLine("no drift");
            return;
        }
        output.WriteLine();
        foreach (var line in plan.Lines()) output.WriteLine(line);
        output.WriteLine();
        output.WriteLine($"{plan.Drift.Count} drift line(s); fix with: velvet grants apply --policy {policy.SourcePath}");
    }

    private static Command BuildApply(CliIO io)
    {
        var policy = PolicyOption();
        var adminVar = VarOption("--admin-var", AdminVarDefault, "the owner's (or a superuser's)");
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the SQL without running it" };
        var command = new Command("apply", "Fix the drift idempotently in ONE transaction, as the owner of the objects or a superuser; prints the SQL")
        {
            policy, adminVar, dryRun,
        };
        command.SetAction((parse, ct) => RunAsync(io, parse, policy, adminVar, "the owner's", async (loaded, connection, masked, output) =>
        {
            var dry = parse.GetValue(dryRun);
            var result = await GrantsApplier.ApplyAsync(connection, loaded, dry, ct).ConfigureAwait(false);
            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                output.WriteLine(Json.Serialize(new
                {
                    policy = loaded.SourcePath, database = result.Plan.Snapshot.Database, dry_run = dry, executed = result.Executed,
                    drift = result.Plan.Lines(), sql = result.Statements.Select(st => st.Sql),
                }));
                return ExitCodes.Ok;
            }
            WriteApply(output, result, masked, dry);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>The SQL an apply ran (or would run), as <c>velvet grants apply</c> prints it; also used by <c>velvet db provision --policy</c>.</summary>
    internal static void WriteApply(TextWriter output, ApplyResult result, string masked, bool dry)
    {
        if (result.Statements.Count == 0)
        {
            output.WriteLine($"grants apply: no drift in {result.Plan.Snapshot.Database}: nothing to do");
            return;
        }
        output.WriteLine(dry
            ? $"-- grants apply --dry-run: {result.Plan.Snapshot.Database} as {result.Plan.Snapshot.CurrentUser} ({masked}); nothing is run"
            : $"-- grants apply: {result.Plan.Snapshot.Database} as {result.Plan.Snapshot.CurrentUser} ({masked})");
        output.WriteLine("BEGIN;");
        foreach (var statement in result.Statements) output.WriteLine(statement.Sql);
        output.WriteLine(dry ? "ROLLBACK;" : "COMMIT;");
        output.WriteLine(dry
            ? $"-- would fix {result.Plan.Drift.Count} drift line(s) with {result.Statements.Count} statement(s)"
            : $"-- fixed {result.Plan.Drift.Count} drift line(s) with {result.Statements.Count} statement(s) in one transaction; no drift left");
    }

    /// <summary>The exit code of a grants failure.</summary>
    internal static int ExitCodeFor(GrantsException ex) => ex.Failure switch
    {
        GrantsFailure.Refused => ExitCodes.Refused,
        GrantsFailure.Connect => ExitCodes.Failure,
        _ => ExitCodes.Config,
    };

    private static Command BuildProve(CliIO io)
    {
        var policy = PolicyOption();
        var appVar = VarOption("--app-var", AppVarDefault, "the app role's");
        var sample = new Option<int>("--dml-sample")
        {
            Description = "How many DML tables to try too, alphabetically (append-only and migration tables are always all tried)",
            DefaultValueFactory = _ => 3,
        };
        var command = new Command("prove", "Log in AS the app role and try forbidden and allowed operations in a rolled-back transaction (exit 3 if the policy does not hold)")
        {
            policy, appVar, sample,
        };
        command.SetAction((parse, ct) => RunAsync(io, parse, policy, appVar, "the app role's", async (loaded, connection, masked, output) =>
        {
            var result = await GrantsProver.ProveAsync(connection, loaded, Math.Max(0, parse.GetValue(sample)), ct).ConfigureAwait(false);
            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                output.WriteLine(Json.Serialize(new
                {
                    policy = loaded.SourcePath, connected_as = result.ConnectedAs, superuser = result.IsSuperuser, passed = result.Passed,
                    checks = result.Checks.Select(c => new { table = c.Table, @class = c.Class, operation = c.Operation, expected = c.ShouldBeAllowed ? "allowed" : "refused", result = c.Result, passed = c.Passed }),
                }));
                return result.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed;
            }
            WriteProve(output, loaded, result, masked);
            return result.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed;
        }, ct));
        return command;
    }

    private static void WriteProve(TextWriter output, GrantsPolicy policy, ProveResult result, string masked)
    {
        var role = result.IsSuperuser ? "a SUPERUSER: every check below is allowed"
            : result.ActsAsAppRole ? (result.ConnectedAs == policy.AppRole ? "the app role" : $"a member of {policy.AppRole}")
            : $"NOT {policy.AppRole} nor a member of it";
        output.WriteLine($"grants prove: connected as {result.ConnectedAs} ({role}) with {masked}; one transaction, rolled back");
        if (result.Checks.Count == 0)
        {
            output.WriteLine("nothing to try: no append-only, migration or DML tables in the policy schemas");
            return;
        }
        var tableWidth = result.Checks.Max(c => c.Table.Length) + "table ".Length;
        foreach (var check in result.Checks)
        {
            output.WriteLine($"{("table " + check.Table).PadRight(tableWidth)}  {check.Operation,-8}  {check.Result}");
        }
        var failed = result.Checks.Count(c => !c.Passed);
        output.WriteLine(failed == 0
            ? $"grants prove: {result.Checks.Count} check(s), all as the policy says; nothing was changed"
            : $"grants prove: {failed} of {result.Checks.Count} check(s) FAILED; nothing was changed");
    }

    private static bool IsVariableName(string name) =>
        name.Length > 0 && !char.IsDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Loads the policy, opens the DSN from the environment variable, runs the body; maps failures to exit codes.</summary>
    private static async Task<int> RunAsync(CliIO io, ParseResult parse, Option<string> policyOption, Option<string> varOption, string whose,
        Func<GrantsPolicy, NpgsqlConnection, string, TextWriter, Task<int>> body, CancellationToken ct)
    {
        var masker = new SecretMasker();
        var loaded = GrantsPolicyLoader.Load(parse.GetValue(policyOption)!);
        if (!loaded.IsValid)
        {
            foreach (var error in loaded.Errors) io.Err.WriteLine(error.ToString());
            io.Err.WriteLine($"{parse.GetValue(policyOption)}: {loaded.Errors.Count} error(s)");
            return ExitCodes.Config;
        }
        var variable = parse.GetValue(varOption)!;
        if (!IsVariableName(variable))
        {
            // Never echo it: a DSN put here by mistake carries a password.
            io.Error(masker, $"{varOption.Name} takes the NAME of an environment variable (e.g. {AdminVarDefault}), not a DSN: export the DSN in a variable and name it");
            return ExitCodes.Usage;
        }
        try
        {
            var (connection, masked) = await GrantsConnection.OpenAsync(io.Environment(variable), variable, whose, masker.Register, ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await body(loaded.Policy!, connection, masked, new MaskingTextWriter(io.Out, masker)).ConfigureAwait(false);
            }
        }
        catch (GrantsException ex)
        {
            io.Error(masker, ex.Message);
            return ExitCodeFor(ex);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            io.Error(masker, ex is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : ex.Message);
            return ExitCodes.Failure;
        }
    }
}
