using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Velvet.Core.Auth;
using Velvet.Core.Registry;
using Velvet.Server.Auth;
using Velvet.Server.Http;

namespace Velvet.Server.Endpoints;

/// <summary>Runtime registration (the team's ADR-0041): the table is the source of truth after the manifest seeded it.</summary>
internal static class SubscriberEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerServices s)
    {
        var group = app.MapGroup("/api/v1/subscribers").WithTags("subscribers");

        group.MapGet("", async (CancellationToken ct) =>
        {
            if (s.Registry is null) return NoRegistry();
            var all = await s.Registry.ListAsync(ct).ConfigureAwait(false);
            return Results.Ok(new { subscribers = all.Select(SubscriberJson.ToBody) });
        }).RequireScope(Scopes.Read);

        group.MapPost("", async (HttpRequest req, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (s.Registry is null) return NoRegistry();
            var body = await RequestBody.ReadAsync<SubscriberBody>(req, null, ct).ConfigureAwait(false);
            if (!body.IsOk) return Problems.From(body.Error);
            var added = await s.Registry.AddAsync(body.Value, user.Actor(), ct).ConfigureAwait(false);
            return added.IsOk
                ? Results.Created($"/api/v1/subscribers/{added.Value.TokenName}/{added.Value.ConsumerId}?env={added.Value.Env}", SubscriberJson.ToBody(added.Value))
                : Problems.From(added.Error);
        }).RequireScope(Scopes.Admin);

        group.MapPut("/{tokenName}/{consumerId}", async (string tokenName, string consumerId, HttpRequest req, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (s.Registry is null) return NoRegistry();
            var body = await RequestBody.ReadAsync<SubscriberBody>(req, null, ct).ConfigureAwait(false);
            if (!body.IsOk) return Problems.From(body.Error);
            var updated = await s.Registry.UpdateAsync(tokenName, consumerId, body.Value, user.Actor(), ct).ConfigureAwait(false);
            return updated.IsOk ? Results.Ok(SubscriberJson.ToBody(updated.Value)) : Problems.From(updated.Error);
        }).RequireScope(Scopes.Admin);

        group.MapDelete("/{tokenName}/{consumerId}", async (string tokenName, string consumerId, HttpRequest req, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (s.Registry is null) return NoRegistry();
            var env = req.Query["env"].ToString() is { Length: > 0 } e ? e : s.Env;
            return await s.Registry.DeleteAsync(tokenName, consumerId, env, user.Actor(), ct).ConfigureAwait(false)
                ? Results.NoContent()
                : Problems.Problem(404, "not_found", "Not found", $"no subscriber {consumerId} of {tokenName} in env {env}");
        }).RequireScope(Scopes.Admin);

        group.MapGet("/drift", async (ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (s.Registry is null) return NoRegistry();
            var r = await s.Registry.DriftAsync(user.Actor(), ct).ConfigureAwait(false);
            return Results.Ok(new
            {
                manifest_only = r.ManifestOnly,
                db_only = r.DbOnly,
                mismatched_field = r.MismatchedField.Select(m => new { token_name = m.TokenName, consumer_id = m.ConsumerId, env = m.Env, fields = m.Fields }),
                drift = r.HasDrift,
            });
        }).RequireScope(Scopes.Admin);
    }

    private static IResult NoRegistry() =>
        Problems.Problem(409, "refused", "No registry", "this store has no subscriber registry: consumers come from the manifest");
}
