using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Velvet.Server.Http;

namespace Velvet.Server.WebConsole;

/// <summary>
/// Runs after authentication, before authorization. For a browser (console session, or any POST under /console):
/// every state-changing request needs the anti-forgery token (form field or X-CSRF-TOKEN header). For a person, the
/// two irreversible actions (proceed_revoke, starting a revocation) need a fresh step-up, which they use up.
/// Service tokens are untouched: they are not sent by browsers automatically, so CSRF does not apply.
/// </summary>
internal static class ConsoleGuard
{
    public const string CsrfHeader = "X-CSRF-TOKEN";
    public const string CsrfField = "__csrf";

    public static async Task InvokeAsync(HttpContext ctx, Func<Task> next, ServerServices s)
    {
        var person = ctx.User.IsConsoleSession();
        if (HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method) || HttpMethods.IsOptions(ctx.Request.Method)
            || (!person && !ctx.Request.Path.StartsWithSegments(ConsolePaths.Root)))
        {
            await next().ConfigureAwait(false);
            return;
        }
        try
        {
            await ctx.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(ctx).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            await ConsoleProblems.WriteAsync(ctx, 400, "csrf", "Missing or invalid anti-forgery token",
                $"this request carries no valid anti-forgery token ({CsrfField} form field or {CsrfHeader} header): reload the page and try again").ConfigureAwait(false);
            return;
        }
        if (person && await NeedsStepUpAsync(ctx).ConfigureAwait(false))
        {
            if (!ctx.User.HasFreshStepUp(s.Time.GetUtcNow()))
            {
                await ConsoleProblems.WriteAsync(ctx, 403, "step_up_required", "Step-up required",
                    "re-enter your password (step-up) right before this action: it revokes a credential and cannot be undone").ConfigureAwait(false);
                return;
            }
            // One step-up, one irreversible action: re-issue the session without it before acting.
            var found = await ctx.RequestServices.GetRequiredService<Core.Ports.IConsoleUserStore>()
                .FindConsoleUserAsync(ctx.User.UserName(), ctx.RequestAborted).ConfigureAwait(false);
            if (found is null)
            {
                await ConsoleProblems.WriteAsync(ctx, 401, "unauthorized", "Unauthorized", "your console account no longer exists").ConfigureAwait(false);
                return;
            }
            await ctx.SignInAsync(ConsoleAuth.CookieScheme, ConsoleAuth.Principal(found.Value.User)).ConfigureAwait(false);
        }
        await next().ConfigureAwait(false);
    }

    /// <summary>POST …/revoke; POST …/rotate with flow_type revocation; POST …/stage with action proceed_revoke.</summary>
    private static async Task<bool> NeedsStepUpAsync(HttpContext ctx)
    {
        var pattern = (ctx.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        return pattern switch
        {
            "/tokens/{name}/revoke" => true,
            "/tokens/{name}/rotate" => await BodyHasAsync(ctx, "flow_type", "revocation").ConfigureAwait(false),
            "/tokens/{name}/rotations/{jobId}/stage" => await BodyHasAsync(ctx, "action", "proceed_revoke").ConfigureAwait(false),
            _ => false,
        };
    }

    /// <summary>Peeks at the JSON body (left in place for the endpoint); any member of that name with that value counts.</summary>
    private static async Task<bool> BodyHasAsync(HttpContext ctx, string member, string value)
    {
        ctx.Request.EnableBuffering(RequestBody.MaxBytes * 2);
        try
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, default, ctx.RequestAborted).ConfigureAwait(false);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.EnumerateObject()
                .Any(p => string.Equals(p.Name, member, StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String && p.Value.ValueEquals(value));
        }
        catch (JsonException)
        {
            return false; // the endpoint refuses the body itself
        }
        finally
        {
            ctx.Request.Body.Position = 0;
        }
    }
}
