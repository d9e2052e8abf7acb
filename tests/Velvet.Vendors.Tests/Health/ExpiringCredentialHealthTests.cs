using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Engine;
using Velvet.Core.Health;
using Velvet.Core.Manifest;
using Velvet.Core.Secrets;
using Velvet.Vendors.Cloudflare;
using Velvet.Vendors.Local;
using Velvet.Vendors.Tests.Cloudflare;

namespace Velvet.Vendors.Tests.Health;

/// <summary>"Expiring soon" from the vendor's own expiry (Cloudflare's expires_on), against the local Cloudflare fake.</summary>
public sealed class ExpiringCredentialHealthTests : IAsyncLifetime
{
    private const string SoonValue = "cf-health-soon-canary-19ab";
    private const string LaterValue = "cf-health-later-canary-0c3e";
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private FakeCloudflare _cf = null!;
    private FakeCloudflare.Token _soon = null!;
    private FakeCloudflare.Token _later = null!;

    public async ValueTask InitializeAsync()
    {
        _cf = await FakeCloudflare.StartAsync();
        _soon = _cf.Add(SoonValue, "dns-edit");
        _soon.ExpiresOn = "2026-06-06T00:00:00Z";
        _later = _cf.Add(LaterValue, "zone-read");
        _later.ExpiresOn = "2026-09-01T00:00:00Z";
    }

    public async ValueTask DisposeAsync() => await _cf.DisposeAsync();

    private CredentialSpec Spec(string name, FakeCloudflare.Token token) => new()
    {
        TokenName = name, Env = "prod",
        Vendor = new AdapterSpec { Kind = CloudflareTokenVendor.KindName, Settings = new Dictionary<string, string> { ["token_id"] = token.Id, ["api_url"] = _cf.ApiUrl.ToString() } },
    };

    [Fact]
    public async Task A_token_that_expires_within_14_days_is_partial_with_the_date()
    {
        var masker = new SecretMasker();
        var manifest = new VelvetManifest { SourcePath = "cf.yaml", Credentials = [Spec("CF_DNS_EDIT", _soon), Spec("CF_ZONE_READ", _later)], Consumers = [] };
        var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.GetTempPath(), Masker = masker });
        var secrets = new DictionarySecretSource(new Dictionary<string, string> { ["CF_DNS_EDIT"] = SoonValue, ["CF_ZONE_READ"] = LaterValue });
        var prober = new HealthProber(new CredentialBindings(manifest, catalog), secrets, masker, new ConsumerTargets(), new HealthOptions { MinInterval = TimeSpan.Zero }, new FakeTimeProvider(Now));

        var report = await prober.CheckAsync("prod", TestContext.Current.CancellationToken);

        var soon = Assert.Single(report.Credentials, c => c.TokenName == "CF_DNS_EDIT");
        Assert.Equal(HealthStatus.Partial, soon.Status);
        Assert.StartsWith("expiring soon: 2026-06-06 00:00:00Z (in 4d); ", soon.Notes, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Valid, Assert.Single(report.Credentials, c => c.TokenName == "CF_ZONE_READ").Status);
        Assert.False(report.AnyStale);
        Assert.All(report.Credentials, c => Assert.DoesNotContain(SoonValue, c.Notes, StringComparison.Ordinal));
    }
}
