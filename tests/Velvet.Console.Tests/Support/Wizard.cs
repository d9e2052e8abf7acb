using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Velvet.Console.Tests.Support;

/// <summary>Steps on the Stage Wizard page, named like its buttons.</summary>
public static class Wizard
{
    public static ILocator Button(this IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public static ILocator Row(this IPage page, string consumer) => page.Locator($"tr[data-consumer=\"{consumer}\"]");

    public static Task ExpectStatusAsync(this IPage page, string status) =>
        Expect(page.Locator("#job-status")).ToHaveTextAsync(status, new() { Timeout = 20_000 });

    /// <summary>From the credential page: Start rotation → the wizard of the new job.</summary>
    public static async Task StartRotationAsync(this IPage page, string credential)
    {
        await page.GotoAsync($"/console/credentials/{credential}");
        await page.Button("Start rotation").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/console/jobs/"));
        await page.ExpectStatusAsync("init");
    }

    /// <summary>Verify, then Proceed to mint (confirming the dialog, with a value for operator_manual).</summary>
    public static async Task VerifyAndMintAsync(this IPage page, string? newValue = null)
    {
        await page.Button("Verify").ClickAsync();
        await page.ExpectStatusAsync("verified");
        await page.Button("Proceed to mint").ClickAsync();
        if (newValue is not null) await page.GetByLabel("New value").FillAsync(newValue);
        await page.Button("Mint and distribute").ClickAsync();
    }

    public static async Task FillRevokeGateAsync(this IPage page, string name, string ticket, string? password)
    {
        var dialog = page.Locator("#dlg-proceed_revoke");
        await dialog.GetByLabel("Type the credential name to confirm").FillAsync(name);
        await dialog.GetByLabel("Ticket id (ROT-YYYY-…)").FillAsync(ticket);
        if (password is not null) await dialog.GetByLabel("Your password (step-up)").FillAsync(password);
        await page.Button("Revoke old credential").ClickAsync();
    }

    public static Guid JobId(this IPage page) => Guid.Parse(page.Url.Split('/').Last());
}
