using System.CommandLine;
using Velvet.Core.Auth;
using Velvet.Server;
using Velvet.Store.Postgres;

namespace Velvet.Cli.Commands;

internal static class ServeCommand
{
    public static Command Build(CliIO io)
    {
        var urls = new Option<string?>("--urls") { Description = "Where to listen (default: http://0.0.0.0:$PORT when PORT is set, else http://127.0.0.1:8080)" };
        var cmd = new Command("serve", "Run the HTTP API and the engine's worker (refuses to start with an invalid manifest)") { urls };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            if (rt.Store is not IServiceTokenStore tokens)
                throw new CliException(ExitCodes.Config, "this store cannot hold service tokens");
            // Two-URL model: when an owner URL exists for migrations, the server must not run with owner powers.
            if (io.Environment("VELVET_MIGRATION_URL") is { Length: > 0 } && rt.Store is PostgresJobStore pg && await pg.MayMigrateAsync(ct).ConfigureAwait(false))
                throw new CliException(ExitCodes.Config,
                    "refusing to serve with a connection that can run migrations (the owner role): set VELVET_STORE to the restricted " +
                    "runtime role's URL (`velvet migrate` grants it what it needs) and keep the owner URL in VELVET_MIGRATION_URL for migrate only");
            var listen = parse.GetValue(urls) ?? (io.Environment("PORT") is { Length: > 0 } port ? $"http://0.0.0.0:{port}" : "http://127.0.0.1:8080");
            var flagName = io.Environment("VELVET_ROTATION_ENABLED") is not null ? "VELVET_ROTATION_ENABLED" : "VELVET_V2_ROTATION";
            var flag = io.Environment(flagName);
            var enabled = flag is null || flag.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";
            var services = new ServerServices
            {
                Manifest = rt.Manifest, Store = rt.Store, Tokens = tokens, Service = rt.Service, Runner = rt.Runner,
                Masker = rt.Masker, Env = rt.Env, RotationEnabled = enabled, Registry = rt.Registry, Notifier = NotificationsSetup.Dispatcher(rt),
                Targets = new Velvet.Vendors.ConsumerTargets(), MasterKey = rt.Box,
                RotationDisabledReason = enabled ? null : $"rotation is switched off on this instance ({flagName}={flag}): use the vendor's manual procedure",
            };
            await using var app = VelvetServer.Build(services, listen.Split(';', StringSplitOptions.RemoveEmptyEntries));
            io.Err.WriteLine($"velvet serve: env {rt.Env}, manifest {rt.Manifest.SourcePath}, {rt.Manifest.Credentials.Count} credential(s), rotation {(enabled ? "enabled" : "DISABLED")}, lease {rt.Service.Options.LeaseDuration.TotalSeconds:0}s, listening on {listen}");
            await app.StartAsync(ct).ConfigureAwait(false);
            try { await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
