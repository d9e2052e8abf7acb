using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Schedules;
using Velvet.Core.Secrets;
using Velvet.Store;
using Velvet.Vendors;

namespace Velvet.Engine.Tests.Schedules;

/// <summary>
/// Two replicas (each its own store connection, rotation service and scheduler) on one store, driven by one
/// <see cref="FakeTimeProvider"/>. No worker runs: scheduled jobs stay where the scheduler created them.
/// </summary>
public sealed class ScheduleKit : IAsyncDisposable
{
    /// <summary>2026-06-01 02:00 UTC, a Monday.</summary>
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 2, 0, 0, TimeSpan.Zero);

    public static readonly string Manifest = """
        version: 1
        credentials:
          - token_name: ROLE_A
            vendor: { kind: generated }
            env: test
            schedule: { every: 30d }
            related_to: [ROLE_B]
          - token_name: ROLE_B
            vendor: { kind: generated }
            env: test
            schedule: { every: 30d }
          - token_name: SOLO
            vendor: { kind: generated }
            env: test
            schedule: { cron: "0 3 * * *" }
            auto_advance: [verify, mint]
          - token_name: BY_HAND
            vendor: { kind: generated }
            mode: manual_only
            runbook_url: https://runbooks.example/by-hand
            env: test
            schedule: { every: 7d }
          - token_name: UNSCHEDULED
            vendor: { kind: generated }
            env: test
        consumers:
          - { consumer_id: app, token_name: ROLE_A, kind: dotenv-file, settings: { path: DIR/a.env, key: ROLE_A } }
          - { consumer_id: app, token_name: ROLE_B, kind: dotenv-file, settings: { path: DIR/b.env, key: ROLE_B } }
          - { consumer_id: app, token_name: SOLO, kind: dotenv-file, settings: { path: DIR/s.env, key: SOLO } }
          - { consumer_id: app, token_name: UNSCHEDULED, kind: dotenv-file, settings: { path: DIR/u.env, key: UNSCHEDULED } }
        """;

    private readonly List<IJobStore> _stores = [];

    public FakeTimeProvider Time { get; } = new(Start);
    public required string Dir { get; init; }
    public required VelvetManifest Loaded { get; init; }
    public List<(RotationService Service, Scheduler Scheduler, IJobStore Store)> Replicas { get; } = [];
    public SchedulerOptions Options { get; } = new() { PairGap = TimeSpan.FromHours(1) };

    public static async Task<ScheduleKit> StartAsync(Func<string, IJobStore> open, string? manifest = null)
    {
        var dir = Directory.CreateTempSubdirectory("velvet-sched-").FullName;
        var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.Combine(dir, "state"), Masker = new SecretMasker() });
        var loaded = ManifestLoader.LoadFromText((manifest ?? Manifest).Replace("DIR", dir, StringComparison.Ordinal), "schedules.yaml", catalog.Kinds);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var kit = new ScheduleKit { Dir = dir, Loaded = loaded.Manifest! };
        for (var i = 0; i < 2; i++)
        {
            var store = open(dir);
            kit._stores.Add(store);
            await store.MigrateAsync(CancellationToken.None);
            var masker = new SecretMasker();
            var options = new EngineOptions { Env = "test", InstanceId = $"replica-{i}" };
            var service = new RotationService(store, new CredentialBindings(kit.Loaded, catalog), new SecretBox(new byte[32]), masker, options, kit.Time);
            var scheduler = new Scheduler(service, JobStoreFactory.Schedules(store), kit.Options, kit.Time, NullLogger<Scheduler>.Instance);
            kit.Replicas.Add((service, scheduler, store));
        }
        return kit;
    }

    public IJobStore Store => Replicas[0].Store;

    /// <summary>Both replicas run a pass at the same moment.</summary>
    public async Task<SchedulerPass[]> TickBothAsync() =>
        await Task.WhenAll(Replicas.Select(r => Task.Run(() => r.Scheduler.TickAsync(CancellationToken.None))));

    public async Task<IReadOnlyList<RotationJob>> JobsOf(string credential) =>
        await Store.ListJobsAsync(new JobQuery { CredentialName = credential, Limit = 100 }, CancellationToken.None);

    /// <summary>The outbox's schedule_due events (none is fanned out: no dispatcher runs here).</summary>
    public async Task<IReadOnlyList<NotificationEvent>> DueNotificationsAsync() =>
        (await ((INotificationStore)Store).PendingFanOutAsync(500, CancellationToken.None)).Where(e => e.Kind == NotificationKinds.ScheduleDue).ToList();

    public async Task AbortAsync(Guid jobId) =>
        (await Replicas[0].Service.ApplyAsync(jobId, new ActionRequest { Action = JobAction.Abort, Actor = "alice", Reason = "test" }, CancellationToken.None)).Unwrap();

    public async Task<SchedulePlan> PlanOf(string credential) =>
        (await Replicas[1].Scheduler.PlanAsync(CancellationToken.None)).Single(p => p.TokenName == credential);

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _stores) await ((IAsyncDisposable)s).DisposeAsync();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
