using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Engine;
using Velvet.Core.Health;
using Velvet.Core.Manifest;
using Velvet.Core.Secrets;
using Velvet.Vendors.Tests.Heroku;
using Velvet.Vendors.Tests.Support;
using static Velvet.Vendors.Tests.Heroku.HerokuKit;

namespace Velvet.Vendors.Tests.Health;

/// <summary>`velvet health` against the local Heroku fake (SPEC §8): vendor verify and consumer read-back, rolled up.</summary>
public sealed class CredentialHealthTests : IAsyncLifetime
{
    private const string Current = "HRKU-current-health-canary-5e1d";
    private const string Revoked = "HRKU-revoked-health-canary-77aa";
    private const string BootstrapToken = "HRKU-bootstrap-health-canary-0c2f";
    private HerokuFake _fake = null!;
    private string _currentId = "";

    public async ValueTask InitializeAsync()
    {
        _fake = await HerokuFake.StartAsync();
        _currentId = _fake.AddToken(Current);
        _fake.AddToken(BootstrapToken, "velvet bootstrap");
        _fake.AddApp("raxx-api-prod", new Dictionary<string, string> { ["HEROKU_API_KEY"] = Current });
        _fake.AddApp("raxx-api-staging", new Dictionary<string, string> { ["HEROKU_API_KEY"] = "HRKU-an-older-value" });
        _fake.AddApp("raxx-console-prod", new Dictionary<string, string> { ["HEROKU_API_KEY"] = Current });
        _fake.ForbiddenApps["raxx-console-prod"] = true;
    }

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HealthProber Prober(SecretMasker masker, TimeProvider? time = null)
    {
        var platform = TokenSpec(_fake, new() { ["authorization_id"] = _currentId });
        var stale = TokenSpec(_fake) with { TokenName = "HK_OLD_AUTOMATION" };
        var manifest = new VelvetManifest
        {
            SourcePath = "health.yaml",
            Credentials = [platform, stale],
            Consumers = [ConfigVar(_fake, "raxx-api-prod"), ConfigVar(_fake, "raxx-api-staging"), ConfigVar(_fake, "raxx-console-prod")],
        };
        var secrets = Secrets((Token, Current), (Bootstrap, BootstrapToken), ("HK_OLD_AUTOMATION", Revoked));
        return new HealthProber(new CredentialBindings(manifest, Catalog(masker: masker)), secrets, masker, new ConsumerTargets(),
            new HealthOptions { MinInterval = TimeSpan.Zero }, time ?? TimeProvider.System);
    }

    [Fact]
    public async Task A_refused_token_is_stale_with_its_401_and_a_valid_token_with_a_stale_copy_is_partial()
    {
        var masker = new SecretMasker();
        var report = await Prober(masker).CheckAsync("prod", Ct);

        Assert.True(report.AnyStale);
        var old = Assert.Single(report.Credentials, c => c.TokenName == "HK_OLD_AUTOMATION");
        Assert.Equal(HealthStatus.Stale, old.Status);
        Assert.Equal(401, old.Probes[0].HttpStatus);
        Assert.StartsWith("HTTP 401: ", old.Notes, StringComparison.Ordinal);

        var platform = Assert.Single(report.Credentials, c => c.TokenName == Token);
        Assert.Equal(HealthStatus.Partial, platform.Status);
        Assert.Equal(HealthStatus.Valid, platform.Probes[0].Status);
        var byConsumer = platform.Probes.Skip(1).ToDictionary(p => p.ConsumerId!);
        Assert.Equal(HealthStatus.Valid, byConsumer["heroku-config-raxx-api-prod"].Status);
        Assert.Equal("read-back", byConsumer["heroku-config-raxx-api-prod"].Check);
        Assert.Equal("raxx-api-prod/HEROKU_API_KEY", byConsumer["heroku-config-raxx-api-prod"].Target);
        Assert.Equal(HealthStatus.Stale, byConsumer["heroku-config-raxx-api-staging"].Status);
        Assert.Equal(HealthStatus.Partial, byConsumer["heroku-config-raxx-console-prod"].Status);
        Assert.Contains("HTTP 403 (missing scope or permission)", byConsumer["heroku-config-raxx-console-prod"].Reason, StringComparison.Ordinal);
        Assert.Contains("2/3 consumer(s) not healthy: heroku-config-raxx-api-staging (STALE), heroku-config-raxx-console-prod (PARTIAL)", platform.Notes, StringComparison.Ordinal);

        var everything = string.Join("\n", report.Credentials.SelectMany(c => c.Probes.Select(p => p.Reason).Append(c.Notes)));
        AssertClean(everything, Current, Revoked, BootstrapToken, "HRKU-an-older-value");
    }

    [Fact]
    public async Task Probes_of_one_vendor_run_one_at_a_time()
    {
        _fake.Server.Latency = TimeSpan.FromMilliseconds(30); // parallel calls would overlap at the fake
        await Prober(new SecretMasker()).CheckAsync("prod", Ct);
        // Two token verifies and three config-var reads, all Heroku: never two at once.
        Assert.True(_fake.Server.Requests.Count >= 5);
        Assert.Equal(1, _fake.Server.MaxConcurrent);
    }

    [Fact]
    public async Task The_throttle_spaces_calls_of_one_vendor_by_the_minimum_interval_and_leaves_others_alone()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var throttle = new ProbeThrottle(TimeSpan.FromSeconds(2), time);
        var calls = new List<(string Key, DateTimeOffset At)>();
        Task<int> Call(string key) => throttle.RunAsync(key, () => { lock (calls) calls.Add((key, time.GetUtcNow())); return Task.FromResult(1); }, Ct);

        await Call("heroku");
        var second = Call("heroku");
        await Call("github"); // another vendor: not held back
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await second;
        Assert.Equal([("heroku", time.Start), ("github", time.Start), ("heroku", time.Start.AddSeconds(2))], calls);
    }
}
