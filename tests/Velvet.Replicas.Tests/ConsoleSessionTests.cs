using System.Net;
using Npgsql;
using Velvet.Core.Auth;
using Velvet.Replicas.Tests.Support;
using Velvet.Server.Tests.Support;
using Velvet.Server.WebConsole;
using Velvet.Store;
using Velvet.Store.Tests;

namespace Velvet.Replicas.Tests;

/// <summary>
/// Two real `velvet serve` processes (same master key) on one PostgreSQL store, as behind a load balancer: a console
/// session and a form token minted by one are accepted by the other, through the key ring both read from the store.
/// </summary>
public sealed class ConsoleSessionTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly PostgresFixture pg = new();

    public ValueTask InitializeAsync() => pg.InitializeAsync();

    public ValueTask DisposeAsync() => pg.DisposeAsync();

    [Fact]
    public async Task A_console_session_made_through_one_replica_opens_the_other_and_the_key_ring_is_sealed()
    {
        pg.Require();
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        overall.CancelAfter(TimeSpan.FromMinutes(5));
        var ct = overall.Token;
        await using var cluster = await Cluster.StartAsync(pg, new Dictionary<string, int> { ["CONSOLE_01"] = 1 }, replicas: 2, leaseSeconds: 10, ct);
        var created = await JobStoreFactory.ConsoleUsers(cluster.Store).CreateConsoleUserAsync(new ConsoleUser
        {
            Name = "alice", Role = ConsoleRole.Operator, CreatedBy = "test", CreatedAt = TimeProvider.System.GetUtcNow(),
        }, ConsolePasswords.Hash(Password), ct);
        Assert.True(created.IsOk, created.Error?.Message);
        using var a = Client(cluster.Servers[0]);
        using var b = Client(cluster.Servers[1]);
        var browser = new ConsoleBrowser();

        var signedIn = await browser.SignInAsync(a, b, "alice", Password);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"sign-in form from A posted to B → {(int)signedIn.StatusCode}\n{cluster.ServerOutput()}");
        Assert.Equal("/console/credentials", signedIn.Headers.Location?.OriginalString);
        var page = await browser.GetAsync(a, "/console/credentials");
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"B's session on A → {(int)page.StatusCode}\n{cluster.ServerOutput()}");
        var token = ConsoleBrowser.FormToken(await page.Content.ReadAsStringAsync(ct));
        var signOut = await browser.SendAsync(b, HttpMethod.Post, "/console/sign-out", csrfHeader: token);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/console/sign-in", signOut.Headers.Location?.OriginalString);

        await using var conn = await cluster.OpenDbAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT sealed_element FROM key_ring", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = 0;
        while (await r.ReadAsync(ct))
        {
            rows++;
            var stored = r.GetString(0);
            Assert.StartsWith("v1.", stored, StringComparison.Ordinal);
            Assert.DoesNotContain("<key", stored, StringComparison.Ordinal);
            Assert.DoesNotContain("masterKey", stored, StringComparison.Ordinal);
        }
        Assert.True(rows >= 1, "no key was stored in key_ring");
        Assert.DoesNotContain("will not survive a restart", cluster.ServerOutput(), StringComparison.Ordinal);
    }

    private static HttpClient Client(VelvetProcess server) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
}
