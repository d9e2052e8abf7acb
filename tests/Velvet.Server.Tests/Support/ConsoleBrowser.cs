using System.Net;
using System.Text.RegularExpressions;

namespace Velvet.Server.Tests.Support;

/// <summary>
/// A person's browser at the HTTP level: one cookie jar carried from one server to another (replicas, or a server
/// and its restart), redirects not followed. Works with any HttpClient (TestServer's or a real socket's without its
/// own cookie handling). Shared by Velvet.Server.Tests and Velvet.Replicas.Tests.
/// </summary>
public sealed partial class ConsoleBrowser
{
    public const string CsrfHeader = "X-CSRF-TOKEN";
    public const string CsrfField = "__csrf";
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    public async Task<HttpResponseMessage> SendAsync(HttpClient server, HttpMethod method, string path,
        IReadOnlyDictionary<string, string>? form = null, string? csrfHeader = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        if (csrfHeader is not null) request.Headers.Add(CsrfHeader, csrfHeader);
        if (form is not null) request.Content = new FormUrlEncodedContent(form);
        var response = await server.SendAsync(request, TestContext.Current.CancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            foreach (var header in setCookies) Remember(header);
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(HttpClient server, string path) => SendAsync(server, HttpMethod.Get, path);

    /// <summary>Opens the sign-in page on <paramref name="formFrom"/> and posts its form to <paramref name="postTo"/>.</summary>
    public async Task<HttpResponseMessage> SignInAsync(HttpClient formFrom, HttpClient postTo, string name, string password)
    {
        var page = await GetAsync(formFrom, "/console/sign-in");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var token = FormToken(await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await SendAsync(postTo, HttpMethod.Post, "/console/sign-in", new Dictionary<string, string>
        {
            [CsrfField] = token, ["name"] = name, ["password"] = password, ["return_url"] = "/console/credentials",
        });
    }

    /// <summary>The anti-forgery token a page carries (the sign-in form's field, the meta tag of the others).</summary>
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
