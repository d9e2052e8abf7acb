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

    /// <summary>
    /// Every browser test's own limit: a test that passes takes seconds, so one still running after two minutes is stuck
    /// (a page that never answers, a browser that hung); it fails with its name instead of holding up the whole run.
    /// </summary>
    public const int TestTimeoutMs = 120_000;
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _missing;
    private string? _failed;

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
        // Neither the Playwright driver nor the browser may hang the run: each start has a limit, and failing it fails
        // every browser test with the reason (the driver's start has no timeout of its own).
        try
        {
            _playwright = await Playwright.CreateAsync().WaitAsync(StartLimit);
            _browser = await _playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumPath, Headless = true, Args = Flags, Timeout = (float)StartLimit.TotalMilliseconds,
            }).WaitAsync(StartLimit);
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            _failed = $"Chromium could not be started through Playwright within {StartLimit.TotalSeconds:0} s: {e.Message}";
        }
    }

    /// <summary>The browser, or skip (laptop) / fail (CI) when Chromium is not installed.</summary>
    public IBrowser Require()
    {
        if (_browser is not null) return _browser;
        if (_failed is not null) Assert.Fail(_failed);
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) Assert.Fail(_missing);
        Assert.Skip(_missing!);
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        // Closing waits for Chromium to exit; never longer than the start limit, then the driver is stopped regardless.
        try
        {
            if (_browser is not null) await _browser.DisposeAsync().AsTask().WaitAsync(StartLimit);
        }
        catch (TimeoutException) { }
        finally
        {
            _playwright?.Dispose();
        }
    }
}
