using System.Text.RegularExpressions;
using Velvet.Console.Tests.Support;
using Velvet.Engine.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Velvet.Console.Tests;

/// <summary>Emergency revocation from a credential: confirm gate with step-up, per-consumer probes, leaks highlighted (SPEC §3).</summary>
public sealed class RevocationTests(BrowserFixture browser)
{
    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task A_leaking_consumer_is_highlighted_with_what_to_do_and_the_job_finishes_after_the_fix_and_manual_confirms()
    {
        await using var server = await ConsoleHarness.StartAsync();
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "alice");
        var page = tab.Page;
        server.Engine.Apps.For("search").HealthStatus = 200; // keeps accepting whatever it holds: a leak

        await page.GotoAsync($"/console/credentials/{Harness.Cred}");
        await page.Button("Emergency revocation…").ClickAsync();
        var dialog = page.Locator("#dlg-revocation");
        await dialog.GetByLabel("Type the credential name to confirm").FillAsync("API");
        await dialog.GetByLabel("Your password (step-up)").FillAsync(ConsoleHarness.Password);
        await page.Button("Revoke now").ClickAsync();
        await Expect(dialog.Locator("[data-error]")).ToContainTextAsync("type API_TOKEN exactly");
        await dialog.GetByLabel("Type the credential name to confirm").FillAsync(Harness.Cred);
        await dialog.GetByLabel("Your password (step-up)").FillAsync("wrong password");
        await page.Button("Revoke now").ClickAsync();
        await Expect(dialog.Locator("[data-error]")).ToContainTextAsync("wrong password");
        await dialog.GetByLabel("Your password (step-up)").FillAsync(ConsoleHarness.Password);
        await page.Button("Revoke now").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/console/jobs/"));
        await page.ExpectStatusAsync("rev_leaked");
        var search = page.Row("search");
        await Expect(search).ToHaveClassAsync(new Regex("leaked-row"));
        await Expect(search.Locator("[data-col=validate_status] .cell")).ToHaveTextAsync("LEAKED");
        await Expect(page.Locator("#leaks")).ToBeVisibleAsync();
        await Expect(page.Locator("#leak-list")).ToHaveTextAsync("search");
        await Expect(page.Locator("#leaks")).ToContainTextAsync("Re-validate");
        await Expect(page.Row("billing").Locator("[data-col=validate_status] .cell")).ToHaveTextAsync("refused");
        await tab.ScreenshotAsync("revocation-leaked");

        // The leak is fixed at the consumer; probe again. The two files without a healthcheck need a person.
        server.Engine.Apps.For("search").HealthStatus = null;
        await page.Button("Re-validate").ClickAsync();
        await page.ExpectStatusAsync("rev_validating");
        await Expect(page.Locator("#leaks")).ToBeHiddenAsync();
        foreach (var consumer in new[] { "vault", "app-env" })
        {
            var row = page.Row(consumer);
            await row.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Manual confirm…" }).ClickAsync();
            var confirm = page.Locator("#dlg-manual_confirm");
            await Expect(confirm.Locator("h2")).ToContainTextAsync(consumer);
            await confirm.GetByLabel("Who checked it").FillAsync("Dana");
            await confirm.GetByLabel("How it was checked (why this row is fine)").FillAsync("value removed from the file by hand");
            await page.Button("Confirm row").ClickAsync();
            await Expect(row.Locator("[data-col=validate_status] .cell")).ToHaveTextAsync("confirmed");
        }
        await page.ExpectStatusAsync("rev_done");
        var rows = await server.Engine.RowsAsync(page.JobId());
        var vault = rows.Single(r => r.ConsumerId == "vault");
        Assert.Equal("console:alice", vault.ConfirmedBy);
        Assert.Contains("checked by Dana", vault.ConfirmReason, StringComparison.Ordinal);
    }
}
