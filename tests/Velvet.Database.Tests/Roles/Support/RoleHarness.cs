using Microsoft.Extensions.Logging;
using Npgsql;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Database.Roles;
using Velvet.Store;
using Velvet.Vendors;
using Velvet.Vendors.DotenvFile;
using Velvet.Vendors.Local;

namespace Velvet.Database.Tests.Roles.Support;

/// <summary>
/// A real engine (manifest YAML through the loader, built-in catalog, SQLite store, JobRunner) rotating a
/// postgres-role credential of the fixture's throwaway database. Consumers: a canonical dotenv vault and an app's
/// dotenv file. Velvet's current value of the credential is what the vault holds. <see cref="Restart"/> builds a new
/// engine over the same files, as after a crash.
/// </summary>
public sealed class RoleHarness : IAsyncDisposable
{
    public const string Cred = "APP_DATABASE_URL";
    public const string AdminVar = "TEST_DATABASE_ROOT_URL";
    private readonly List<IAsyncDisposable> _stores = [];

    public required PgDatabaseFixture Db { get; init; }
    public required string Dir { get; init; }
    public required RoleLayout Layout { get; init; }
    public required VelvetManifest Manifest { get; init; }
    public required SecretMasker Masker { get; init; }
    public required ListLogger Logs { get; init; }
    public required Func<IAdapterCatalog, IAdapterCatalog> Wrap { get; init; }
    public IJobStore Store { get; private set; } = null!;
    public RotationService Service { get; private set; } = null!;
    public JobRunner Runner { get; private set; } = null!;
    private ILoggerFactory? _loggers;

    public string VaultPath => Path.Combine(Dir, "vault.env");
    public string AppPath => Path.Combine(Dir, "app.env");

    public RoleTarget Target => new()
    {
        Layout = Layout,
        Admin = Dsn.Dsn.Parse(Db.AdminConnectionString),
        UrlTemplate = RoleTarget.TemplateFrom(Dsn.Dsn.Parse(Db.AdminConnectionString)),
        AdminSource = "$" + AdminVar,
    };

    public static async Task<RoleHarness> StartAsync(PgDatabaseFixture db, RoleMode mode, string name, Func<IAdapterCatalog, IAdapterCatalog>? wrap = null)
    {
        var dir = Directory.CreateTempSubdirectory("velvet-roles-").FullName;
        var role = db.RolePrefix + name;
        var layout = mode == RoleMode.InPlace ? RoleLayout.InPlace(role) : RoleLayout.Alternating(role);
        var masker = new SecretMasker();
        var yaml = $$"""
            version: 1
            credentials:
              - token_name: {{Cred}}
                vendor:
                  kind: postgres-role
                  settings:
                    mode: {{RoleLayout.ModeName(mode)}}
                    role: {{role}}
                    admin_url_env: {{AdminVar}}
                env: test
                canonical_consumer: vault
            consumers:
              - consumer_id: vault
                token_name: {{Cred}}
                kind: dotenv-file
                settings: { path: {{dir}}/vault.env, key: {{Cred}} }
              - consumer_id: app
                token_name: {{Cred}}
                kind: dotenv-file
                settings: { path: {{dir}}/app.env, key: DATABASE_URL }
            """;
        var loaded = ManifestLoader.LoadFromText(yaml, "roles.yaml", Catalog(db, dir, masker).Kinds);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var h = new RoleHarness
        {
            Db = db, Dir = dir, Layout = layout, Manifest = loaded.Manifest!, Masker = masker, Logs = new ListLogger(), Wrap = wrap ?? (c => c),
        };
        await h.BuildAsync();
        return h;
    }

    private static BuiltInAdapterCatalog Catalog(PgDatabaseFixture db, string dir, SecretMasker masker) => new(new BuiltInAdapterOptions
    {
        StateDirectory = Path.Combine(dir, "state"),
        Masker = masker,
        Environment = name => name == AdminVar ? db.AdminConnectionString : null,
    });

    private async Task BuildAsync()
    {
        var store = JobStoreFactory.Open("sqlite:" + Path.Combine(Dir, "velvet.db"));
        _stores.Add((IAsyncDisposable)store);
        await store.MigrateAsync(CancellationToken.None);
        Store = store;
        var bindings = new CredentialBindings(Manifest, Wrap(Catalog(Db, Dir, Masker)));
        Assert.Empty(bindings.Check("test"));
        _loggers?.Dispose();
        _loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        var options = new EngineOptions { Env = "test", RetryBaseDelay = TimeSpan.FromMilliseconds(5) };
        var box = new SecretBox(new byte[32]);
        Service = new RotationService(store, bindings, box, Masker, options, TimeProvider.System);
        Runner = new JobRunner(Service, bindings, new VaultSecretSource(VaultPath, Cred, Masker), box, Masker, TimeProvider.System, _loggers.CreateLogger<JobRunner>());
    }

