using Velvet.Core.Notifications;

namespace Velvet.Core.Tests.Manifest;

/// <summary>notifications: retention, failed_retention and the health watch's interval.</summary>
public class ManifestLoaderRetentionTests
{
    private const string Head = """
        version: 1
        credentials:
          - token_name: DEMO_API_TOKEN
            vendor: { kind: generated }
            env: demo
        """;

    private static Velvet.Core.Manifest.ManifestLoadResult Load(string notifications) => TestKinds.Load(Head + "\n" + notifications);

    [Fact]
    public void Defaults_are_30_days_90_days_and_no_health_watch()
    {
        var n = Load("notifications:\n  channels: []\n").Manifest!.Notifications;
        Assert.Equal((TimeSpan.FromDays(30), TimeSpan.FromDays(90), (TimeSpan?)null), (n.Retention, n.FailedRetention, n.HealthWatchInterval));
        Assert.Equal((TimeSpan.FromDays(30), TimeSpan.FromDays(90)), (NotificationSettings.None.Retention, NotificationSettings.None.FailedRetention));
    }

    [Fact]
    public void Retention_limits_and_the_health_interval_load()
    {
        var result = Load("notifications:\n  retention: 14d\n  failed_retention: 2160h\n  health: { interval: 6h }\n  channels: []\n");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var n = result.Manifest!.Notifications;
        Assert.Equal((TimeSpan.FromDays(14), TimeSpan.FromDays(90), (TimeSpan?)TimeSpan.FromHours(6)), (n.Retention, n.FailedRetention, n.HealthWatchInterval));
    }

    [Theory]
    [InlineData("  retention: forever\n", "velvet.yaml:7:14: notifications: retention \"forever\" is not a duration of at least 1h", "write retention: 30d")]
    [InlineData("  failed_retention: 10m\n", "notifications: failed_retention \"10m\" is not a duration of at least 1h", "write failed_retention: 90d")]
    [InlineData("  health: { interval: 1m }\n", "notifications: health: interval \"1m\" is not a duration of at least 5m", "write interval: 6h")]
    [InlineData("  health: { every: 6h }\n", "notifications: health: unknown key \"every\"", "interval")]
    [InlineData("  health: {}\n", "notifications: health: missing required key interval", "remove health: to turn the watch off")]
    [InlineData("  health: 6h\n", "health must be a mapping", "health: { interval: 6h }")]
    public void A_bad_setting_names_the_line_the_key_and_what_to_write(string line, string message, string fix)
    {
        var result = Load("notifications:\n" + line + "  channels: []\n");
        Assert.False(result.IsValid);
        // A typo (every:) is also a missing interval: both are said, each with its fix.
        var error = Assert.Single(result.Errors, e => e.ToString().Contains(message, StringComparison.Ordinal)).ToString();
        Assert.Contains(fix, error, StringComparison.Ordinal);
    }
}
