using System.CommandLine;
using System.Text.RegularExpressions;
using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Auth;
using Velvet.Core.Results;
using Velvet.Core.Secrets;
using Velvet.Server.WebConsole;
using Velvet.Store;

namespace Velvet.Cli.Commands;

/// <summary>`velvet console user add|list|remove`: people's accounts for the web console. The password comes from stdin only.</summary>
internal static partial class ConsoleCommands
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")]
    private static partial Regex ValidName();

    public static Command Build(CliIO io) => new("console", "The web console served by `velvet serve` under /console")
    {
        new Command("user", "Console accounts for people (service tokens are for machines)") { BuildAdd(io), BuildList(io), BuildRemove(io) },
    };

    private static Command BuildAdd(CliIO io)
    {
        var nameArg = new Argument<string>("name") { Description = "User name (letters, digits, . _ @ -; up to 64)" };
        var role = new Option<string>("--role") { Description = "viewer (read), operator (rotate and revoke) or admin (everything)", Required = true };
        var add = new Command("add", "Create an account; reads the password from standard input (never from the command line)") { nameArg, role };
        add.SetAction((parse, ct) => CommandRunner.RunStoreAsync(io, parse, ct, async (store, console) =>
        {
            var name = parse.GetValue(nameArg)!.Trim();
            if (!ValidName().IsMatch(name))
            {
                io.Error(SecretMasker.Shared, $"'{name}' is not a valid user name: use letters, digits, '.', '_', '@' or '-' (up to 64, starting with a letter or digit)");
                return ExitCodes.Usage;
            }
            if (!ConsoleRoles.TryParse(parse.GetValue(role), out var r))
            {
                io.Error(SecretMasker.Shared, $"--role '{parse.GetValue(role)}' is not one of: {string.Join(", ", ConsoleRoles.AllNames)}");
                return ExitCodes.Usage;
            }
            var masker = new SecretMasker();
            var password = Prompts.ReadSecret(io, console, masker)?.Reveal();
            if (ConsolePasswords.Problem(password) is { } problem)
            {
                io.Error(masker, $"{problem}; pipe it on standard input, e.g. `read -rs PW; printf '%s\\n' \"$PW\" | velvet console user add {name} --role {r.Name()}`");
                return ExitCodes.Usage;
            }
            var created = await JobStoreFactory.ConsoleUsers(store).CreateConsoleUserAsync(new ConsoleUser
            {
                Name = name, Role = r, CreatedBy = VelvetRuntime.ResolveActor(parse, io.Environment), CreatedAt = TimeProvider.System.GetUtcNow(),
            }, ConsolePasswords.Hash(password!), ct).ConfigureAwait(false);
            if (!created.IsOk)
            {
                io.Error(masker, created.Error.Message);
                return created.Error is Invalid { Field: "name" } ? ExitCodes.Refused : CommandRunner.ExitFor(created.Error);
            }
            if (parse.GetValue(GlobalOptions.JsonOutput)) io.Out.WriteLine(Json.Serialize(new { name, role = r.Name() }));
            else io.Out.WriteLine($"created console user '{name}' with role {r.Name()} (scopes: {string.Join(" ", ConsoleRoles.ScopesOf(r))}); sign in at /console");
            return ExitCodes.Ok;
        }));
        return add;
    }

    private static Command BuildList(CliIO io)
    {
        var list = new Command("list", "List console accounts: name, role, last sign-in, lock (never a password)");
        list.SetAction((parse, ct) => CommandRunner.RunStoreAsync(io, parse, ct, async (store, console) =>
        {
            var users = await JobStoreFactory.ConsoleUsers(store).ListConsoleUsersAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                io.Out.WriteLine(Json.Serialize(users.Select(u => new
                {
                    name = u.Name, role = u.Role.Name(), created_by = u.CreatedBy, created_at = u.CreatedAt, last_sign_in_at = u.LastSignInAt,
                    failed_sign_ins = u.FailedSignIns, locked_until = u.LockedUntil,
                })));
                return ExitCodes.Ok;
            }
            if (users.Count == 0)
            {
                console.MarkupLine("[grey]Console users: none (create one with: velvet console user add NAME --role operator)[/]");
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).Title("Console users");
            table.AddColumns("name", "role", "created", "last sign-in", "failed", "locked until");
            foreach (var u in users)
            {
                table.AddRow(new Text(u.Name), new Text(u.Role.Name()), new Text($"{u.CreatedAt:u} by {u.CreatedBy}"),
                    new Text(u.LastSignInAt is { } at ? at.ToString("u") : "-"), new Text(u.FailedSignIns.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new Text(u.LockedUntil is { } l ? l.ToString("u") : "-"));
            }
            console.Write(table);
            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command BuildRemove(CliIO io)
    {
        var nameArg = new Argument<string>("name") { Description = "User name to remove; their sessions end at their next request" };
        var remove = new Command("remove", "Remove a console account") { nameArg };
        remove.SetAction((parse, ct) => CommandRunner.RunStoreAsync(io, parse, ct, async (store, _) =>
        {
            var name = parse.GetValue(nameArg)!;
            if (!await JobStoreFactory.ConsoleUsers(store).DeleteConsoleUserAsync(name, ct).ConfigureAwait(false))
            {
                io.Error(SecretMasker.Shared, $"no console user named '{name}'; list them with: velvet console user list");
                return ExitCodes.NotFound;
            }
            io.Out.WriteLine($"removed console user '{name}'");
            return ExitCodes.Ok;
        }));
        return remove;
    }
}
