using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Server.Auth;

namespace Velvet.Server.WebConsole;

/// <summary>
/// People sign in to the console with a cookie session; machines keep their bearer service tokens. A policy scheme
/// picks one per request, and a person's role becomes the same <c>scope</c> claims a token carries, so every API
/// route applies its existing scope rule to both.
/// </summary>
public static class ConsoleAuth
{
    public const string CookieScheme = "VelvetConsole";
    public const string SelectorScheme = "VelvetTokenOrConsole";
    public const string CookieName = "velvet_console";
    public const string UserClaim = "velvet:user";
    public const string StepUpClaim = "velvet:step_up_until";
    /// <summary>Audit actors of people are <c>console:NAME</c>, never confused with a service token's name.</summary>
    public const string ActorPrefix = "console:";
    public static readonly TimeSpan StepUpLifetime = TimeSpan.FromMinutes(2);

    public static void Add(IServiceCollection services)
    {
        services.AddAuthentication()
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(1);
                o.SlidingExpiration = true;
                o.LoginPath = "/console/sign-in";
                o.Events.OnValidatePrincipal = ValidateAsync;
                o.Events.OnRedirectToLogin = ctx => Refuse(ctx, 401);
                o.Events.OnRedirectToAccessDenied = ctx => Refuse(ctx, 403);
            })
            .AddPolicyScheme(SelectorScheme, "service token or console session", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.ContainsKey("Authorization") ? ServiceTokenAuthenticationHandler.SchemeName
                : ctx.Request.Cookies.ContainsKey(CookieName) || ctx.Request.Path.StartsWithSegments(ConsolePaths.Root) ? CookieScheme
                : ServiceTokenAuthenticationHandler.SchemeName);
        // Replaces the token scheme as the default; the selector forwards to it for every bearer request.
        services.Configure<AuthenticationOptions>(o => o.DefaultScheme = SelectorScheme);
    }

    public static ClaimsPrincipal Principal(ConsoleUser user, DateTimeOffset? stepUpUntil = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, ActorPrefix + user.Name),
            // Stable across step-up: anti-forgery tokens are bound to this claim, not to the whole claim set.
            new(ClaimTypes.NameIdentifier, ActorPrefix + user.Name),
            new(UserClaim, user.Name),
            new(ClaimTypes.Role, user.Role.Name()),
        };
        claims.AddRange(ConsoleRoles.ScopesOf(user.Role).Select(s => new Claim(ServiceTokenAuthenticationHandler.ScopeClaim, s)));
        if (stepUpUntil is { } until)
            claims.Add(new(StepUpClaim, until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieScheme));
    }

    public static bool IsConsoleSession(this ClaimsPrincipal user) => user.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme };

    public static string UserName(this ClaimsPrincipal user) => user.FindFirstValue(UserClaim) ?? "?";

    public static string RoleName(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? "?";

    public static bool HasFreshStepUp(this ClaimsPrincipal user, DateTimeOffset now) =>
        long.TryParse(user.FindFirstValue(StepUpClaim), CultureInfo.InvariantCulture, out var ms) && DateTimeOffset.FromUnixTimeMilliseconds(ms) > now;

    /// <summary>An account removed (or its role changed) ends its sessions at their next request.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var users = ctx.HttpContext.RequestServices.GetRequiredService<IConsoleUserStore>();
        var found = await users.FindConsoleUserAsync(ctx.Principal!.UserName(), ctx.HttpContext.RequestAborted).ConfigureAwait(false);
        if (found is null || found.Value.User.Role.Name() != ctx.Principal!.RoleName())
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(CookieScheme).ConfigureAwait(false);
        }
    }

    /// <summary>Pages send a person to the sign-in page; API calls get the API's problem answer.</summary>
    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        var http = ctx.HttpContext;
        if (status == 401 && http.Request.Path.StartsWithSegments(ConsolePaths.Root) && HttpMethods.IsGet(http.Request.Method))
        {
            http.Response.Redirect(ctx.RedirectUri);
            return Task.CompletedTask;
        }
        var need = http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope ?? "?";
        return status == 401
            ? ConsoleProblems.WriteAsync(http, 401, "unauthorized", "Unauthorized", "your console session ended: sign in again at /console/sign-in")
            : ConsoleProblems.WriteAsync(http, 403, "forbidden", "Forbidden",
                $"console user {http.User.UserName()} ({http.User.RoleName()}) lacks the '{need}' scope", new() { ["required_scope"] = need });
    }
}
