using Microsoft.Playwright;

namespace Velvet.Console.Tests.Support;

/// <summary>One signed-in (or not) browser tab on the console, recording what the console fetched and logged.</summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    public IPage Page { get; }
    public ConsoleHarness Server { get; }
    /// <summary>Browser console messages (console.log, errors).</summary>
    public List<string> ConsoleLog { get; } = [];
    /// <summary>Every same-origin response the page received, except event streams (read separately).</summary>
    public List<IResponse> Responses { get; } = [];

    private readonly CancellationTokenRegistration _onTimeout;

    private ConsolePage(IBrowserContext context, IPage page, ConsoleHarness server)
    {
        _context = context;
        Page = page;
        Server = server;
        // A test past its Timeout is cancelled: closing its tabs makes every pending Playwright call throw at once.
        _onTimeout = TestContext.Current.CancellationToken.Register(() => _ = context.CloseAsync());
        page.Console += (_, m) => { lock (ConsoleLog) ConsoleLog.Add(m.Type + ": " + m.Text); };
        page.PageError += (_, e) => { lock (ConsoleLog) ConsoleLog.Add("pageerror: " + e); };
        page.Response += (_, r) =>
        {
            if (r.Url.StartsWith(server.BaseUrl, StringComparison.Ordinal) && !r.Url.EndsWith("/stream", StringComparison.Ordinal))
                lock (Responses) Responses.Add(r);
        };
    }

    public static async Task<ConsolePage> OpenAsync(BrowserFixture browser, ConsoleHarness server, int width = 1280, int height = 800)
    {
        var context = await browser.Require().NewContextAsync(new() { BaseURL = server.BaseUrl, ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        return new ConsolePage(context, page, server);
    }

    /// <summary>A new tab, signed in as <paramref name="user"/>.</summary>
    public static async Task<ConsolePage> SignedInAsync(BrowserFixture browser, ConsoleHarness server, string user = "alice", int width = 1280, int height = 800)
    {
        var tab = await OpenAsync(browser, server, width, height);
        await tab.SignInAsync(user);
        return tab;
    }

    public async Task SignInAsync(string name, string password = ConsoleHarness.Password)
    {
        await Page.GotoAsync("/console/sign-in");
        await Page.GetByLabel("User name").FillAsync(name);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, name + ".png"), FullPage = true });

    /// <summary>Bodies of every response recorded so far (the canary checks search them).</summary>
    public async Task<List<string>> BodiesAsync()
    {
        IResponse[] all;
        lock (Responses) all = [.. Responses];
        var bodies = new List<string>();
        foreach (var r in all)
        {
            // A request the page cancelled by navigating away never finishes, and Playwright's body read waits for it
            // with no limit of its own: bound it (such a body never reached the page either).
            try { bodies.Add(r.Url + "\n" + await r.TextAsync().WaitAsync(TimeSpan.FromSeconds(5))); }
            catch (PlaywrightException) { } // redirects have no body
            catch (TimeoutException) { }
        }
        return bodies;
    }

    public async ValueTask DisposeAsync()
    {
        await _onTimeout.DisposeAsync();
        await _context.DisposeAsync();
    }
}
