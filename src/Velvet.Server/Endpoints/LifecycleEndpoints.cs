using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Velvet.Core.Auth;
using Velvet.Core.Engine;
using Velvet.Core.Ports;
using Velvet.Server.Auth;
using Velvet.Server.Http;

namespace Velvet.Server.Endpoints;

/// <summary>Follow-ups (canonical-store fallback) and staged rotation plans (docs/lifecycle.md, docs/api.md).</summary>
internal static class LifecycleEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerServices s)
    {
        app.MapGet("/followups", async (HttpRequest req, CancellationToken ct) =>
        {
            if (s.Store is not IFollowupStore store) return Unsupported("follow-ups");
            var status = req.Query["status"].ToString();
            if (status is not ("" or "open" or "all")) return Problems.BadRequest($"status must be open or all (got '{status}')", "status");
            var found = await store.ListFollowupsAsync(status != "all", ct).ConfigureAwait(false);
            if (req.Query.TryGetValue("job_id", out var job))
            {
                if (!Guid.TryParse(job, out var jobId)) return Problems.BadRequest($"job_id must be a job id (got '{job}')", "job_id");
                found = (await store.FollowupsOfJobAsync(jobId, ct).ConfigureAwait(false)).Where(f => status == "all" || f.IsOpen).ToList();
            }
            return Results.Ok(new { followups = found.Select(LifecycleViews.Followup) });
        }).RequireScope(Scopes.Read).WithTags("followups");

        app.MapPost("/followups/{id}/resolve", async (string id, HttpRequest req, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (s.Store is not IFollowupStore store) return Unsupported("follow-ups");
            if (!long.TryParse(id, out var number)) return Problems.BadRequest($"'{id}' is not a follow-up id (a number from GET /followups)", "id");
            var body = await RequestBody.ReadAsync(req, new ResolveBody(), ct).ConfigureAwait(false);
            if (!body.IsOk) return Problems.From(body.Error);
            var service = new FollowupService(store, s.Service.Bindings, s.Masker, s.Time);
            var resolved = await service.ResolveAsync(number, user.Actor(), body.Value.Manual, s.Runner.Secrets, ct).ConfigureAwait(false);
            return resolved.IsOk ? Results.Ok(LifecycleViews.Followup(resolved.Value)) : Problems.From(resolved.Error);
        }).RequireScope(Scopes.Rotate).WithTags("followups");

        app.MapGet("/plans", async (CancellationToken ct) =>
        {
            if (s.Store is not IPlanStore plans) return Unsupported("plans");
            var found = await plans.ListPlansAsync(activeOnly: false, ct).ConfigureAwait(false);
            return Results.Ok(new { plans = found.Select(LifecycleViews.Plan) });
        }).RequireScope(Scopes.Read).WithTags("plans");
    }

    private static IResult Unsupported(string what) => Problems.Problem(501, "not_supported", "Not supported", $"this store does not keep {what}");

    /// <summary><c>POST /followups/{id}/resolve</c>: empty to read the canonical store back; <c>manual</c> (a reason) when it cannot be read.</summary>
    public sealed record ResolveBody
    {
        public string? Manual { get; init; }
    }
}
