using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Engine;
using Velvet.Core.Health;
using Velvet.Core.Manifest;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Store;
using Velvet.Vendors;
using Velvet.Vendors.Notifications;
using Velvet.Vendors.Tests.Heroku;
using Velvet.Vendors.Tests.Notifications;
using static Velvet.Vendors.Tests.Heroku.HerokuKit;

namespace Velvet.Server.Tests;

/// <summary>
/// The health watch against the local Heroku fake, a real SQLite store and fake time: one probe per interval however
/// many replicas watch, health_stale once per change (not every interval while it stays stale), health_recovered,
/// and no value in any message.
/// </summary>
public sealed class HealthWatchTests(NotificationReceiver receiver) : IClassFixture<NotificationReceiver>, IAsyncLifetime
{
    private const string Current = "HRKU-health-watch-canary-41c7d2";
    private static readonly TimeSpan Interval = TimeSpan.FromHours(6);
    private static readonly HttpClient Http = new();
    private HerokuFake _fake = null!;
    private string _authorizationId = "";
    private IJobStore _store = null!;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 0, 1, 0, TimeSpan.Zero));
    private readonly SecretMasker _masker = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await HerokuFake.StartAsync();
        _authorizationId = _fake.AddToken(Current);
        _fake.AddApp("raxx-api-prod", new Dictionary<string, string> { ["HEROKU_API_KEY"] = Current });
        _masker.Register(Current);
        var dir = Directory.CreateTempSubdirectory("velvet-health-watch-").FullName;
        _store = JobStoreFactory.Open("sqlite:" + Path.Combine(dir, "velvet.db"));
        await _store.MigrateAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await ((IAsyncDisposable)_store).DisposeAsync();
        await _fake.DisposeAsync();
    }

    private HealthWatch Watcher(string owner)
    {
        var manifest = new VelvetManifest
        {
            SourcePath = "health.yaml",
            Credentials = [TokenSpec(_fake, new() { ["authorization_id"] = _authorizationId })],
            Consumers = [ConfigVar(_fake, "raxx-api-prod")],
        };
        var secrets = Secrets((Token, Current), (Bootstrap, Current));
        var prober = new HealthProber(new CredentialBindings(manifest, Catalog(masker: _masker)), secrets, _masker, new ConsumerTargets(),
            new HealthOptions { MinInterval = TimeSpan.Zero }, _time);
        return new HealthWatch(prober, "prod", JobStoreFactory.Schedules(_store), JobStoreFactory.Notifications(_store),
            new HealthWatchOptions { Interval = Interval, Owner = owner }, _time, NullLogger.Instance);
    }

    /// <summary>The vendor starts refusing the token: its authorization is deleted at Heroku.</summary>
    private async Task RevokeAtVendorAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{_fake.BaseUrl}/oauth/authorizations/{_authorizationId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Current);
        request.Headers.Accept.ParseAdd(HerokuFake.AcceptV3);
        using var response = await Http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode);
    }

    private int VendorProbes => _fake.Server.RequestsTo("GET", "/account").Count;

    private async Task<IReadOnlyList<NotificationEvent>> OutboxAsync() =>
        (await JobStoreFactory.Notifications(_store).PendingFanOutAsync(100, Ct)).Where(e => e.Kind.StartsWith("health_", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task A_token_the_vendor_starts_refusing_raises_one_health_stale_over_several_intervals_then_one_recovered()
    {
        var watch = Watcher("replica-a");

        Assert.Empty((await watch.TickAsync(Ct))!.Raised);          // VALID: nothing to say
        _time.Advance(Interval);
        Assert.Empty((await watch.TickAsync(Ct))!.Raised);
        await RevokeAtVendorAsync();
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(Interval);
            var pass = await watch.TickAsync(Ct);
            Assert.Equal(HealthStatus.Stale, pass!.States[Token]);
        }
        // A person fixed it (a new authorization for the token) and restarted the server: the new watcher compares
        // with what the store recorded, so it says "recovered" once.
        _authorizationId = _fake.AddToken(Current);
        watch = Watcher("replica-a");
        _time.Advance(Interval);
        Assert.Equal(HealthStatus.Valid, (await watch.TickAsync(Ct))!.States[Token]);
        _time.Advance(Interval);
        Assert.Empty((await watch.TickAsync(Ct))!.Raised);

        var events = await OutboxAsync();
        Assert.Equal([NotificationKinds.HealthStale, NotificationKinds.HealthRecovered], events.Select(e => e.Kind));
        var stale = events[0];
        Assert.Equal((Token, "prod", "stale", (Guid?)null), (stale.CredentialName, stale.Env, stale.Status, stale.JobId));
        Assert.StartsWith("HTTP 401", stale.Reason, StringComparison.Ordinal);
        Assert.Equal($"health:{Token}:prod:health:2026-11-23T12:00Z:health_stale", stale.EventKey);
        Assert.Equal(8, VendorProbes); // eight intervals, one vendor probe each
    }

    [Fact]
    public async Task The_messages_carry_the_credential_state_and_reason_and_no_value()
    {
        var watch = Watcher("replica-a");
        await watch.TickAsync(Ct);
        await RevokeAtVendorAsync();
        _time.Advance(Interval);
        await watch.TickAsync(Ct);
        _authorizationId = _fake.AddToken(Current);
        _time.Advance(Interval);
        await Watcher("replica-b").TickAsync(Ct);

        var key = NotificationReceiver.NewKey();
        ChannelSpec[] specs =
        [
            new() { Name = "pager", Kind = ChannelKinds.Webhook, Events = [NotificationKinds.HealthStale, NotificationKinds.HealthRecovered],
                Settings = new Dictionary<string, string> { ["url"] = receiver.Hook(key).ToString() } },
        ];
        var dispatcher = new NotificationDispatcher(JobStoreFactory.Notifications(_store), _store,
            specs.Select(s => NotificationChannels.Create(s, Secrets(), Http, _time)), _masker, new DispatcherOptions { Owner = "replica-a" }, _time,
            NullLogger.Instance, () => 1.0);
        for (var i = 0; i < 5 && receiver.Received(key).Count < 2; i++)
        {
            _time.Advance(dispatcher.Options.PollInterval);
            await dispatcher.RunOnceAsync(Ct);
        }

        var posts = receiver.Received(key);
        // Sent in parallel: arrival order is not fixed.
        Assert.Equal(["health_recovered", "health_stale"], posts.Select(p => p.Headers["X-Velvet-Event"]).Order());
        var byEvent = posts.ToDictionary(p => p.Headers["X-Velvet-Event"]);
        using var stale = JsonDocument.Parse(byEvent["health_stale"].Body);
        var s = stale.RootElement;
        Assert.Equal(("warning", Token, "stale"), (s.GetProperty("severity").GetString(), s.GetProperty("credential").GetString(), s.GetProperty("status").GetString()));
        Assert.Equal($"{Token}: health STALE", s.GetProperty("title").GetString());
        Assert.Contains($"the health watch found {Token} STALE: HTTP 401", s.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("not repeated while it stays so", s.GetProperty("text").GetString(), StringComparison.Ordinal);
        using var recovered = JsonDocument.Parse(byEvent["health_recovered"].Body);
        Assert.Equal(("info", $"{Token}: health VALID again"), (recovered.RootElement.GetProperty("severity").GetString(), recovered.RootElement.GetProperty("title").GetString()));
        foreach (var post in posts) Assert.DoesNotContain(Current, post.Body, StringComparison.Ordinal); // canary
        var slots = await JobStoreFactory.Schedules(_store).ListSlotsAsync("prod", Ct);
        Assert.All(slots, slot => Assert.DoesNotContain(Current, slot.Outcome ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_watchers_on_one_store_probe_once_per_interval_and_share_what_they_saw()
    {
        var (a, b) = (Watcher("replica-a"), Watcher("replica-b"));
        await RevokeAtVendorAsync(); // stale from the start: the first interval notifies, later ones do not

        var passes = new List<HealthWatchPass?>();
        for (var i = 0; i < 4; i++)
        {
            // Both replicas wake for the interval at the same moment; the order alternates who gets there first.
            var ticks = i % 2 == 0 ? new[] { a.TickAsync(Ct), b.TickAsync(Ct) } : [b.TickAsync(Ct), a.TickAsync(Ct)];
            var results = await Task.WhenAll(ticks);
            Assert.Single(results, r => r is not null);
            passes.AddRange(results);
            _time.Advance(Interval);
        }

        Assert.Equal(4, VendorProbes);
        var slots = (await JobStoreFactory.Schedules(_store).ListSlotsAsync("prod", Ct)).Where(s => s.TokenName == HealthWatch.SlotToken).ToList();
        Assert.Equal(4, slots.Count);
        Assert.All(slots, s => Assert.Equal((SlotKind.Health, "{\"HK_PLATFORM_FULL\":\"stale\"}"), (s.Kind, s.Outcome)));
        Assert.Contains(slots, s => s.ClaimedBy == "replica-b");
        Assert.Single(await OutboxAsync());
        var audit = await JobStoreFactory.Subscribers(_store).ListSystemEventsAsync(100, Ct);
        Assert.Equal(4, audit.Count(e => e.Kind == HealthWatch.AuditKind));
    }

    [Fact]
    public async Task Run_probes_at_each_interval_start_on_the_time_provider()
    {
        var watch = Watcher("replica-a");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(60));
        var run = watch.RunAsync(stop.Token);

        while (VendorProbes < 1) await Task.Delay(5, stop.Token);
        // Nothing more until the next interval starts (06:00), however long the wait in small steps.
        for (var i = 0; i < 35; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(10)); // to 05:51
            await Task.Delay(2, stop.Token);
        }
        Assert.Equal(1, VendorProbes);
        while (VendorProbes < 2)
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(5, stop.Token);
        }
        var slots = (await JobStoreFactory.Schedules(_store).ListSlotsAsync("prod", Ct)).Where(s => s.TokenName == HealthWatch.SlotToken);
        Assert.Equal(["health:2026-11-23T00:00Z", "health:2026-11-23T06:00Z"], slots.Select(s => s.SlotKey).Order());
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Theory]
    [InlineData(null, HealthStatus.Stale, "health_stale")]
    [InlineData(HealthStatus.Valid, HealthStatus.Partial, "health_stale")]
    [InlineData(HealthStatus.Partial, HealthStatus.Stale, "health_stale")]
    [InlineData(HealthStatus.Stale, HealthStatus.Stale, null)]
    [InlineData(HealthStatus.Stale, HealthStatus.Partial, null)]
    [InlineData(HealthStatus.Stale, HealthStatus.Unknown, null)]
    [InlineData(HealthStatus.Valid, HealthStatus.Unknown, null)]
    [InlineData(HealthStatus.Valid, HealthStatus.Valid, null)]
    [InlineData(null, HealthStatus.Valid, null)]
    [InlineData(HealthStatus.Partial, HealthStatus.Valid, "health_recovered")]
    public void A_change_notifies_only_when_it_gets_worse_or_recovers(HealthStatus? was, HealthStatus now, string? expected) =>
        Assert.Equal(expected, HealthWatch.Change(was, now));
}
