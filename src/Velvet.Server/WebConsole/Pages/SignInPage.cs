using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Velvet.Server.WebConsole.Pages;

/// <summary>Sign-in, sign-out and step-up (re-enter the password right before an irreversible action).</summary>
internal static class SignInPage
{
    public static IResult Show(HttpContext http, ServerServices s, string? error = null, string? name = null, int status = 200)
    {
        var returnUrl = SafeReturnUrl(http.Request.Query["ReturnUrl"].ToString());
        var body = Html.Of($"""
            <section class="card narrow">
            <h1>Sign in</h1>
            <p class="hint">People sign in with a console account (<code>velvet console user add NAME --role viewer|operator|admin</code>). Machines use service tokens on the API.</p>
            {Html.When(error is not null, Html.Of($"""<p class="error" role="alert" id="sign-in-error">{error}</p>"""))}
            <form method="post" action="{ConsolePaths.SignIn}">
              <input type="hidden" name="{ConsoleGuard.CsrfField}" value="{Csrf(http)}">
              <input type="hidden" name="return_url" value="{returnUrl}">
              <label for="name">User name</label>
              <input id="name" name="name" autocomplete="username" required value="{name}" autofocus>
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required>
              <button type="submit" class="primary">Sign in</button>
            </form>
            </section>
            """);
        var page = ConsoleLayout.Page(http, s, "Sign in", body);
        if (status != 200) http.Response.StatusCode = status;
        return page;
    }

    public static async Task<IResult> SubmitAsync(HttpContext http, ServerServices s, SignInService signIn)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var name = form["name"].ToString().Trim();
        var result = await signIn.CheckAsync(name, form["password"].ToString(), http.RequestAborted).ConfigureAwait(false);
        if (result.User is null) return Show(http, s, result.Refusal, name, 401);
        await http.SignInAsync(ConsoleAuth.CookieScheme, ConsoleAuth.Principal(result.User)).ConfigureAwait(false);
        return Results.Redirect(SafeReturnUrl(form["return_url"].ToString()));
    }

    public static async Task<IResult> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(ConsoleAuth.CookieScheme).ConfigureAwait(false);
        return Results.Redirect(ConsolePaths.SignIn);
    }

    /// <summary>POST {"password": "…"}: a fresh step-up for the next irreversible action (2 minutes, used once).</summary>
    public static async Task<IResult> StepUpAsync(HttpContext http, ServerServices s, SignInService signIn)
    {
        string? password = null;
        try
        {
            var body = await http.Request.ReadFromJsonAsync<Dictionary<string, string>>(http.RequestAborted).ConfigureAwait(false);
            body?.TryGetValue("password", out password);
        }
        catch (System.Text.Json.JsonException)
        {
        }
        catch (InvalidOperationException)
        {
        }
        if (string.IsNullOrEmpty(password)) return Http.Problems.BadRequest("re-enter your password to confirm this action", "password");
        var result = await signIn.CheckAsync(http.User.UserName(), password, http.RequestAborted).ConfigureAwait(false);
        if (result.User is null)
            return Http.Problems.Problem(403, "step_up_failed", "Step-up failed", result.Refusal == SignInService.WrongPassword ? "wrong password; nothing was done" : result.Refusal!);
        await http.SignInAsync(ConsoleAuth.CookieScheme, ConsoleAuth.Principal(result.User, s.Time.GetUtcNow() + ConsoleAuth.StepUpLifetime)).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static string Csrf(HttpContext http) =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>(http.RequestServices)
            .GetAndStoreTokens(http).RequestToken ?? "";

    /// <summary>Only a local console path: never an open redirect.</summary>
    private static string SafeReturnUrl(string? url) =>
        url is { Length: > 1 } u && u.StartsWith(ConsolePaths.Root + "/", StringComparison.Ordinal) && !u.StartsWith("//", StringComparison.Ordinal) && !u.Contains('\\', StringComparison.Ordinal)
            ? u : ConsolePaths.Credentials;
}
