using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Velvet.Console.Tests.Support.BrowserFixture))]

namespace Velvet.Console.Tests.Support;

/// <summary>
/// One headless Chromium for the whole test run: Debian's /usr/bin/chromium driven by Playwright (which never downloads
/// a browser here). Missing Chromium: the browser tests skip on a laptop and FAIL when CI is set (scripts/test.sh installs it).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _missing;

    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        if (!File.Exists(ChromiumPath))
        {
            _missing = $"{ChromiumPath} is missing: install it with `apt-get install -y chromium chromium-driver` (scripts/test.sh does)";
            return;
        }
        Directory.CreateDirectory(ScreenshotDir);
        // The machine may be busy with every other test project: wait for the page generously, never sleep.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = Flags });
    }

    /// <summary>The browser, or skip (laptop) / fail (CI) when Chromium is not installed.</summary>
    public IBrowser Require()
    {
        if (_browser is not null) return _browser;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) Assert.Fail(_missing);
        Assert.Skip(_missing!);
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
