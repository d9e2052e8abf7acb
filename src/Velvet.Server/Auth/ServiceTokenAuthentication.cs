using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Velvet.Core.Auth;

namespace Velvet.Server.Auth;

/// <summary>
/// Bearer service tokens (SPEC §5): the token's id finds its row, the secret is compared in constant time with the
/// stored hash; revoked or unknown → 401. The principal's name (the token's name) is the audit actor.
/// </summary>
public sealed class ServiceTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenLookupCache tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "VelvetServiceToken";
    public const string ScopeClaim = "scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("use Authorization: Bearer <service token>");
        if (!ServiceTokenFormat.TryParse(header["Bearer ".Length..].Trim(), out var id, out var secret))
            return AuthenticateResult.Fail("not a Velvet service token");
        var found = await tokens.FindAsync(id, Context.RequestAborted).ConfigureAwait(false);
        if (found is not { } row || !ServiceTokenFormat.Matches(secret, row.SecretHash))
            return AuthenticateResult.Fail("unknown service token");
        if (row.Token.IsRevoked) return AuthenticateResult.Fail($"service token {row.Token.Name} was revoked");
        var claims = new List<Claim> { new(ClaimTypes.Name, row.Token.Name) };
        claims.AddRange(row.Token.ScopeList.Select(s => new Claim(ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"velvet\"";
        Response.ContentType = "application/problem+json";
        await Response.WriteAsync(
            """{"type":"https://velvet.dev/problems/unauthorized","title":"Unauthorized","status":401,"detail":"send a valid service token: Authorization: Bearer vlt_… (create one with `velvet tokens create`)","code":"unauthorized"}""",
            Context.RequestAborted).ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 403;
        Response.ContentType = "application/problem+json";
        var need = Context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope ?? "?";
        var name = Context.User.Identity?.Name ?? "?";
        await Response.WriteAsync(
            $$"""{"type":"https://velvet.dev/problems/forbidden","title":"Forbidden","status":403,"detail":"service token {{name}} lacks the '{{need}}' scope","code":"forbidden","required_scope":"{{need}}"}""",
            Context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>Endpoint metadata: the scope a route needs (also used to explain a 403).</summary>
public sealed record RequiredScope(string Scope);

public static class ClaimsPrincipalExtensions
{
    /// <summary>The audit actor: the service token's name.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        Scopes.Grants(user.FindAll(ServiceTokenAuthenticationHandler.ScopeClaim).Select(c => c.Value).ToArray(), scope);
}
