using Microsoft.Playwright;
using Velvet.Console.Tests.Support;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Engine.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Velvet.Console.Tests;

/// <summary>The inventory page (GET /inventory's data) and the notification channels' status (/readyz's data).</summary>
public sealed class OperationsTests(BrowserFixture browser)
{
    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task Inventory_shows_every_copy_with_kind_target_and_written_fingerprint_and_never_the_value()
    {
        await using var server = await ConsoleHarness.StartAsync(options: o => o with { FingerprintKey = new byte[32] });
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "vera");
        var page = tab.Page;
        var job = await server.Engine.StartJobAsync();
        await server.Engine.VerifyAndMintAsync(job.JobId);
        var value = server.Engine.Apps.Held("billing");
        Assert.False(string.IsNullOrEmpty(value));

        await page.GotoAsync("/console/credentials");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Inventory" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Inventory", Level = 1 })).ToBeVisibleAsync();
        var section = page.Locator($"section[data-credential=\"{Harness.Cred}\"]");
        await Expect(section.Locator("tbody tr")).ToHaveCountAsync(4);
        var vault = section.Locator("tr[data-consumer=vault]");
        await Expect(vault).ToContainTextAsync("dotenv file");
        await Expect(vault).ToContainTextAsync($"vault.env:{Harness.Cred}");
        await Expect(vault).ToContainTextAsync("canonical");
        await Expect(vault).Not.ToContainTextAsync("never by Velvet");
        await Expect(section.Locator("tr[data-consumer=billing]")).ToContainTextAsync("HTTP endpoint");
        await Expect(section.Locator("tr[data-consumer=billing]")).ToContainTextAsync("/config/billing");
        var written = await section.Locator("tr[data-consumer=vault] td[data-label=Fingerprint]").InnerTextAsync();
        Assert.StartsWith("hmac", written.Trim(), StringComparison.Ordinal);
        await Expect(page.Locator("section[data-credential=DEPLOY_TOKEN]")).ToContainTextAsync("manual_only");
        await tab.ScreenshotAsync("inventory");

        var everything = new List<string> { await page.ContentAsync(), await (await page.APIRequest.GetAsync("/inventory")).TextAsync() };
        everything.AddRange(await tab.BodiesAsync());
        everything.AddRange(server.ServerLogs.Lines);
        foreach (var text in everything)
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
    }

    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task A_cron_schedule_gets_its_next_due_time_from_the_scheduler_on_the_credentials_page()
    {
        await using var server = await ConsoleHarness.StartAsync((d, u) => Harness.DefaultManifest(d, u, extraCredential: """
              - token_name: CRON_TOKEN
                vendor: { kind: generated }
                mode: automatic
                env: test
                schedule: { cron: "0 3 1 * *" }
            """));
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "vera");
        var row = tab.Page.Locator("#credentials tr", new() { HasText = "CRON_TOKEN" });
        await Expect(row.Locator("td[data-label='Age / cadence']")).ToContainTextAsync("cron 0 3 1 * *");
        await Expect(row.Locator("td[data-label='Next due']")).ToContainTextAsync(" UTC");
        await Expect(tab.Page.Locator("#credentials tr", new() { HasText = "DEPLOY_TOKEN" }).Locator("td[data-label='Next due']")).ToHaveTextAsync("—");
    }

    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task A_failing_notification_channel_shows_a_warning_strip_and_its_scrubbed_error_on_the_stuck_page()
    {
        await using var server = await ConsoleHarness.StartAsync((d, u) => Harness.DefaultManifest(d, u) + """

            notifications:
              channels:
                - name: ops-slack
                  kind: slack_webhook
                  url_secret: SL_OPS_WEBHOOK
                - name: quiet
                  kind: slack_webhook
                  url_secret: SL_QUIET_WEBHOOK
            """);
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "vera");
        var page = tab.Page;
        await page.GotoAsync("/console/credentials");
        await Expect(page.Locator("#channel-warning")).ToHaveCountAsync(0);

        await FailOneDeliveryAsync(server, "ops-slack", "slack answered 404 no_service");

        await page.ReloadAsync();
        var strip = page.Locator("#channel-warning");
        await Expect(strip).ToContainTextAsync("Notifications are failing: ops-slack");
        await Expect(strip).Not.ToContainTextAsync("quiet");
        await strip.GetByRole(AriaRole.Link, new() { Name = "See the channel status" }).ClickAsync();
        var row = page.Locator("#channel-status tr[data-channel=ops-slack]");
        await Expect(row.Locator("td[data-label=State]")).ToHaveTextAsync("failing");
        await Expect(row).ToContainTextAsync("404 no_service");
        await Expect(row.Locator("td[data-label=Queued]")).ToHaveTextAsync("1");
        await Expect(page.Locator("#channel-status tr[data-channel=quiet]")).ToContainTextAsync("nothing sent yet");
        await tab.ScreenshotAsync("stuck-channels");
    }

    /// <summary>What the dispatcher records when a send fails: an event fanned out to the channel, claimed, attempt failed (retry later).</summary>
    private static async Task FailOneDeliveryAsync(ConsoleHarness server, string channel, string error)
    {
        var ct = TestContext.Current.CancellationToken;
        var outbox = (INotificationStore)server.Engine.Store;
        var now = TimeProvider.System.GetUtcNow();
        var job = await server.Engine.StartJobAsync();
        await outbox.EnqueueNotificationAsync(NotificationEvent.Stuck(job, "waiting on a person", now), ct);
        foreach (var e in await outbox.PendingFanOutAsync(10, ct))
            await outbox.FanOutAsync(e.Id, [new NewDelivery(channel, "{}")], now, ct);
        var claimed = await outbox.ClaimDeliveriesAsync("test", now, now.AddMinutes(1), 10, ct);
        Assert.NotEmpty(claimed);
        foreach (var d in claimed)
            Assert.True(await outbox.CompleteDeliveryAsync(new DeliveryAttempt { Id = d.Id, Owner = "test", At = now, NextAttemptAt = now.AddHours(1), Error = error }, ct));
    }
}
