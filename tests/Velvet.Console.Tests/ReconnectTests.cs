using Velvet.Console.Tests.Support;
using Velvet.Engine.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Velvet.Console.Tests;

/// <summary>A dropped event stream: the wizard reconnects and neither its rows nor its audit trail miss an event.</summary>
public sealed class ReconnectTests(BrowserFixture browser)
{
    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task After_dropped_streams_the_wizard_reconnects_and_shows_every_event_once()
    {
        await using var server = await ConsoleHarness.StartAsync();
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "alice");
        var page = tab.Page;
        var dropped = 0;
        // The first two stream requests fail at the network level, as when a proxy or a laptop's Wi-Fi drops.
        await page.RouteAsync("**/stream", async route =>
        {
            if (Interlocked.Increment(ref dropped) <= 2) await route.AbortAsync("connectionreset");
            else await route.ContinueAsync();
        });
        await page.StartRotationAsync(Harness.Cred);
        await page.VerifyAndMintAsync();
        await page.ExpectStatusAsync("validated");
        Assert.True(dropped >= 3, $"the page opened the stream {dropped} time(s)");
        await Expect(page.Row("search").Locator("[data-col=validate_status] .cell")).ToHaveTextAsync("succeeded");

        var events = await server.Engine.EventsAsync(page.JobId());
        await Expect(page.Locator("#event-log li")).ToHaveCountAsync(events.Count);
        await Expect(page.Locator("#stream-state")).ToHaveTextAsync("live");
    }
}
