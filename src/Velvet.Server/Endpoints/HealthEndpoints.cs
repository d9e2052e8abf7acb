using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Velvet.Core.Jobs;

namespace Velvet.Server.Endpoints;

internal static class HealthEndpoints
{
    private static readonly object Ok = new { service = "velvet", status = "ok" };

    public static void Map(IEndpointRouteBuilder app, ServerServices s)
    {
        // The alias matters: its absence once left the team's console "degraded" for 463 hours.
        app.MapGet("/healthz", () => Results.Ok(Ok)).AllowAnonymous().WithTags("health");
        app.MapGet("/health", () => Results.Ok(Ok)).AllowAnonymous().WithTags("health");
        app.MapGet("/readyz", async (CancellationToken ct) =>
        {
            try
            {
                await s.Store.ListJobsAsync(new JobQuery { Limit = 1 }, ct).ConfigureAwait(false);
                var notifications = await NotificationReadiness.CheckAsync(s, ct).ConfigureAwait(false);
                return Results.Ok(new { service = "velvet", status = "ready", checks = new { store = "ok", notifications } });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Results.Json(new { service = "velvet", status = "not_ready", checks = new { store = $"failing: {ex.GetType().Name}" } }, statusCode: 503);
            }
        }).AllowAnonymous().WithTags("health");
    }
}
