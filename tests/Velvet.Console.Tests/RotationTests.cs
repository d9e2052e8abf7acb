using Microsoft.Playwright;
using Velvet.Console.Tests.Support;
using Velvet.Engine.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Velvet.Console.Tests;

/// <summary>A whole rotation through the Stage Wizard, watching the consumer rows change live (SPEC §6).</summary>
public sealed class RotationTests(BrowserFixture browser)
{
    private static readonly string[] Consumers = ["vault", "app-env", "billing", "search"];

    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task Rotation_rows_turn_green_live_and_the_revoke_gate_refuses_a_wrong_name_and_an_empty_ticket_then_passes_with_step_up()
    {
        await using var server = await ConsoleHarness.StartAsync();
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "alice");
        var page = tab.Page;
        await page.StartRotationAsync(Harness.Cred);
        await Expect(page.Button("Proceed to mint")).ToBeHiddenAsync();
        await Expect(page.Button("Verify")).ToBeVisibleAsync();

        // Hold one consumer's write so the row is seen in progress before it turns green.
        var gate = new TaskCompletionSource();
        server.Engine.Apps.For("search").Gate = gate;
        await page.VerifyAndMintAsync();
        await Expect(page.Row("search").Locator("[data-col=distribute_status] .cell")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("in-progress"), new() { Timeout = 20_000 });
        await Expect(page.Row("vault").Locator("[data-col=distribute_status] .cell")).ToHaveTextAsync("succeeded", new() { Timeout = 20_000 });
        await tab.ScreenshotAsync("stage-wizard-distributing");
        gate.SetResult();
        await page.ExpectStatusAsync("validated");
        foreach (var c in Consumers)
            await Expect(page.Row(c).Locator("[data-col=validate_status] .cell")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bok\b"));
        await tab.ScreenshotAsync("stage-wizard");

        await page.Button("Proceed to revoke…").ClickAsync();
        var error = page.Locator("#dlg-proceed_revoke [data-error]");
        await page.FillRevokeGateAsync("API_TOKE", "ROT-2026-11-API_TOKEN", ConsoleHarness.Password);
        await Expect(error).ToContainTextAsync("type the credential name exactly");
        await page.FillRevokeGateAsync(Harness.Cred, "", ConsoleHarness.Password);
        await Expect(error).ToContainTextAsync("ROT-YYYY");
        await page.FillRevokeGateAsync(Harness.Cred, "ROT-2026-11-API_TOKEN", "wrong password");
        await Expect(error).ToContainTextAsync("wrong password");
        await page.ExpectStatusAsync("validated");
        await page.FillRevokeGateAsync(Harness.Cred, "ROT-2026-11-API_TOKEN", ConsoleHarness.Password);
        await page.ExpectStatusAsync("done");
        await Expect(page.Locator("#stages li").Nth(2)).ToContainTextAsync("done");

        var job = await server.Engine.Service.GetAsync(page.JobId(), TestContext.Current.CancellationToken);
        await page.GotoAsync("/console/credentials");
        var row = page.Locator("#credentials tr", new() { HasText = Harness.Cred });
        await Expect(row.Locator(".status")).ToHaveTextAsync("done");
        await Expect(row).Not.ToContainTextAsync("never");
        await tab.ScreenshotAsync("credentials-after-rotation");

        // The credential's history: who did what, when, with what outcome.
        await row.GetByRole(AriaRole.Link, new() { Name = Harness.Cred }).ClickAsync();
        var history = page.Locator("#history details").First;
        await history.Locator("summary").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var revoke = history.Locator("tr", new() { HasText = "proceed_revoke" });
        await Expect(revoke).ToContainTextAsync("console:alice");
        await Expect(revoke).ToContainTextAsync("validated → revoking");
        await Expect(history.Locator("tr", new() { HasText = "revoking → done" })).ToHaveCountAsync(1);
        await tab.ScreenshotAsync("credential-history");
        Assert.Equal("ROT-2026-11-API_TOKEN", job!.Details.TicketId);
        Assert.Equal("console:alice", job.Details.RevokeConfirmedBy);
    }
}
