using Microsoft.Playwright;
using Velvet.Console.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Velvet.Console.Tests;

public sealed class SignInTests(BrowserFixture browser)
{
    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task Wrong_password_is_refused_then_the_right_one_opens_the_credentials_page()
    {
        await using var server = await ConsoleHarness.StartAsync();
        await using var tab = await ConsolePage.OpenAsync(browser, server);

        await tab.Page.GotoAsync("/console/credentials");
        await Expect(tab.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in"));
        await tab.SignInAsync("alice", "not the password at all");
        await Expect(tab.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("wrong user name or password");

        await tab.SignInAsync("alice");
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Credentials" })).ToBeVisibleAsync();
        var api = tab.Page.Locator("#credentials tr", new() { HasText = "API_TOKEN" });
        await Expect(api).ToContainTextAsync("automatic");
        await Expect(api).ToContainTextAsync("generated");
        var deploy = tab.Page.Locator("#credentials tr", new() { HasText = "DEPLOY_TOKEN" });
        await Expect(deploy).ToContainTextAsync("manual_only");
        await Expect(deploy.GetByRole(AriaRole.Link, new() { Name = "runbook" })).ToHaveAttributeAsync("href", "https://runbooks.example/deploy-token");
        await Expect(tab.Page.Locator(".env-banner")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("TEST"));
        await tab.ScreenshotAsync("credentials");
    }
}
