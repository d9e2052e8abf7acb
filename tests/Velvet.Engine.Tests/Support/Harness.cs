using Microsoft.Extensions.Logging;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Results;
using Velvet.Core.Secrets;
using Velvet.Store;
using Velvet.Vendors;
using Velvet.Vendors.Generated;
using Velvet.Vendors.Local;

namespace Velvet.Engine.Tests.Support;

/// <summary>
/// A real engine on a temp folder: SQLite store, built-in adapters, local fake apps. The manifest is YAML
/// through the real loader. <see cref="Restart"/> builds a fresh engine over the same files (crash resume).
/// </summary>
public sealed class Harness : IAsyncDisposable
{
    public const string Cred = "API_TOKEN";
    public const string DeployToken = "deploy-token-for-tests-0001";
    private readonly List<IAsyncDisposable> _stores = [];

    public required string Dir { get; init; }
    public required FakeApps Apps { get; init; }
    public required SecretMasker Masker { get; init; }
    public required SecretBox Box { get; init; }
    public required DictionarySecretSource Secrets { get; init; }
    public required VelvetManifest Manifest { get; init; }
    public required ListLoggerProvider Logs { get; init; }
    public required EngineOptions Options { get; init; }
    public Func<IAdapterCatalog, IAdapterCatalog> Wrap { get; init; } = c => c;
    /// <summary>Opens the job store; SQLite in the temp folder unless a test passes PostgreSQL.</summary>
    public Func<Harness, IJobStore> OpenStore { get; init; } = h => JobStoreFactory.Open("sqlite:" + h.DbPath);
    public IJobStore Store { get; private set; } = null!;
    public RotationService Service { get; private set; } = null!;
    public JobRunner Runner { get; private set; } = null!;
    public ILoggerFactory LoggerFactory { get; private set; } = null!;
    public string StateDir => Path.Combine(Dir, "state");
    public string DbPath => Path.Combine(Dir, "velvet.db");

    /// <summary>Default manifest: canonical dotenv vault, one dotenv app, two http apps with healthchecks.</summary>
    public static string DefaultManifest(string dir, string url, string extraCredential = "", string extraConsumers = "", string mode = "automatic") => $"""
        version: 1
        credentials:
          - token_name: {Cred}
            vendor: {"{"} kind: generated, settings: {"{"} length: 32 {"}"} {"}"}
            mode: {mode}
            env: test
            canonical_consumer: vault
          - token_name: DEPLOY_TOKEN
            vendor: {"{"} kind: generated {"}"}
            mode: manual_only
            env: test
            runbook_url: https://runbooks.example/deploy-token
        {extraCredential}
        consumers:
          - consumer_id: vault
            token_name: {Cred}
            kind: dotenv-file
            settings: {"{"} path: {dir}/vault.env, key: {Cred} {"}"}
          - consumer_id: app-env
            token_name: {Cred}
            kind: dotenv-file
            settings: {"{"} path: {dir}/app.env, key: {Cred} {"}"}
          - consumer_id: billing
            token_name: {Cred}
            kind: http
            update_endpoint: {url}/config/billing
            update_auth_token_name: DEPLOY_TOKEN
            healthcheck_endpoint: {url}/health/billing
          - consumer_id: search
            token_name: {Cred}
            kind: http
            update_endpoint: {url}/config/search
            update_auth_token_name: DEPLOY_TOKEN
            healthcheck_endpoint: {url}/health/search
        {extraConsumers}
        """;

