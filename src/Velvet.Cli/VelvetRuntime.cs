using System.CommandLine;
using Microsoft.Extensions.Logging;
using Velvet.Core.Engine;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Registry;
using Velvet.Core.Secrets;
using Velvet.Store;
using Velvet.Store.Postgres;
using Velvet.Vendors;
using Velvet.Vendors.Local;

namespace Velvet.Cli;

/// <summary>Raised for configuration a person must fix; carries the exit code and an actionable message.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Everything a command needs, composed from options and environment: the CLI's composition root.</summary>
internal sealed class VelvetRuntime : IAsyncDisposable
{
    public required VelvetManifest Manifest { get; init; }
    public required IJobStore Store { get; init; }
    public required RotationService Service { get; init; }
    public required JobRunner Runner { get; init; }
    public required SecretMasker Masker { get; init; }
    /// <summary>The master key: seals new values; `serve` also seals the console's key ring with it.</summary>
    public required SecretBox Box { get; init; }
    /// <summary>Where current values and channel secrets come from (the vault consumer, else VELVET_SECRET_*): health probes and notifications authenticate with it.</summary>
    public required ISecretSource Secrets { get; init; }
    public required string Env { get; init; }
    public required string Actor { get; init; }
    public required ILoggerFactory LoggerFactory { get; init; }
    /// <summary>The subscriber registry when the store has one (both of Velvet's stores do).</summary>
    public SubscriberRegistry? Registry { get; init; }

