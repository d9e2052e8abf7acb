using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Velvet.Server.WebConsole;

/// <summary>The frame of every console page: environment banner, navigation, who is signed in, the CSRF token.</summary>
internal static class ConsoleLayout
{
    /// <summary>Same-origin only, no inline script or style: every asset comes from /console/assets.</summary>
    private const string Csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    public static IResult Page(HttpContext http, ServerServices s, string title, Html body, Html? bodyAttributes = null)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var user = http.User;
        var signedIn = user.IsConsoleSession();
        var nav = Html.When(signedIn, Html.Of($"""
            <nav aria-label="Main"><a href="{ConsolePaths.Credentials}">Credentials</a><a href="{ConsolePaths.Inventory}">Inventory</a><a href="{ConsolePaths.Plans}">Plans</a><a href="{ConsolePaths.Stuck}">Stuck jobs</a></nav>
            <form method="post" action="{ConsolePaths.SignOut}" class="who">
              <input type="hidden" name="{ConsoleGuard.CsrfField}" value="{tokens.RequestToken}">
              <span>{user.UserName()} <span class="role">({user.RoleName()})</span></span>
              <button type="submit" class="link">Sign out</button>
            </form>
            """));
        var page = Html.Of($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="csrf-token" content="{tokens.RequestToken}">
            <title>{title} · Velvet</title>
            <link rel="stylesheet" href="{ConsolePaths.Assets}/console.css">
            <script src="{ConsolePaths.Assets}/console.js" defer></script>
            </head>
            <body>
            {Banner(s.Env)}
            <header class="top"><a class="brand" href="{ConsolePaths.Credentials}">Velvet</a>{nav}</header>
            <main id="main" {bodyAttributes ?? Html.Empty}>
            {body}
            </main>
            </body>
            </html>
            """);
        http.Response.Headers.ContentSecurityPolicy = Csp;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(page.Value, "text/html; charset=utf-8");
    }

    public static IResult NotFound(HttpContext http, ServerServices s, string what)
    {
        var page = Page(http, s, "Not found", Html.Of($"""<h1>Not found</h1><p class="error">{what}</p><p><a href="{ConsolePaths.Credentials}">Back to the credentials</a></p>"""));
        http.Response.StatusCode = 404;
        return page;
    }

    /// <summary>PRODUCTION red, STAGING purple, anything else neutral; plain text, never a link or a switch.</summary>
    public static Html Banner(string env)
    {
        var e = env.Trim().ToLowerInvariant();
        var (kind, label) = e switch
        {
            "prod" or "production" or "prd" or "live" => ("production", "PRODUCTION"),
            "staging" or "stage" or "stg" => ("staging", "STAGING"),
            _ => ("other", env.ToUpperInvariant()),
        };
        return Html.Of($"""<div class="env-banner env-{kind}" role="note" aria-label="Environment">{label} <span class="env-detail">APP_ENV={env}</span></div>""");
    }
}
