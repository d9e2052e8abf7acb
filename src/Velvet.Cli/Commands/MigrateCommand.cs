using System.CommandLine;
using Velvet.Cli.Output;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Store;
using Velvet.Store.Postgres;

namespace Velvet.Cli.Commands;

/// <summary>
/// `velvet migrate`: the deploy step of the two-URL model. Migrations run with the OWNER connection
/// (--owner-url / VELVET_MIGRATION_URL) and grant data access to the role of the runtime URL (--store / VELVET_STORE).
/// </summary>
internal static class MigrateCommand
{
    public const string MigrationUrlEnv = "VELVET_MIGRATION_URL";

    public static Command Build(CliIO io)
    {
        var ownerUrl = new Option<string?>("--owner-url")
        {
            Description = $"PostgreSQL: the schema owner's connection, used for DDL and grants (default: ${MigrationUrlEnv}; " +
                "without it the store URL's role migrates, a one-URL setup). Ignored for SQLite",
        };
        var migrate = new Command("migrate", "Apply pending store migrations (PostgreSQL: as the owner, granting the runtime role)") { ownerUrl };
        migrate.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(GlobalOptions.JsonOutput);
            var owner = parse.GetValue(ownerUrl) ?? io.Environment(MigrationUrlEnv);
            if (string.IsNullOrWhiteSpace(owner)) owner = null;
            IJobStore store;
            try
            {
                store = JobStoreFactory.Open(VelvetRuntime.StoreLocation(parse, io.Environment));
                if (store is PostgresJobStore && owner is not null)
                {
                    await ((IAsyncDisposable)store).DisposeAsync().ConfigureAwait(false);
                    store = JobStoreFactory.Open(VelvetRuntime.StoreLocation(parse, io.Environment), owner);
                }
            }
            catch (ArgumentException ex)
            {
                io.Error(SecretMasker.Shared, ex.Message);
                return ExitCodes.Config;
            }
            await using var _ = (IAsyncDisposable)store;

            var pg = store as PostgresJobStore;
            if (pg is null && owner is not null)
                io.Err.WriteLine("note: the owner URL is ignored for SQLite (one file, no roles)");
            if (pg is not null && owner is null)
                io.Err.WriteLine($"note: no --owner-url or {MigrationUrlEnv}: migrating with the store URL's own role (one-URL setup)");

            IReadOnlyList<string> applied;
            try
            {
                applied = await ((IStoreMigrations)store).ApplyMigrationsAsync(ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                io.Error(SecretMasker.Shared, ex.Message);
                return ExitCodes.Failure;
            }
            if (json)
            {
                io.Out.WriteLine(Json.Serialize(new { backend = pg is null ? "sqlite" : "postgres", app_role = pg?.AppRole, applied }));
                return ExitCodes.Ok;
            }
            foreach (var script in applied) io.Out.WriteLine($"applied {script}");
            io.Out.WriteLine(applied.Count == 0 ? "schema is up to date: nothing to apply" : $"{applied.Count} migration(s) applied");
            if (pg is not null) io.Out.WriteLine($"runtime role: {pg.AppRole} (data access only; no DDL, no changes to the audit trail, no access to the migration journal)");
            return ExitCodes.Ok;
        });
        return migrate;
    }
}