    /// <summary>A new engine over the same store and files, as after a process restart.</summary>
    public Task Restart() => BuildAsync();

    /// <summary>Creates the roles (velvet db provision's core) and seeds both consumers with the first URL.</summary>
    public async Task<SecretValue> ProvisionAsync()
    {
        await using var provisioning = await RoleProvisioning.BeginAsync(Target, CancellationToken.None);
        var result = await provisioning.ApplyAsync(resetPassword: false, CancellationToken.None);
        Assert.Null(result.Problem);
        Assert.NotNull(result.Url);
        await provisioning.CommitAsync(CancellationToken.None);
        Masker.Register(result.Url);
        Seed(result.Url);
        return result.Url;
    }

    /// <summary>Gives the active login a known password (a canary) and seeds the consumers with its URL.</summary>
    public async Task<SecretValue> SetPasswordAsync(string login, string password)
    {
        await PgDatabaseFixture.ExecAsync(Db.AdminConnectionString, $"ALTER ROLE {PgText.Ident(login)} PASSWORD {PgText.Literal(password)}");
        var url = Target.UrlFor(login, password);
        Seed(url);
        return url;
    }

    private void Seed(SecretValue url)
    {
        foreach (var (path, key) in new[] { (VaultPath, Cred), (AppPath, "DATABASE_URL") })
            AtomicFile.Replace(path, DotenvText.Set(File.Exists(path) ? File.ReadAllText(path) : "", key, url.Reveal()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The URL the canonical vault holds now (what the next rotation starts from).</summary>
    public Dsn.Dsn VaultUrl() => Dsn.Dsn.Parse(DotenvText.Read(File.ReadAllText(VaultPath), Cred));

    public async Task<RotationJob> StartAsync(FlowType flow = FlowType.Operational)
    {
        var started = await Service.StartAsync(new StartRequest { CredentialName = Cred, Flow = flow, Actor = "alice" }, CancellationToken.None);
        return started.Unwrap().Job;
    }

    public async Task<RotationJob> ActAsync(Guid jobId, JobAction action)
    {
        var request = new ActionRequest { Action = action, Actor = "alice" };
        if (action == JobAction.ProceedRevoke) request = request with { ConfirmCredentialName = Cred, TicketId = "ROT-2026-11-" + Cred };
        var applied = await Service.ApplyAsync(jobId, request, CancellationToken.None);
        Assert.True(applied.IsOk, applied.Error?.Message);
        return (await Runner.RunAsync(jobId, CancellationToken.None))!;
    }

    /// <summary>Runs the automatic steps (a revocation job runs to its end by itself).</summary>
    public async Task<RotationJob> RunAsync(Guid jobId) => (await Runner.RunAsync(jobId, CancellationToken.None))!;

    /// <summary>verify → proceed_mint → proceed_revoke, asserting each stop; returns the finished job.</summary>
    public async Task<RotationJob> RotateAsync()
    {
        var job = await StartAsync();
        var verified = await ActAsync(job.JobId, JobAction.Verify);
        Assert.True(verified.Status == JobStatus.Verified, verified.LastError);
        var validated = await ActAsync(job.JobId, JobAction.ProceedMint);
        Assert.True(validated.Status == JobStatus.Validated, validated.LastError);
        var done = await ActAsync(job.JobId, JobAction.ProceedRevoke);
        Assert.True(done.Status == JobStatus.Done, done.LastError);
        return done;
    }

    /// <summary>Everything Velvet recorded or logged about the job: events, the job record, rows, log lines.</summary>
    public async Task<string> RecordedTextAsync(Guid jobId)
    {
        var events = await Store.GetEventsAsync(jobId, 0, CancellationToken.None);
        var job = await Store.GetJobAsync(jobId, CancellationToken.None);
        var rows = await Store.GetConsumerRowsAsync(jobId, CancellationToken.None);
        return string.Join("\n", events.Select(e => $"{e.Kind} {e.FromStatus} {e.ToStatus} {e.Detail}"))
            + "\n" + System.Text.Json.JsonSerializer.Serialize(job) + "\n" + System.Text.Json.JsonSerializer.Serialize(rows)
            + "\n" + string.Join("\n", Logs.Lines);
    }

    /// <summary>The stored SCRAM verifier of a role (superuser only): changes whenever a password is set.</summary>
    public async Task<string?> VerifierAsync(string role)
    {
        await using var conn = new NpgsqlConnection(Db.AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT rolpassword FROM pg_authid WHERE rolname = @r", conn);
        cmd.Parameters.AddWithValue("r", role);
        return (string?)await cmd.ExecuteScalarAsync();
    }

    public async Task<bool> CanLoginAsync(string role)
    {
        await using var conn = new NpgsqlConnection(Db.AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT rolcanlogin FROM pg_roles WHERE rolname = @r", conn);
        cmd.Parameters.AddWithValue("r", role);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        _loggers?.Dispose();
        foreach (var s in _stores) await s.DisposeAsync();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
