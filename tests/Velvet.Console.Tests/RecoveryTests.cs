using System.Text.RegularExpressions;
using Velvet.Console.Tests.Support;
using Velvet.Engine.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Velvet.Console.Tests;

/// <summary>Recovery buttons of the Stage Wizard: Retry failed, Abort with its residual state, Retry revoke, Mark manually revoked.</summary>
public sealed class RecoveryTests(BrowserFixture browser)
{
    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task A_failed_consumer_turns_red_with_its_scrubbed_error_and_Retry_failed_turns_it_green()
    {
        await using var server = await ConsoleHarness.StartAsync();
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "alice");
        var page = tab.Page;
        server.Engine.Apps.For("billing").UpdateStatus = 500;
        await page.StartRotationAsync(Harness.Cred);
        await page.VerifyAndMintAsync();
        await page.ExpectStatusAsync("distribute_partial");
        var billing = page.Row("billing");
        await Expect(billing.Locator("[data-col=distribute_status] .cell")).ToHaveTextAsync("failed");
        await Expect(billing).ToHaveClassAsync(new Regex("failed-row"));
        await Expect(billing.Locator("[data-col=detail]")).ToContainTextAsync("500");
        await Expect(page.Button("Proceed to revoke…")).ToBeHiddenAsync();
        await tab.ScreenshotAsync("stage-wizard-failed-row");

        server.Engine.Apps.For("billing").UpdateStatus = 204;
        await page.Button("Retry failed").ClickAsync();
        await page.ExpectStatusAsync("validated");
        await Expect(billing.Locator("[data-col=distribute_status] .cell")).ToHaveTextAsync("succeeded");
        await Expect(billing).Not.ToHaveClassAsync(new Regex("failed-row"));
        // The consumer echoed the rejected value in its error body: the row's error never shows it.
        var html = await page.ContentAsync();
        var job = await server.Engine.Service.GetAsync(page.JobId(), TestContext.Current.CancellationToken);
        Assert.NotNull(job!.NewValueFingerprint);
        Assert.DoesNotContain(server.Engine.Apps.Held("billing")!, html, StringComparison.Ordinal);
    }

    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task Abort_shows_what_stays_behind_before_and_the_residual_state_with_cleanup_steps_after()
    {
        await using var server = await ConsoleHarness.StartAsync();
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "alice");
        var page = tab.Page;
        server.Engine.Apps.For("search").UpdateStatus = 503;
        await page.StartRotationAsync(Harness.Cred);
        await page.VerifyAndMintAsync();
        await page.ExpectStatusAsync("distribute_partial");

        // The stuck-jobs panel lists it as waiting on a person, with a way back to its wizard.
        await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Stuck jobs" }).ClickAsync();
        var stuck = page.Locator("#stuck tr", new() { HasText = Harness.Cred });
        await Expect(stuck).ToContainTextAsync("distribute_partial needs an operator");
        await Expect(stuck).ToContainTextAsync("console:alice");
        await tab.ScreenshotAsync("stuck-jobs");
        await stuck.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "open the Stage Wizard" }).ClickAsync();
        await page.ExpectStatusAsync("distribute_partial");

        await page.Button("Abort…").ClickAsync();
        var before = page.Locator("#abort-before");
        await Expect(before).ToContainTextAsync("sync them back to the old value");
        await Expect(before).ToContainTextAsync("vault, app-env, billing");
        await page.GetByLabel("Reason (recorded)").FillAsync("search is down for maintenance");
        await page.Button("Abort job").ClickAsync();
        await page.ExpectStatusAsync("aborted");
        var residual = page.Locator("#residual");
        await Expect(residual).ToBeVisibleAsync();
        await Expect(residual).ToContainTextAsync("distribute_partial");
        await Expect(residual).ToContainTextAsync("vault, app-env, billing");
        await Expect(page.Locator("#cleanup-steps li").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-action]:visible")).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("stage-wizard-aborted");
    }

    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task Revoke_failed_offers_Retry_revoke_and_Mark_manually_revoked_which_needs_the_old_credential_id()
    {
        await using var server = await ConsoleHarness.StartAsync();
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "alice");
        var page = tab.Page;
        server.Catalog.RevokeFails = true;
        await page.StartRotationAsync(Harness.Cred);
        await page.VerifyAndMintAsync();
        await page.ExpectStatusAsync("validated");
        await page.Button("Proceed to revoke…").ClickAsync();
        await page.FillRevokeGateAsync(Harness.Cred, "ROT-2026-11-API_TOKEN", ConsoleHarness.Password);
        await page.ExpectStatusAsync("revoke_failed");
        await Expect(page.Button("Retry revoke")).ToBeVisibleAsync();
        await page.Button("Retry revoke").ClickAsync();
        await page.ExpectStatusAsync("revoke_failed");

        var job = await server.Engine.Service.GetAsync(page.JobId(), TestContext.Current.CancellationToken);
        await page.Button("Mark manually revoked…").ClickAsync();
        await page.GetByLabel("Old credential id").FillAsync("not-the-old-id");
        await page.Button("Record as revoked").ClickAsync();
        await Expect(page.Locator("#dlg-mark_manually_revoked [data-error]")).ToContainTextAsync($"this job's old credential is {job!.OldCredentialId}");
        await page.GetByLabel("Old credential id").FillAsync(job.OldCredentialId!);
        await page.Button("Record as revoked").ClickAsync();
        await page.ExpectStatusAsync("done");
        job = await server.Engine.Service.GetAsync(page.JobId(), TestContext.Current.CancellationToken);
        Assert.Equal("console:alice", job!.Details.ManuallyRevokedBy);
    }
}
