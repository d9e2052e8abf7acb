using Microsoft.Playwright;
using Velvet.Console.Tests.Support;
using Velvet.Core.Ports;
using Velvet.Engine.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Velvet.Console.Tests;

/// <summary>Follow-ups (resolve from the console) and staged plans (docs/lifecycle.md) on the console.</summary>
public sealed class LifecycleTests(BrowserFixture browser)
{
    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task An_open_follow_up_is_shown_on_the_stuck_page_and_the_wizard_and_an_operator_resolves_it_with_the_servers_answer()
    {
        await using var server = await ConsoleHarness.StartAsync();
        var job = await server.Engine.StartJobAsync();
        var followups = (IFollowupStore)server.Engine.Store;
        var opened = await followups.OpenFollowupAsync(new Followup
        {
            JobId = job.JobId, CredentialName = Harness.Cred, Env = "test", CanonicalConsumerId = "vault", FallbackConsumerId = "app-env",
            Reason = "vault unreachable (connection refused)", ValueFingerprint = "sha256:" + new string('a', 64), CreatedAt = TimeProvider.System.GetUtcNow(),
        }, TestContext.Current.CancellationToken);

        // A viewer sees it, without a Resolve button.
        await using (var viewer = await ConsolePage.SignedInAsync(browser, server, "vera"))
        {
            await viewer.Page.GotoAsync("/console/stuck");
            await Expect(viewer.Page.Locator($"#followups tr[data-followup=\"{opened.Id}\"]")).ToContainTextAsync("vault unreachable");
            await Expect(viewer.Page.Locator("[data-resolve]")).ToHaveCountAsync(0);
            Assert.Equal(403, await PostResolveAsync(viewer.Page, opened.Id, csrf: true)); // the API refuses a viewer too
        }

        await using var tab = await ConsolePage.SignedInAsync(browser, server, "alice");
        var page = tab.Page;
        await page.GotoAsync($"/console/jobs/{Harness.Cred}/{job.JobId}");
        await Expect(page.Locator($"#followups tr[data-followup=\"{opened.Id}\"]")).ToContainTextAsync("app-env");

        await page.GotoAsync("/console/stuck");
        var row = page.Locator($"#followups tr[data-followup=\"{opened.Id}\"]");
        await Expect(row).ToContainTextAsync("vault");
        await Expect(row).ToContainTextAsync("sha256:aaaa");

        Assert.Equal(400, await PostResolveAsync(page, opened.Id, csrf: false)); // no anti-forgery token: refused

        // Read-back first: the vault holds another value, so the server refuses and the page says why.
        await row.GetByRole(AriaRole.Button, new() { Name = $"Resolve follow-up {opened.Id}" }).ClickAsync();
        var dialog = page.Locator("#dlg-resolve-followup");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Resolve", Exact = true }).ClickAsync();
        await Expect(dialog.Locator("[data-error]")).ToContainTextAsync("stays open: vault does not hold the new value yet");
        await Expect(page.Locator("#followup-message")).ToContainTextAsync("is still open");

        // Then by hand, with a reason, from the keyboard.
        await dialog.GetByLabel("Manual resolution").FillAsync("checked the vault UI: the new version is there");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#followup-message")).ToContainTextAsync($"follow-up {opened.Id} resolved by console:alice: confirmed by console:alice without a read-back");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(row.Locator("[data-col=resolve]")).ToHaveTextAsync("resolved");
        await tab.ScreenshotAsync("followup-resolved");

        var stored = await followups.GetFollowupAsync(opened.Id, TestContext.Current.CancellationToken);
        Assert.False(stored!.IsOpen);
        Assert.Equal("console:alice", stored.ResolvedBy);
        await page.ReloadAsync();
        await Expect(page.Locator("#no-followups")).ToBeVisibleAsync();
        await page.GotoAsync($"/console/jobs/{Harness.Cred}/{job.JobId}");
        await Expect(page.Locator("#followups")).ToHaveCountAsync(0);
    }

    [Fact(Timeout = BrowserFixture.TestTimeoutMs)]
    public async Task A_blocked_plan_is_listed_and_its_page_shows_each_stage_its_job_the_soak_and_why_it_is_blocked()
    {
        await using var server = await ConsoleHarness.StartAsync();
        var job = await server.Engine.StartJobAsync();
        var now = TimeProvider.System.GetUtcNow();
        var plan = new RotationPlan
        {
            PlanId = Guid.NewGuid(), CredentialName = Harness.Cred, Soak = TimeSpan.FromMinutes(30), Status = "blocked", Current = 0,
            Stages = [new PlanStage { Env = "test", JobId = job.JobId, Status = "failed" }, new PlanStage { Env = "prod" }],
            SoakStartedAt = now, SoakUntil = now.AddMinutes(30), ChecksPassed = 2,
            BlockedReason = "soak check failed: billing healthcheck answered 500", CreatedBy = "console:alice", CreatedAt = now, UpdatedAt = now,
        };
        await ((IPlanStore)server.Engine.Store).CreatePlanAsync(plan, TestContext.Current.CancellationToken);

        await using var tab = await ConsolePage.SignedInAsync(browser, server, "vera");
        var page = tab.Page;
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Plans" }).ClickAsync();
        var row = page.Locator($"#plans tr[data-plan=\"{plan.PlanId}\"]");
        await Expect(row).ToContainTextAsync("blocked");
        await Expect(row).ToContainTextAsync("test (failed) → prod (pending)");
        await Expect(row).ToContainTextAsync("billing healthcheck answered 500");

        await row.GetByRole(AriaRole.Link, new() { Name = $"open plan {plan.PlanId}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Plan · {Harness.Cred}" })).ToBeVisibleAsync();
        await Expect(page.Locator("#plan-status")).ToHaveTextAsync("blocked");
        await Expect(page.Locator("#plan-blocked")).ToContainTextAsync("soak check failed");
        var stages = page.Locator("#plan-stages li");
        await Expect(stages).ToHaveCountAsync(2);
        await Expect(stages.Nth(0)).ToContainTextAsync("1. test");
        await Expect(stages.Nth(0)).ToHaveAttributeAsync("aria-current", "step");
        await Expect(stages.Nth(1)).ToContainTextAsync("not started");
        await Expect(page.Locator("#plan-facts")).ToContainTextAsync("2 green check(s)");
        await tab.ScreenshotAsync("plan");
        await stages.Nth(0).GetByRole(AriaRole.Link, new() { Name = "job" }).ClickAsync();
        await page.ExpectStatusAsync("init");

        await page.GotoAsync($"/console/plans/{Guid.NewGuid()}");
        await Expect(page.Locator("main")).ToContainTextAsync("does not exist");
    }

    /// <summary>A resolve posted by the page's own session, with or without the anti-forgery header; the HTTP status.</summary>
    private static Task<int> PostResolveAsync(IPage page, long id, bool csrf) => page.EvaluateAsync<int>("""
        async ([url, csrf]) => (await fetch(url, { method: "POST", headers: Object.assign({ "Content-Type": "application/json" },
          csrf ? { "X-CSRF-TOKEN": document.querySelector('meta[name="csrf-token"]').content } : {}),
          body: JSON.stringify({ manual: "should not be recorded" }) })).status
        """, new object[] { $"/followups/{id}/resolve", csrf });
}
