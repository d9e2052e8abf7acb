using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Velvet.Core.Auth;
using Velvet.Core.Inventory;
using Velvet.Core.Ports;
using Velvet.Server.Http;

namespace Velvet.Server.Endpoints;

/// <summary>GET /inventory (SPEC §8): every credential, where each copy lives, last rotation, age against cadence. Never a value.</summary>
internal static class InventoryEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerServices s)
    {
        app.MapGet("/inventory", async (CancellationToken ct) =>
        {
            var report = await InventoryBuilder.BuildAsync(s.Service, s.Store as IScheduleStore, s.Targets, s.Time, ct).ConfigureAwait(false);
            return Results.Json(OpsViews.Inventory(report), JobViews.JsonOptions);
        }).RequireScope(Scopes.Read).WithTags("inventory");
    }
}