    public static async Task<VelvetRuntime> OpenAsync(ParseResult parse, CancellationToken ct, ISecretSource? secrets = null, Func<string, string?>? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        var manifestPath = parse.GetValue(GlobalOptions.Manifest) ?? env("VELVET_MANIFEST") ?? "velvet.yaml";
        var stateDir = parse.GetValue(GlobalOptions.StateDir) ?? env("VELVET_STATE_DIR") ?? ".velvet-state";
        var masker = SecretMasker.Shared;
        var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = stateDir, Masker = masker });
        var manifest = LoadManifest(manifestPath, catalog.Kinds);
        var appEnv = parse.GetValue(GlobalOptions.Env) ?? env("APP_ENV") ?? SingleEnv(manifest)
            ?? throw new CliException(ExitCodes.Config, "no environment: set APP_ENV or pass --env (the manifest has credentials for several envs)");

        SecretBox box;
        try { box = SecretBox.FromEnvironment(env); }
        catch (MasterKeyException ex) { throw new CliException(ExitCodes.Config, ex.Message); }

        var store = await OpenStoreAsync(parse, env, ct).ConfigureAwait(false);

        var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(LogLevel.Warning);
            b.AddProvider(new MaskingLoggerProvider(new StderrLoggerProvider(), masker));
        });
        // Keyed fingerprints of what each consumer was sent: which version a write-only consumer holds, without the value.
        var options = new EngineOptions { Env = appEnv, FingerprintKey = box.DeriveKey("consumer-fingerprint"), LeaseDuration = LeaseDuration(env("VELVET_LEASE_SECONDS")) };
        var bindings = new CredentialBindings(manifest, catalog);
        var actor = ResolveActor(parse, env);
        // The file first: a manifest that cannot be built must never seed the subscribers table.
        ThrowIfProblems(bindings.Check(appEnv), "manifest adapters cannot be built");
        SubscriberRegistry? registry = null;
        if (store is ISubscriberStore subscribers)
        {
            // ADR-0041: the manifest seeds the subscribers table once; from then on the table says who holds a copy.
            registry = new SubscriberRegistry(subscribers, bindings, manifest, TimeProvider.System);
            await registry.SeedAndLoadAsync(actor, ct).ConfigureAwait(false);
            ThrowIfProblems(bindings.Check(appEnv), "registered subscribers cannot be built (fix them with PUT/DELETE /api/v1/subscribers)");
        }
        var service = new RotationService(store, bindings, box, masker, options, TimeProvider.System);
        // Current values: from a consumer marked current_value_source (a vault) when the credential has one, else the environment.
        secrets ??= new VaultSecretSource(bindings, appEnv, new EnvSecretSource(env, masker));
        var runner = new JobRunner(service, bindings, secrets, box, masker, TimeProvider.System, loggerFactory.CreateLogger<JobRunner>());
        return new VelvetRuntime
        {
            Manifest = manifest, Store = store, Service = service, Runner = runner, Masker = masker, Box = box,
            Env = appEnv, Actor = actor, LoggerFactory = loggerFactory, Registry = registry, Secrets = secrets,
        };
    }

    private static void ThrowIfProblems(IReadOnlyList<ManifestError> problems, string what)
    {
        if (problems.Count > 0)
            throw new CliException(ExitCodes.CheckFailed, $"{what} ({problems.Count} problem(s)):\n" + string.Join("\n", problems.Select(p => p.ToString())));
    }

    /// <summary>Where the store lives: --store, else VELVET_STORE, else sqlite:velvet.db.</summary>
    public static string StoreLocation(ParseResult parse, Func<string, string?> env) =>
        parse.GetValue(GlobalOptions.Store) ?? env("VELVET_STORE") ?? "sqlite:velvet.db";

    public static string ResolveActor(ParseResult parse, Func<string, string?> env) =>
        parse.GetValue(GlobalOptions.Actor) ?? env("VELVET_ACTOR") ?? env("USER") ?? "operator";

    /// <summary>
    /// Opens the store alone (no manifest, no master key) and brings its schema up to date when this connection may:
    /// always for SQLite; for PostgreSQL unless the role is a restricted runtime role (no access to the migration
    /// journal), whose schema is the owner's job (<c>velvet migrate</c>).
    /// </summary>
    public static async Task<IJobStore> OpenStoreAsync(ParseResult parse, Func<string, string?> env, CancellationToken ct)
    {
        IJobStore store;
        try { store = JobStoreFactory.Open(StoreLocation(parse, env)); }
        catch (ArgumentException ex) { throw new CliException(ExitCodes.Config, ex.Message); }
        try
        {
            if (store is not PostgresJobStore pg || await pg.MayMigrateAsync(ct).ConfigureAwait(false))
                await store.MigrateAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch (InvalidOperationException ex) when (store is PostgresJobStore)
        {
            if (store is IAsyncDisposable d) await d.DisposeAsync().ConfigureAwait(false);
            // Typically a restricted runtime role meeting a database nobody migrated yet.
            throw new CliException(ExitCodes.Config, ex.Message +
                $"; if the store URL is the restricted runtime role, migrate first with the owner's: velvet migrate --owner-url URL (or {Commands.MigrateCommand.MigrationUrlEnv})");
        }
        catch
        {
            if (store is IAsyncDisposable d) await d.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static VelvetManifest LoadManifest(string path, IReadOnlyList<AdapterKind> kinds)
    {
        if (!File.Exists(path))
            throw new CliException(ExitCodes.Config, $"manifest '{path}' not found: pass --manifest FILE or set VELVET_MANIFEST (see docs/manifest.md; `velvet demo` shows a working one)");
        var result = ManifestLoader.Load(path, kinds);
        if (!result.IsValid)
            throw new CliException(ExitCodes.CheckFailed, $"manifest is invalid ({result.Errors.Count} error(s)):\n" + string.Join("\n", result.Errors));
        return result.Manifest!;
    }

    /// <summary>VELVET_LEASE_SECONDS: how long a worker owns a job's step before another replica may take it over.</summary>
    internal static TimeSpan LeaseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return TimeSpan.FromSeconds(120);
        if (!int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 86_400)
            throw new CliException(ExitCodes.Config, $"VELVET_LEASE_SECONDS must be a whole number of seconds from 1 to 86400 (got '{text}'); default 120");
        return TimeSpan.FromSeconds(seconds);
    }

    private static string? SingleEnv(VelvetManifest m)
    {
        var envs = m.Credentials.Select(c => c.Env).Distinct(StringComparer.Ordinal).ToList();
        return envs.Count == 1 ? envs[0] : null;
    }

    public async ValueTask DisposeAsync()
    {
        LoggerFactory.Dispose();
        if (Store is IAsyncDisposable d) await d.DisposeAsync().ConfigureAwait(false);
    }
}
