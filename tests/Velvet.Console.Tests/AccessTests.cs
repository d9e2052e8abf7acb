using System.Text.Json;
using Microsoft.Playwright;
using Velvet.Console.Tests.Support;
using Velvet.Engine.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Velvet.Console.Tests;

/// <summary>Roles, CSRF and step-up are enforced by the server, not only by what the page shows.</summary>
public sealed class AccessTests(BrowserFixture browser)
{
    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task A_viewer_sees_credentials_and_jobs_without_any_action_button_and_the_API_refuses_their_actions()
    {
        await using var server = await ConsoleHarness.StartAsync();
        var job = await server.Engine.StartJobAsync();
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "vera");
        var page = tab.Page;
        await Expect(page.Locator(".who")).ToContainTextAsync("vera (viewer)");

        await page.GotoAsync($"/console/credentials/{Harness.Cred}");
        await Expect(page.Locator("#history")).ToContainTextAsync("init");
        Assert.Equal(0, await page.GetByRole(AriaRole.Button).CountAsync() - 1); // only "Sign out"

        await page.GotoAsync($"/console/jobs/{Harness.Cred}/{job.JobId}");
        await page.ExpectStatusAsync("init");
        Assert.Equal(0, await page.Locator("[data-action], [data-row-action], dialog").CountAsync());

        var status = await page.EvaluateAsync<int>("""
            async (url) => (await fetch(url, { method: "POST", headers: { "Content-Type": "application/json",
              "X-CSRF-TOKEN": document.querySelector('meta[name="csrf-token"]').content }, body: JSON.stringify({ action: "verify" }) })).status
            """, $"/tokens/{Harness.Cred}/rotations/{job.JobId}/stage");
        Assert.Equal(403, status);
    }

    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task A_post_without_the_anti_forgery_token_is_refused_and_a_revoke_without_step_up_is_refused()
    {
        await using var server = await ConsoleHarness.StartAsync();
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "alice");
        var page = tab.Page;
        await page.GotoAsync($"/console/credentials/{Harness.Cred}");

        // Same session cookie, no token: what a forged cross-site request looks like to the server.
        var forged = await page.APIRequest.PostAsync($"/tokens/{Harness.Cred}/rotate", new() { DataObject = new { flow_type = "operational" } });
        Assert.Equal(400, forged.Status);
        Assert.Equal("csrf", JsonDocument.Parse(await forged.TextAsync()).RootElement.GetProperty("code").GetString());
        var signOut = await page.APIRequest.PostAsync("/console/sign-out");
        Assert.Equal(400, signOut.Status);
        Assert.Empty(await server.Engine.Store.ListJobsAsync(new() { CredentialName = Harness.Cred }, TestContext.Current.CancellationToken));

        var csrf = await page.Locator("meta[name=csrf-token]").GetAttributeAsync("content");
        var headers = new Dictionary<string, string> { ["X-CSRF-TOKEN"] = csrf! };
        var noStepUp = await page.APIRequest.PostAsync($"/tokens/{Harness.Cred}/revoke",
            new() { Headers = headers, DataObject = new { confirm_credential_name = Harness.Cred } });
        Assert.Equal(403, noStepUp.Status);
        Assert.Contains("step_up_required", await noStepUp.TextAsync(), StringComparison.Ordinal);
        var sneaky = await page.APIRequest.PostAsync($"/tokens/{Harness.Cred}/rotate",
            new() { Headers = headers, DataObject = new { flow_type = "revocation" } });
        Assert.Equal(403, sneaky.Status);
        Assert.Empty(await server.Engine.Store.ListJobsAsync(new() { CredentialName = Harness.Cred }, TestContext.Current.CancellationToken));

        // With the token, an ordinary action goes through.
        var ok = await page.APIRequest.PostAsync($"/tokens/{Harness.Cred}/rotate", new() { Headers = headers, DataObject = new { flow_type = "testing" } });
        Assert.Equal(202, ok.Status);
    }

    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task The_console_works_from_the_keyboard_and_fits_a_phone_width()
    {
        await using var server = await ConsoleHarness.StartAsync();
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "alice", 390, 844);
        var page = tab.Page;
        await page.GotoAsync($"/console/credentials/{Harness.Cred}");
        for (var i = 0; i < 12 && await page.EvaluateAsync<string>("document.activeElement?.textContent ?? ''") != "Start rotation"; i++)
            await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await page.ExpectStatusAsync("init");
        await page.Button("Abort…").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#dlg-abort")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#dlg-abort")).ToBeHiddenAsync();
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling at 390px");
        await tab.ScreenshotAsync("stage-wizard-phone");
        foreach (var input in await page.Locator("dialog input:not([type=hidden]), dialog textarea").AllAsync())
            Assert.False(string.IsNullOrEmpty(await input.EvaluateAsync<string>("e => e.labels[0]?.textContent ?? ''")), "every input has a label");
    }
}
