using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;
using Velvet.Server.WebConsole;
using Velvet.Store;

namespace Velvet.Server.Tests;

/// <summary>
/// Several Velvet servers (in memory, TestServer) over one SQLite file, each with its own store object, as replicas or
/// as one server restarted. One console account, alice; a <see cref="Browser"/> carries cookies from one to another.
/// </summary>
public sealed class ConsoleReplicas : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";
    private readonly List<WebApplication> _apps = [];
    private readonly List<IAsyncDisposable> _stores = [];

    public required Harness Engine { get; init; }
    public ListLoggerProvider ServerLogs { get; } = new();

    public static async Task<ConsoleReplicas> StartAsync()
    {
        var replicas = new ConsoleReplicas { Engine = await Harness.StartAsync() };
        var created = await ((IConsoleUserStore)replicas.Engine.Store).CreateConsoleUserAsync(new ConsoleUser
        {
            Name = "alice", Role = ConsoleRole.Operator, CreatedBy = "test", CreatedAt = TimeProvider.System.GetUtcNow(),
        }, ConsolePasswords.Hash(Password), CancellationToken.None);
        Assert.True(created.IsOk, created.Error?.Message);
        return replicas;
    }

    /// <summary>A new server with its own store object on the shared file; <paramref name="masterKey"/> null = no master key.</summary>
    public async Task<WebApplication> StartServerAsync(SecretBox? masterKey)
    {
        var store = JobStoreFactory.Open("sqlite:" + Engine.DbPath);
        _stores.Add((IAsyncDisposable)store);
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        var services = new ServerServices
        {
            Manifest = Engine.Manifest, Store = store, Tokens = (IServiceTokenStore)store, Service = Engine.Service,
            Runner = Engine.Runner, Masker = Engine.Masker, Env = "test", RunWorker = false, MasterKey = masterKey,
        };
        var app = VelvetServer.Build(services, ["http://127.0.0.1:0"], b =>
        {
            b.WebHost.UseTestServer();
            b.Logging.AddProvider(ServerLogs);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        _apps.Add(app);
        return app;
    }

    /// <summary>Stops a server for good, as a process that exits.</summary>
    public async Task StopAsync(WebApplication app)
    {
        _apps.Remove(app);
        await app.StopAsync(TestContext.Current.CancellationToken);
        await app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        foreach (var store in _stores) await store.DisposeAsync();
        await Engine.DisposeAsync();
    }
}

/// <summary>A cookie jar that follows the person from one server to another (no redirects followed).</summary>
public sealed partial class Browser
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    public async Task<HttpResponseMessage> SendAsync(WebApplication server, HttpMethod method, string path,
        IReadOnlyDictionary<string, string>? form = null, string? csrfHeader = null)
    {
        using var client = server.GetTestClient();
        using var request = new HttpRequestMessage(method, path);
        if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        if (csrfHeader is not null) request.Headers.Add(ConsoleGuard.CsrfHeader, csrfHeader);
        if (form is not null) request.Content = new FormUrlEncodedContent(form);
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            foreach (var header in setCookies) Remember(header);
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(WebApplication server, string path) => SendAsync(server, HttpMethod.Get, path);

    /// <summary>Opens the sign-in page on <paramref name="formFrom"/> and posts the form to <paramref name="postTo"/>.</summary>
    public async Task<HttpResponseMessage> SignInAsync(WebApplication formFrom, WebApplication postTo, string password = ConsoleReplicas.Password)
    {
        var page = await GetAsync(formFrom, "/console/sign-in");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var token = FormToken(await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await SendAsync(postTo, HttpMethod.Post, "/console/sign-in", new Dictionary<string, string>
        {
            [ConsoleGuard.CsrfField] = token, ["name"] = "alice", ["password"] = password, ["return_url"] = "/console/credentials",
        });
    }

    /// <summary>The anti-forgery token a page carries (the form field of the sign-in page, the meta tag of the others).</summary>
    public static string FormToken(string html)
    {
        var m = TokenPattern().Match(html);
        Assert.True(m.Success, "the page carries no anti-forgery token");
        return WebUtility.HtmlDecode(m.Groups["token"].Value);
    }

    private void Remember(string header)
    {
        var pair = header.Split(';')[0];
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        var (name, value) = (pair[..eq].Trim(), pair[(eq + 1)..].Trim());
        if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) _cookies.Remove(name);
        else _cookies[name] = value;
    }

    [GeneratedRegex("(?:name=\"__csrf\" value|name=\"csrf-token\" content)=\"(?<token>[^\"]+)\"")]
    private static partial Regex TokenPattern();
}
