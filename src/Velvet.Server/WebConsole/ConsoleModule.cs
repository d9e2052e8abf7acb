using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Server.WebConsole.Pages;
using Velvet.Server.Endpoints;

namespace Velvet.Server.WebConsole;

/// <summary>The operator console (SPEC §6), served by the API process under /console. Two calls wire it in.</summary>
public static class ConsoleModule
{
    /// <summary>Services: cookie sessions beside the token scheme, anti-forgery, the account store and sign-in checks.</summary>
    public static void AddVelvetConsole(this IServiceCollection services, ServerServices s)
    {
        ConsoleAuth.Add(services);
        ConsoleKeyRing.Add(services, s);
        services.AddAntiforgery(o =>
        {
            o.HeaderName = ConsoleGuard.CsrfHeader;
            o.FormFieldName = ConsoleGuard.CsrfField;
            o.Cookie.Name = "velvet_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        // No account store (a test double) → nobody can sign in; the API is unaffected.
        services.AddSingleton(s.Store as IConsoleUserStore ?? new NoConsoleUsers());
        services.AddSingleton(sp => new SignInService(sp.GetRequiredService<IConsoleUserStore>(), s.Time));
    }

    /// <summary>Middleware (call between UseAuthentication and UseAuthorization) and the console's routes.</summary>
    public static void UseVelvetConsole(this WebApplication app, ServerServices s)
    {
        app.Use((ctx, next) => ConsoleGuard.InvokeAsync(ctx, () => next(ctx), s));
        Map(app, s);
    }

    private static void Map(IEndpointRouteBuilder app, ServerServices s)
    {
        var console = app.MapGroup(ConsolePaths.Root).ExcludeFromDescription();
        console.MapGet("/", () => Results.Redirect(ConsolePaths.Credentials)).AllowAnonymous();
        console.MapGet("/assets/{file}", ConsoleAssets.Serve).AllowAnonymous();
        console.MapGet("/sign-in", (HttpContext h) => SignInPage.Show(h, s)).AllowAnonymous();
        console.MapPost("/sign-in", (HttpContext h, SignInService signIn) => SignInPage.SubmitAsync(h, s, signIn)).AllowAnonymous();
        console.MapPost("/sign-out", (Delegate)SignInPage.SignOutAsync).RequireScope(Scopes.Read);
        console.MapPost("/step-up", (HttpContext h, SignInService signIn) => SignInPage.StepUpAsync(h, s, signIn)).RequireScope(Scopes.Read);
        console.MapGet("/credentials", Page(CredentialsPage.ShowAsync)).RequireScope(Scopes.Read);
        console.MapGet("/credentials/{name}", Page(CredentialPage.ShowAsync)).RequireScope(Scopes.Read);
        console.MapGet("/jobs/{name}/{jobId}", Page(JobPage.ShowAsync)).RequireScope(Scopes.Read);
        console.MapGet("/stuck", Page(StuckPage.ShowAsync)).RequireScope(Scopes.Read);
        console.MapGet("/inventory", Page(InventoryPage.ShowAsync)).RequireScope(Scopes.Read);
        console.MapGet("/plans", Page(PlansPage.ListAsync)).RequireScope(Scopes.Read);
        console.MapGet("/plans/{planId}", Page(PlansPage.ShowAsync)).RequireScope(Scopes.Read);
    }

    /// <summary>A page handler as a route handler (its IResult is written), with the server's services bound.</summary>
    private static Delegate Page(Func<HttpContext, ServerServices, Task<IResult>> page) => (HttpContext h, ServerServices s) => page(h, s);

    private sealed class NoConsoleUsers : IConsoleUserStore
    {
        public Task<Core.Results.Result<ConsoleUser>> CreateConsoleUserAsync(ConsoleUser user, string passwordHash, CancellationToken ct) =>
            throw new NotSupportedException("this store keeps no console users");
        public Task<(ConsoleUser User, string PasswordHash)?> FindConsoleUserAsync(string name, CancellationToken ct) =>
            Task.FromResult<(ConsoleUser, string)?>(null);
        public Task<IReadOnlyList<ConsoleUser>> ListConsoleUsersAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ConsoleUser>>([]);
        public Task<int> RecordFailedSignInAsync(string name, DateTimeOffset at, CancellationToken ct) => Task.FromResult(0);
        public Task LockConsoleUserAsync(string name, DateTimeOffset until, CancellationToken ct) => Task.CompletedTask;
        public Task RecordSignInAsync(string name, DateTimeOffset at, CancellationToken ct) => Task.CompletedTask;
        public Task<bool> DeleteConsoleUserAsync(string name, CancellationToken ct) => Task.FromResult(false);
    }
}
