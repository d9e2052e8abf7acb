using Microsoft.AspNetCore.Builder;
using Velvet.Server.Auth;

namespace Velvet.Server.Endpoints;

internal static class Scoped
{
    public const string PolicyPrefix = "scope:";

    /// <summary>Requires a service token with <paramref name="scope"/> (admin implies all; rotate/revoke imply read).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(PolicyPrefix + scope).WithMetadata(new RequiredScope(scope));
}