    public static async Task<Harness> StartAsync(Func<string, string, string>? manifest = null, Func<EngineOptions, EngineOptions>? options = null,
        Func<IAdapterCatalog, IAdapterCatalog>? wrap = null, Func<Harness, IJobStore>? store = null)
    {
        var dir = Directory.CreateTempSubdirectory("velvet-engine-").FullName;
        var apps = await FakeApps.StartAsync();
        var masker = new SecretMasker();
        var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.Combine(dir, "state"), Masker = masker });
        var text = (manifest ?? ((d, u) => DefaultManifest(d, u)))(dir, apps.BaseUrl);
        var loaded = ManifestLoader.LoadFromText(text, "test.yaml", catalog.Kinds);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var secrets = new DictionarySecretSource(masker);
        secrets.Set("DEPLOY_TOKEN", new SecretValue(DeployToken));
        var engineOptions = new EngineOptions { Env = "test", RetryBaseDelay = TimeSpan.FromMilliseconds(5) };
        var h = new Harness
        {
            Dir = dir, Apps = apps, Masker = masker, Box = new SecretBox(new byte[32]), Secrets = secrets,
            Manifest = loaded.Manifest!, Logs = new ListLoggerProvider(), Options = options?.Invoke(engineOptions) ?? engineOptions,
            Wrap = wrap ?? (c => c),
        };
        if (store is not null) h = h.WithStore(store);
        var authority = new GeneratedCredentialAuthority(h.StateDir);
        apps.IsAccepted = v => authority.IsAccepted(Cred, v);
        await h.BuildAsync();
        return h;
    }

    private Harness WithStore(Func<Harness, IJobStore> open) => new()
    {
        Dir = Dir, Apps = Apps, Masker = Masker, Box = Box, Secrets = Secrets, Manifest = Manifest, Logs = Logs, Options = Options,
        Wrap = Wrap, OpenStore = open,
    };

    private async Task BuildAsync()
    {
        var store = OpenStore(this);
        _stores.Add((IAsyncDisposable)store);
        await store.MigrateAsync(CancellationToken.None);
        Store = store;
        var catalog = Wrap(new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = StateDir, Masker = Masker }));
        var bindings = new CredentialBindings(Manifest, catalog);
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new MaskingLoggerProvider(Logs, Masker)));
        Service = new RotationService(store, bindings, Box, Masker, Options, TimeProvider.System);
        Runner = new JobRunner(Service, bindings, Secrets, Box, Masker, TimeProvider.System, LoggerFactory.CreateLogger<JobRunner>());
    }

    /// <summary>A new engine over the same store file and vendor state, as after a process restart.</summary>
    public async Task Restart() => await BuildAsync();

    /// <summary>Puts a first credential in place at the vendor and in every consumer, as before any rotation.</summary>
    public async Task<SecretValue> SeedAsync(string credential = Cred)
    {
        var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = StateDir, Masker = Masker });
        var spec = Manifest.FindCredential(credential)!;
        var vendor = catalog.CreateVendor(spec);
        var value = vendor.GenerateValue();
        var ctx = new VendorContext { JobId = Guid.Empty, CredentialName = credential, Env = "test", IdempotencyTag = "seed", Secrets = Secrets };
        Assert.True((await vendor.MintAsync(ctx, value, CancellationToken.None)).Outcome.IsSuccess);
        foreach (var c in Manifest.ConsumersOf(credential, "test"))
        {
            if (c.Kind == "http") { Apps.Seed(c.ConsumerId, value.Reveal()); continue; }
            var cc = new ConsumerContext { JobId = Guid.Empty, CredentialName = credential, ConsumerId = c.ConsumerId, Env = "test", Secrets = Secrets };
            Assert.True((await catalog.CreateConsumer(spec, c).PushAsync(cc, value, CancellationToken.None)).IsSuccess);
        }
        return value;
    }

    public async Task<RotationJob> StartJobAsync(FlowType flow = FlowType.Operational, string credential = Cred, bool forceRevoke = false)
    {
        var r = await Service.StartAsync(new StartRequest { CredentialName = credential, Flow = flow, Actor = "alice", ForceRevoke = forceRevoke }, CancellationToken.None);
        return r.Unwrap().Job;
    }

    /// <summary>Applies an action (must be allowed) and runs the automatic steps to the next stop.</summary>
    public async Task<RotationJob> ActAsync(Guid jobId, JobAction action, Func<ActionRequest, ActionRequest>? with = null)
    {
        var request = new ActionRequest { Action = action, Actor = "alice" };
        if (action == JobAction.ProceedRevoke) request = request with { ConfirmCredentialName = Cred, TicketId = "ROT-2026-11-" + Cred };
        var applied = await Service.ApplyAsync(jobId, with?.Invoke(request) ?? request, CancellationToken.None);
        Assert.True(applied.IsOk, applied.Error?.Message);
        return (await Runner.RunAsync(jobId, CancellationToken.None))!;
    }

    public async Task<Result<RotationJob>> TryActAsync(Guid jobId, ActionRequest request) => await Service.ApplyAsync(jobId, request, CancellationToken.None);

    public Task<IReadOnlyList<ConsumerRow>> RowsAsync(Guid jobId) => Store.GetConsumerRowsAsync(jobId, CancellationToken.None);

    public Task<IReadOnlyList<JobEvent>> EventsAsync(Guid jobId) => Store.GetEventsAsync(jobId, 0, CancellationToken.None);

    /// <summary>Every place a job leaves text: log lines, events, rows, the job record and the store's files (as bytes).</summary>
    public async Task<List<(string Sink, string Text)>> SinksAsync(Guid jobId)
    {
        var sinks = new List<(string Sink, string Text)>();
        sinks.AddRange(Logs.Lines.Select(l => ("log", l)));
        sinks.AddRange((await EventsAsync(jobId)).Select(e => ("event", System.Text.Json.JsonSerializer.Serialize(e))));
        sinks.AddRange((await RowsAsync(jobId)).Select(r => ("row", System.Text.Json.JsonSerializer.Serialize(r))));
        sinks.Add(("job", System.Text.Json.JsonSerializer.Serialize(await Store.GetJobAsync(jobId, CancellationToken.None))));
        foreach (var file in Directory.GetFiles(Dir, "velvet.db*"))
            sinks.Add(("db:" + Path.GetFileName(file), System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken))));
        return sinks;
    }

    /// <summary>None of <paramref name="values"/> (nor its base64 form) appears in any sink of the job; the log must not be empty.</summary>
    public async Task AssertNoCanaryAsync(Guid jobId, params string[] values)
    {
        Assert.NotEmpty(Logs.Lines);
        var forms = values.Concat(values.Select(v => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(v)))).ToList();
        foreach (var (sink, text) in await SinksAsync(jobId))
            foreach (var form in forms)
                Assert.False(text.Contains(form, StringComparison.Ordinal), $"canary found in {sink}");
    }

    public async Task<RotationJob> RunToGateAsync(Guid jobId) => (await Runner.RunAsync(jobId, CancellationToken.None))!;

    /// <summary>verify → proceed_mint: the job stops at validated (or wherever it fails).</summary>
    public async Task<RotationJob> VerifyAndMintAsync(Guid jobId)
    {
        var verified = await ActAsync(jobId, JobAction.Verify);
        Assert.Equal(JobStatus.Verified, verified.Status);
        return await ActAsync(jobId, JobAction.ProceedMint);
    }

    public async ValueTask DisposeAsync()
    {
        LoggerFactory.Dispose();
        foreach (var s in _stores) await s.DisposeAsync();
        await Apps.DisposeAsync();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
