using System.CommandLine;
using Npgsql;
using Velvet.Cli.Output;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Database.Grants;
using Velvet.Database.Roles;
using Velvet.Vendors;
using Velvet.Vendors.DotenvFile;
using Velvet.Vendors.Local;
using Velvet.Vendors.Postgres;

namespace Velvet.Cli.Commands;

/// <summary>
/// `velvet db provision`: creates the app role with a generated password through the admin URL (from an environment
/// variable, never argv), idempotently, and stores the new URL only where the operator said: a dotenv file (mode 600)
/// or a consumer of the manifest. Never stdout. The role change commits only after the URL is stored. With
/// <c>--policy FILE</c> it then applies the grants policy (the same code as <c>velvet grants apply</c>) in its own
/// transaction; a policy for another role is refused before anything is created.
/// </summary>
internal static class DbProvisionCommand
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private sealed record Options(
        RoleLayout Layout, string AdminSource, string? AdminText, Dsn.Dsn? Template, string? Database, ManagedProvider Provider,
        CredentialSpec? Credential, VelvetManifest? Manifest);

    public static Command Build(CliIO io)
    {
        var role = new Option<string?>("--role") { Description = "The app login role (in_place) or the NOLOGIN group role (alternating)" };
        var mode = new Option<string?>("--mode") { Description = "in_place (default) or alternating (group role + two logins, one enabled)" };
        var logins = new Option<string?>("--login-roles") { Description = "alternating: the two login roles, e.g. app_a,app_b (default <role>_a,<role>_b)" };
        var adminVar = new Option<string?>("--admin-var") { Description = $"Environment variable holding the admin URL (default {PostgresRoleOptions.DefaultAdminEnv}); a URL is never taken on the command line" };
        var database = new Option<string?>("--database") { Description = "Database name of the app URL (default: the admin URL's)" };
        var provider = new Option<string?>("--provider") { Description = "auto (default, from the host), heroku, rds or generic: picks the advice for managed-service errors" };
        var credential = new Option<string?>("--credential") { Description = "Take role, mode, login roles, admin URL variable and URL template from this postgres-role credential of the manifest" };
        var reset = new Option<bool>("--reset-password") { Description = "Set a new password on an existing role (default: an existing role keeps its password)" };
        var envFile = new Option<string?>("--write-env-file") { Description = "Write the new URL as KEY=URL into this dotenv file (created or updated, mode 600)" };
        var envKey = new Option<string?>("--env-key") { Description = "The key in --write-env-file (default: the --credential name)" };
        var consumer = new Option<string?>("--to-consumer") { Description = "Push the new URL to this consumer of --credential (e.g. the vault) instead of a file" };
        var policy = new Option<string?>("--policy") { Description = "Grants policy (docs/db/grants.md) to apply once the role exists, as velvet grants apply does; its app_role must be --role" };
        var command = new Command("provision", "Create the app role (or two alternating logins) with a generated password; the URL goes to a file or a consumer, never the terminal")
        {
            role, mode, logins, adminVar, database, provider, credential, reset, envFile, envKey, consumer, policy,
        };
        command.SetAction(async (parse, ct) =>
        {
            var masker = SecretMasker.Shared;
            try
            {
                var options = Resolve(io, parse, parse.GetValue(role), parse.GetValue(mode), parse.GetValue(logins), parse.GetValue(adminVar),
                    parse.GetValue(database), parse.GetValue(provider), parse.GetValue(credential));
                var destination = Destination.From(parse.GetValue(envFile), parse.GetValue(envKey), parse.GetValue(consumer), options.Credential, options.Manifest);
                return await RunAsync(io, masker, options, destination, parse.GetValue(reset), parse.GetValue(policy), parse.GetValue(GlobalOptions.JsonOutput), ct).ConfigureAwait(false);
            }
            catch (CliException ex)
            {
                io.Error(masker, ex.Message);
                return ex.ExitCode;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(CliIO io, SecretMasker masker, Options o, Destination destination, bool reset, string? policy, bool json, CancellationToken ct)
    {
        var grants = policy is null ? null : LoadPolicy(policy, o.Layout);
        if (string.IsNullOrWhiteSpace(o.AdminText))
            throw new CliException(ExitCodes.Config, $"no admin URL: set {o.AdminSource} to the URL of a role with CREATEROLE (or a superuser), or name another variable with --admin-var; Velvet never takes a URL on the command line");
        masker.Register(o.AdminText);
        if (!Dsn.Dsn.TryParse(o.AdminText, out var admin, out var error) || admin!.Kind != Dsn.DsnKind.Postgres)
            throw new CliException(ExitCodes.Config, $"{o.AdminSource} is not a PostgreSQL URL ({error ?? "it is a SQLite URL"}); fix its format");
        if (admin.Password is { Length: > 0 } adminPassword) masker.Register(adminPassword);
        var target = new RoleTarget
        {
            Layout = o.Layout, Admin = admin, Provider = o.Provider, AdminSource = o.AdminSource,
            UrlTemplate = o.Template is not null ? RoleTarget.TemplateFrom(o.Template, o.Database) : RoleTarget.TemplateFrom(admin, o.Database),
        };

        ProvisionResult result;
        string? wrote = null;
        try
        {
            await using var provisioning = await RoleProvisioning.BeginAsync(target, ct).ConfigureAwait(false);
            result = await provisioning.ApplyAsync(reset, ct).ConfigureAwait(false);
            if (result.Problem is not null) throw new CliException(ExitCodes.Refused, result.Problem + " (nothing was changed)");
            if (result.Url is not null)
            {
                masker.Register(result.Url);
                if (destination.IsNone) throw new CliException(ExitCodes.Usage, Destination.Missing + " (nothing was changed)");
                // Stored first, committed second: a failed write rolls the role change back, so no URL is lost.
                wrote = await destination.StoreAsync(result.Url, io, masker, ct).ConfigureAwait(false);
                try { await provisioning.CommitAsync(ct).ConfigureAwait(false); }
                catch
                {
                    destination.Undo();
                    throw;
                }
            }
            else
            {
                await provisioning.CommitAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            var advised = ex is PostgresException pg && ManagedServiceErrors.Translate(pg.SqlState, pg.MessageText, target.Provider, admin.Host, target.AdminUser, o.Layout.Role, o.AdminSource) is not null;
            throw new CliException(advised ? ExitCodes.Refused : ExitCodes.Failure, RoleProvisioning.Explain(ex, target) + " (nothing was changed)");
        }

        LoginResult? check = result.Url is null ? null : await PgLogin.TryAsync(Dsn.Dsn.Parse(result.Url.Reveal()), ct).ConfigureAwait(false);
        var (applied, grantsMasked, grantsError) = grants is null ? default : await ApplyGrantsAsync(admin, target.UrlTemplate.Database, grants, ct).ConfigureAwait(false);
        var next = NextSteps(o, result, policy, applied is not null, destination);
        var output = new MaskingTextWriter(io.Out, masker);
        if (json)
        {
            output.WriteLine(Json.Serialize(new
            {
                role = o.Layout.Role, mode = RoleLayout.ModeName(o.Layout.Mode), logins = o.Layout.Logins, actions = result.Actions,
                active_login = result.Login, url = result.Login is null ? null : target.MaskedUrlFor(result.Login), written_to = wrote,
                login_check = check?.Message, grants_sql = applied?.Statements.Select(st => st.Sql), next,
            }));
        }
        else
        {
            foreach (var action in result.Actions) output.WriteLine(action);
            if (wrote is not null) output.WriteLine($"wrote {target.MaskedUrlFor(result.Login!)} (password not shown) to {wrote}");
            if (check is not null) output.WriteLine(check.IsOk ? $"checked: the new URL logs in as {check.CurrentUser}" : $"warning: the new URL does not log in yet: {check.Message}");
            if (applied is not null) GrantsCommands.WriteApply(output, applied, grantsMasked!, dry: false);
            if (next.Count > 0) output.WriteLine("next:");
            foreach (var step in next) output.WriteLine("  - " + step);
        }
        if (grantsError is not null)
        {
            io.Error(masker, grantsError.Message);
            return grantsError.ExitCode;
        }
        return check is { IsOk: false } ? ExitCodes.Failure : ExitCodes.Ok;
    }

    /// <summary>Loads the grants policy and checks it is for the role being provisioned, before the database is touched.</summary>
    private static GrantsPolicy LoadPolicy(string path, RoleLayout layout)
    {
        var loaded = GrantsPolicyLoader.Load(path);
        if (!loaded.IsValid)
            throw new CliException(ExitCodes.Config, string.Join(Environment.NewLine, loaded.Errors.Select(e => e.ToString())) + $"{Environment.NewLine}{path}: {loaded.Errors.Count} error(s) (nothing was changed)");
        var policy = loaded.Policy!;
        if (!string.Equals(policy.AppRole, layout.Role, StringComparison.Ordinal))
        {
            var what = layout.Mode == RoleMode.Alternating ? $"the group role {layout.Role}" : $"the role {layout.Role}";
            throw new CliException(ExitCodes.Refused,
                $"the grants policy {path} is for app_role {policy.AppRole} ({policy.At("app_role")}), but this provisions {what}: " +
                $"make them the same role (edit app_role, or pass --role {policy.AppRole}) (nothing was changed)");
        }
        return policy;
    }

    /// <summary>
    /// Runs <c>velvet grants apply</c>'s code (catalog, plan, apply) through the admin URL on the app's database, in its own
    /// transaction, after the role is committed. A failure leaves the role and its stored URL in place and says how to finish.
    /// </summary>
    private static async Task<(ApplyResult? Result, string? Masked, CliException? Error)> ApplyGrantsAsync(
        Dsn.Dsn admin, string? database, GrantsPolicy policy, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(admin.ToConnectionString()) { ApplicationName = "velvet db provision", Pooling = false };
        if (database is not null) builder.Database = database;
        var masked = database is null || database == admin.Database ? admin.Masked : $"{admin.Masked}, database {database}";
        var notApplied = $"the role and its URL are in place, but the grants policy {policy.SourcePath} was not applied";
        var retry = $"fix it, then run: velvet grants apply --policy {policy.SourcePath}";
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(ct).ConfigureAwait(false);
            return (await GrantsApplier.ApplyAsync(connection, policy, dryRun: false, ct).ConfigureAwait(false), masked, null);
        }
        catch (GrantsException ex)
        {
            return (null, masked, new CliException(GrantsCommands.ExitCodeFor(ex), $"{notApplied}: {ex.Message}; {retry}"));
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            var why = ex is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : ex.Message;
            return (null, masked, new CliException(ExitCodes.Failure, $"{notApplied} ({masked}): {why}; {retry}"));
        }
    }

    private static List<string> NextSteps(Options o, ProvisionResult result, string? policy, bool applied, Destination destination)
    {
        var steps = new List<string>();
        if (policy is null)
            steps.Add($"grant the role its privileges: velvet grants apply --policy FILE (grants go to {o.Layout.Role}), or provision with --policy FILE");
        else if (applied)
            steps.Add($"check in CI: velvet grants verify --policy {policy}; as the app (its URL in DATABASE_URL): velvet grants prove --policy {policy}");
        if (result.Url is not null && destination.IsFile)
            steps.Add($"put the URL where the runtime reads it (the canonical store first, then the app's config) and delete {destination.Path} once copied");
        if (o.Credential is null)
            steps.Add($"rotate it with Velvet: add a postgres-role credential (mode {RoleLayout.ModeName(o.Layout.Mode)}, role {o.Layout.Role}) to the manifest, see docs/db/roles.md");
        return steps;
    }

    private static Options Resolve(CliIO io, ParseResult parse, string? role, string? mode, string? logins, string? adminVar, string? database, string? provider, string? credentialName)
    {
        CredentialSpec? credential = null;
        VelvetManifest? manifest = null;
        PostgresRoleOptions? fromManifest = null;
        if (credentialName is not null)
        {
            var path = parse.GetValue(GlobalOptions.Manifest) ?? io.Environment("VELVET_MANIFEST") ?? "velvet.yaml";
            var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = ".velvet-state", Environment = io.Environment });
            manifest = VelvetRuntime.LoadManifest(path, catalog.Kinds);
            credential = manifest.FindCredential(credentialName)
                ?? throw new CliException(ExitCodes.NotFound, $"credential {credentialName} is not in {path}");
            if (credential.Vendor.Kind != PostgresRoleVendor.KindName)
                throw new CliException(ExitCodes.Usage, $"credential {credentialName} has vendor {credential.Vendor.Kind}, not postgres-role");
            try { fromManifest = PostgresRoleOptions.FromSpec(credential); }
            catch (ArgumentException ex) { throw new CliException(ExitCodes.CheckFailed, $"{path}:{credential.Line}: {ex.Message}"); }
        }

        RoleLayout layout;
        try
        {
            if (role is null && fromManifest is null) throw new CliException(ExitCodes.Usage, "name the role: --role NAME (or --credential NAME to take it from the manifest)");
            var parsedMode = mode is null ? fromManifest?.Layout.Mode ?? RoleMode.InPlace
                : RoleLayout.ParseMode(mode) ?? throw new CliException(ExitCodes.Usage, $"--mode must be in_place or alternating; got '{mode}'");
            var name = role ?? fromManifest!.Layout.Role;
            if (parsedMode == RoleMode.InPlace)
            {
                if (logins is not null) throw new CliException(ExitCodes.Usage, "--login-roles applies to --mode alternating only");
                layout = RoleLayout.InPlace(name);
            }
            else
            {
                var pair = logins?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (pair is { Length: not 2 }) throw new CliException(ExitCodes.Usage, $"--login-roles must name two roles separated by a comma, e.g. {name}_a,{name}_b");
                layout = pair is not null ? RoleLayout.Alternating(name, pair[0], pair[1])
                    : role is null && fromManifest!.Layout.Mode == RoleMode.Alternating ? fromManifest.Layout
                    : RoleLayout.Alternating(name);
            }
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ExitCodes.Usage, ex.Message);
        }

        ManagedProvider managed;
        try { managed = provider is null ? fromManifest?.Provider ?? ManagedProvider.Auto : ManagedServiceErrors.ParseProvider(provider); }
        catch (ArgumentException ex) { throw new CliException(ExitCodes.Usage, "--provider: " + ex.Message); }

        string source;
        string? adminText;
        if (adminVar is null && fromManifest?.AdminUrlSecret is { } secret)
        {
            source = fromManifest.AdminSource;
            adminText = new EnvSecretSource(io.Environment).Get(secret)?.Reveal();
        }
        else
        {
            var variable = adminVar ?? fromManifest?.AdminUrlEnv ?? PostgresRoleOptions.DefaultAdminEnv;
            source = "$" + variable;
            adminText = io.Environment(variable);
        }
        return new Options(layout, source, adminText, fromManifest?.UrlTemplate, database, managed, credential, manifest);
    }

    /// <summary>Where the new URL goes: a dotenv file (mode 600) or a consumer of the manifest. Checked before the database is touched.</summary>
    private sealed class Destination
    {
        private string? _previous;
        private bool _existed;

        public string? Path { get; private init; }
        public string? Key { get; private init; }
        public ConsumerSpec? Consumer { get; private init; }
        public CredentialSpec? Credential { get; private init; }
        public bool IsFile => Path is not null;
        public bool IsNone => Path is null && Consumer is null;

        public const string Missing =
            "say where the new URL goes: --write-env-file PATH --env-key NAME (a dotenv file, mode 600) or --to-consumer ID (with --credential). " +
            "Velvet never prints a secret, so stdout is not an option";

        public static Destination From(string? path, string? key, string? consumerId, CredentialSpec? credential, VelvetManifest? manifest)
        {
            if (path is not null && consumerId is not null) throw new CliException(ExitCodes.Usage, "choose one destination: --write-env-file or --to-consumer");
            if (path is null && consumerId is null) return new Destination();
            if (consumerId is not null)
            {
                if (credential is null || manifest is null) throw new CliException(ExitCodes.Usage, "--to-consumer needs --credential NAME (the consumer is one of that credential's)");
                var spec = manifest.Consumers.FirstOrDefault(c => c.TokenName == credential.TokenName && c.ConsumerId == consumerId)
                    ?? throw new CliException(ExitCodes.NotFound, $"consumer {consumerId} of {credential.TokenName} is not in the manifest; known: " +
                        string.Join(", ", manifest.Consumers.Where(c => c.TokenName == credential.TokenName).Select(c => c.ConsumerId)));
                return new Destination { Consumer = spec, Credential = credential };
            }
            key ??= credential?.TokenName ?? throw new CliException(ExitCodes.Usage, "name the variable: --env-key NAME (e.g. APP_DATABASE_URL)");
            var full = System.IO.Path.GetFullPath(path!);
            var dir = System.IO.Path.GetDirectoryName(full);
            if (dir is null || !Directory.Exists(dir)) throw new CliException(ExitCodes.Usage, $"--write-env-file: folder {dir} does not exist; create it first");
            if (Directory.Exists(full)) throw new CliException(ExitCodes.Usage, $"--write-env-file: {path} is a folder; give a file path");
            return new Destination { Path = path, Key = key };
        }

        /// <summary>Stores the URL; returns a description of where (never the value).</summary>
        public async Task<string> StoreAsync(SecretValue url, CliIO io, SecretMasker masker, CancellationToken ct)
        {
            if (Consumer is not null)
            {
                var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = ".velvet-state", Environment = io.Environment, Masker = masker });
                var adapter = catalog.CreateConsumer(Credential!, Consumer);
                var ctx = new ConsumerContext
                {
                    JobId = Guid.Empty, CredentialName = Credential!.TokenName, ConsumerId = Consumer.ConsumerId, Env = Consumer.Env,
                    Secrets = new EnvSecretSource(io.Environment, masker),
                };
                var pushed = await adapter.PushAsync(ctx, url, ct).ConfigureAwait(false);
                if (!pushed.IsSuccess)
                    throw new CliException(ExitCodes.Failure, $"could not store the URL in consumer {Consumer.ConsumerId}: {masker.Scrub(pushed.Message)} (nothing was changed)");
                return $"consumer {Consumer.ConsumerId} ({Consumer.Kind})";
            }
            var path = Path!;
            _existed = File.Exists(path);
            _previous = _existed ? await File.ReadAllTextAsync(path, ct).ConfigureAwait(false) : null;
            string updated;
            try { updated = DotenvText.Set(_previous ?? "", Key!, url.Reveal()); }
            catch (FormatException ex) { throw new CliException(ExitCodes.Usage, $"{path}: {ex.Message} (nothing was changed)"); }
            try { AtomicFile.Replace(path, updated, OwnerOnly); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Failure, $"cannot write {path}: {ex.GetType().Name} (nothing was changed)");
            }
            return $"{path} as {Key} (mode 600)";
        }

        /// <summary>After a failed commit: put the file back as it was (the URL written would not work).</summary>
        public void Undo()
        {
            if (Path is null) return;
            if (_existed) AtomicFile.Replace(Path, _previous!, OwnerOnly);
            else File.Delete(Path);
        }
    }
}
