using System.Security.Cryptography;
using Velvet.Console.Tests.Support;
using Velvet.Engine.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Velvet.Console.Tests;

/// <summary>
/// SPEC §4 through the UI: an operator_manual value typed into the masked field reaches the consumers and nothing
/// else: no page, no response the console fetched, no event stream, no browser console line, no server log line.
/// </summary>
public sealed class CanaryTests(BrowserFixture browser)
{
    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task An_operator_manual_value_goes_through_a_masked_field_and_appears_in_no_page_response_stream_or_log()
    {
        var canary = "CANARY-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var server = await ConsoleHarness.StartAsync((d, u) => Harness.DefaultManifest(d, u, mode: "operator_manual"));
        await using var tab = await ConsolePage.SignedInAsync(browser, server, "alice");
        var page = tab.Page;
        var html = new List<string>();

        await page.StartRotationAsync(Harness.Cred);
        await page.Button("Verify").ClickAsync();
        await page.ExpectStatusAsync("verified");
        await page.Button("Proceed to mint").ClickAsync();
        var field = page.GetByLabel("New value");
        await Expect(field).ToHaveAttributeAsync("type", "password");
        await Expect(field).ToHaveAttributeAsync("autocomplete", "off");
        await field.FillAsync(canary);
        await tab.ScreenshotAsync("stage-wizard-operator-manual");
        await page.Button("Mint and distribute").ClickAsync();
        await page.ExpectStatusAsync("validated");
        await Expect(field).ToHaveValueAsync(""); // not kept in the page either
        html.Add(await page.ContentAsync());
        await page.Button("Proceed to revoke…").ClickAsync();
        await page.FillRevokeGateAsync(Harness.Cred, "ROT-2026-11-API_TOKEN", ConsoleHarness.Password);
        await page.ExpectStatusAsync("done");
        html.Add(await page.ContentAsync());
        var jobUrl = $"/tokens/{Harness.Cred}/rotations/{page.JobId()}";
        var stream = await (await page.APIRequest.GetAsync(jobUrl + "/stream", new() { Timeout = 15_000 })).TextAsync().WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        Assert.Contains("\"to_status\":\"done\"", stream, StringComparison.Ordinal);

        foreach (var path in new[] { $"/console/credentials/{Harness.Cred}", "/console/credentials", "/console/stuck" })
        {
            await page.GotoAsync(path);
            html.Add(await page.ContentAsync());
        }
        // The value really went through: the consumers hold it.
        Assert.Equal(canary, server.Engine.Apps.Held("billing"));

        var everything = new List<string>(html) { stream, page.Url };
        everything.AddRange(await tab.BodiesAsync());
        everything.AddRange(tab.Responses.Select(r => r.Url));
        everything.AddRange(tab.ConsoleLog);
        everything.AddRange(server.ServerLogs.Lines);
        Assert.True(tab.Responses.Count > 10, "the console fetched pages and API responses");
        foreach (var text in everything)
            Assert.DoesNotContain(canary, text, StringComparison.Ordinal);
    }
}
