using System.CommandLine;
using System.Text.RegularExpressions;
using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Auth;
using Velvet.Core.Results;
using Velvet.Core.Secrets;
using Velvet.Store;

namespace Velvet.Cli.Commands;

/// <summary>`velvet tokens create|list|revoke`: service tokens for the HTTP API. Needs the store only.</summary>
internal static partial class TokensCommands
{
    private const string ScopeHelp = "admin implies every scope; rotate and revoke imply read";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ValidName();

    public static Command Build(CliIO io) => new("tokens", "Service tokens for the HTTP API (shown once at creation; only a hash is stored)")
    {
        BuildCreate(io), BuildList(io), BuildRevoke(io),
    };

    private static Command BuildCreate(CliIO io)
    {
        var name = new Option<string>("--name") { Description = "A unique name for the token (letters, digits, . _ -; up to 64)", Required = true };
        var scope = new Option<string[]>("--scope")
        {
            Description = $"A scope to grant, repeatable: {string.Join(", ", Scopes.All)} ({ScopeHelp})",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var create = new Command("create", "Create a token and print it once on stdout") { name, scope };
        create.SetAction((parse, ct) => CommandRunner.RunStoreAsync(io, parse, ct, async (store, _) =>
        {
            var json = parse.GetValue(GlobalOptions.JsonOutput);
            var tokenName = parse.GetValue(name)!.Trim();
            if (!ValidName().IsMatch(tokenName))
            {
                io.Error(SecretMasker.Shared, $"'{tokenName}' is not a valid token name: use letters, digits, '.', '_' or '-' (up to 64, starting with a letter or digit)");
                return ExitCodes.Usage;
            }
            var wanted = parse.GetValue(scope) ?? [];
            var unknown = wanted.Where(s => !Scopes.All.Contains(s)).ToArray();
            if (unknown.Length > 0 || wanted.Length == 0)
            {
                io.Error(SecretMasker.Shared, (unknown.Length > 0 ? $"unknown scope(s): {string.Join(", ", unknown)}" : "no scope given") +
                    $"; allowed: {string.Join(", ", Scopes.All)} ({ScopeHelp})");
                return ExitCodes.Usage;
            }

            var (token, tokenId, hash) = ServiceTokenFormat.Generate();
            var result = await JobStoreFactory.Tokens(store).CreateTokenAsync(new ServiceToken
            {
                Name = tokenName,
                TokenId = tokenId,
                ScopeList = Scopes.All.Where(wanted.Contains).ToArray(),
                CreatedBy = VelvetRuntime.ResolveActor(parse, io.Environment),
                CreatedAt = TimeProvider.System.GetUtcNow(),
            }, hash, ct).ConfigureAwait(false);
            if (!result.IsOk)
            {
                // A taken name is a conflict with existing state, not a typo in the command line.
                var exit = result.Error is Invalid { Field: "name" } ? ExitCodes.Refused : CommandRunner.ExitFor(result.Error);
                if (json) io.Out.WriteLine(Json.Serialize(new { error = result.Error.Code, message = result.Error.Message }));
                io.Error(SecretMasker.Shared, result.Error.Message);
                return exit;
            }
            // The token goes to stdout unmasked and alone, so `TOKEN=$(velvet tokens create …)` captures just it.
            if (json) io.Out.WriteLine(Json.Serialize(new { name = result.Value.Name, token, scopes = result.Value.ScopeList }));
            else io.Out.WriteLine(token);
            io.Err.WriteLine($"warning: this is the only time token '{result.Value.Name}' is shown; store it now (Velvet keeps only a hash of it)");
            io.Err.WriteLine($"created token '{result.Value.Name}' (id {tokenId}) with scopes: {string.Join(" ", result.Value.ScopeList)}");
            return ExitCodes.Ok;
        }));
        return create;
    }

    private static Command BuildList(CliIO io)
    {
        var list = new Command("list", "List tokens: name, id, scopes, created, revoked (never the token)");
        list.SetAction((parse, ct) => CommandRunner.RunStoreAsync(io, parse, ct, async (store, console) =>
        {
            var tokens = await JobStoreFactory.Tokens(store).ListTokensAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                io.Out.WriteLine(Json.Serialize(tokens.Select(t => new
                {
                    name = t.Name, token_id = t.TokenId, scopes = t.ScopeList, created_by = t.CreatedBy, created_at = t.CreatedAt,
                    revoked = t.IsRevoked, revoked_at = t.RevokedAt,
                })));
                return ExitCodes.Ok;
            }
            if (tokens.Count == 0)
            {
                console.MarkupLine("[grey]Service tokens: none (create one with: velvet tokens create --name NAME --scope read)[/]");
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).Title("Service tokens");
            table.AddColumns("name", "token_id", "scopes", "created", "revoked");
            foreach (var t in tokens)
            {
                table.AddRow(new Text(t.Name), new Text(t.TokenId), new Text(string.Join(" ", t.ScopeList)),
                    new Text($"{t.CreatedAt:u} by {t.CreatedBy}"),
                    t.RevokedAt is { } at ? new Markup($"[red]{Markup.Escape(at.ToString("u"))}[/]") : new Text("-"));
            }
            console.Write(table);
            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command BuildRevoke(CliIO io)
    {
        var nameArg = new Argument<string>("name") { Description = "Name of the token to revoke" };
        var revoke = new Command("revoke", "Revoke a token: it stops working at once; the row stays for the audit") { nameArg };
        revoke.SetAction((parse, ct) => CommandRunner.RunStoreAsync(io, parse, ct, async (store, _) =>
        {
            var tokens = JobStoreFactory.Tokens(store);
            var tokenName = parse.GetValue(nameArg)!;
            var at = TimeProvider.System.GetUtcNow();
            var json = parse.GetValue(GlobalOptions.JsonOutput);
            if (!await tokens.RevokeTokenAsync(tokenName, at, ct).ConfigureAwait(false))
            {
                var existing = (await tokens.ListTokensAsync(ct).ConfigureAwait(false)).FirstOrDefault(t => t.Name == tokenName);
                if (existing?.RevokedAt is not { } earlier)
                {
                    if (json) io.Out.WriteLine(Json.Serialize(new { error = "not_found", message = $"no service token named '{tokenName}'" }));
                    io.Error(SecretMasker.Shared, $"no service token named '{tokenName}'; list them with: velvet tokens list");
                    return ExitCodes.NotFound;
                }
                // Revoking twice is not an error: the token is revoked, which is what was asked.
                if (json) io.Out.WriteLine(Json.Serialize(new { name = tokenName, revoked_at = earlier, already_revoked = true }));
                else io.Out.WriteLine($"token '{tokenName}' was already revoked at {earlier:u}");
                return ExitCodes.Ok;
            }
            if (json) io.Out.WriteLine(Json.Serialize(new { name = tokenName, revoked_at = at, already_revoked = false }));
            else io.Out.WriteLine($"revoked token '{tokenName}' at {at:u}");
            return ExitCodes.Ok;
        }));
        return revoke;
    }
}
