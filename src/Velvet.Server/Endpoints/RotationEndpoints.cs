using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Velvet.Core.Auth;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Secrets;
using Velvet.Server.Auth;
using Velvet.Server.Http;

namespace Velvet.Server.Endpoints;

/// <summary>Jobs of one credential: list, read, act on, stream; and the stuck list.</summary>
internal static class RotationEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerServices s)
    {
        app.MapGet("/tokens/{name}/rotations", async (string name, HttpRequest req, CancellationToken ct) =>
        {
            var limit = 20;
            if (req.Query.TryGetValue("limit", out var text) && (!int.TryParse(text, out limit) || limit is < 1 or > 200))
                return Problems.BadRequest($"limit must be a whole number from 1 to 200 (got '{text}')", "limit");
            var jobs = await s.Store.ListJobsAsync(new JobQuery { CredentialName = name, Limit = limit }, ct).ConfigureAwait(false);
            return Results.Ok(new { token_name = name, rotations = jobs.Where(j => j.Env == s.Env).Select(JobViews.Job) });
        }).RequireScope(Scopes.Read).WithTags("rotations");

        app.MapGet("/tokens/{name}/rotations/{jobId}", async (string name, string jobId, HttpRequest req, JobViewCache views, CancellationToken ct) =>
        {
            if (!Guid.TryParse(jobId, out var id)) return NotAJobId(name, jobId);
            var bypass = req.Headers.CacheControl.ToString().Contains("no-cache", StringComparison.OrdinalIgnoreCase);
            var view = await views.GetAsync(id, bypass, ct).ConfigureAwait(false);
            if (view is null || view.Job.CredentialName != name || view.Job.Env != s.Env) return JobNotFound(s, name, id);
            return Results.Bytes(view.Body, "application/json; charset=utf-8");
        }).RequireScope(Scopes.Read).WithTags("rotations");

        app.MapPost("/tokens/{name}/rotations/{jobId}/stage", async (string name, string jobId, HttpRequest req, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var found = await FindAsync(s, name, jobId, ct).ConfigureAwait(false);
            if (found.Problem is not null) return found.Problem;
            var body = await RequestBody.ReadAsync<StageBody>(req, null, ct).ConfigureAwait(false);
            if (!body.IsOk) return Problems.From(body.Error);
            var b = body.Value;
            if (!JobActionNames.TryParse(b.Action, out var action))
                return Problems.BadRequest($"action '{b.Action}' is not one of: {string.Join(", ", JobActionNames.AllNames)}", "action");
            // With rotation switched off, stopping a job (abort) stays possible; moving it forward does not.
            if (!s.RotationEnabled && action != JobAction.Abort) return Problems.RotationDisabled(TokenEndpoints.DisabledReason(s));
            SecretValue? value = null;
            if (!string.IsNullOrEmpty(b.NewValue))
            {
                value = new SecretValue(b.NewValue);
                s.Masker.Register(value);
            }
            var applied = await s.Service.ApplyAsync(found.Job!.JobId, new ActionRequest
            {
                Action = action, Actor = user.Actor(), ConsumerId = b.ConsumerId, Reason = b.Reason,
                ConfirmCredentialName = b.ConfirmCredentialName, TicketId = b.TicketId, ForceRevoke = b.ForceRevoke,
                OldCredentialId = b.OldCredentialId, NewValue = value,
            }, ct).ConfigureAwait(false);
            if (!applied.IsOk) return Problems.From(applied.Error);
            var rows = await s.Store.GetConsumerRowsAsync(applied.Value.JobId, ct).ConfigureAwait(false);
            return Results.Ok(JobViews.JobWithConsumers(applied.Value, rows, await LifecycleViews.OfJobAsync(s.Store, applied.Value.JobId, ct).ConfigureAwait(false)));
        }).RequireScope(Scopes.Rotate).WithTags("rotations");

        app.MapGet("/tokens/{name}/rotations/{jobId}/stream", async (string name, string jobId, HttpContext http, JobEventHub hub, CancellationToken ct) =>
        {
            var found = await FindAsync(s, name, jobId, ct).ConfigureAwait(false);
            if (found.Problem is not null) return found.Problem;
            long after = 0;
            var last = http.Request.Headers["Last-Event-ID"].ToString();
            if (last.Length > 0 && !long.TryParse(last, out after))
                return Problems.BadRequest($"Last-Event-ID must be the id of an event you received (got '{last}')", "Last-Event-ID");
            return TypedResults.ServerSentEvents(EventStream.ReadAsync(hub, found.Job!.JobId, after, ct));
        }).RequireScope(Scopes.Read).WithTags("rotations");

        app.MapGet("/jobs/stuck", async (CancellationToken ct) =>
        {
            var stuck = await s.Service.ListStuckAsync(ct).ConfigureAwait(false);
            return Results.Ok(new
            {
                env = s.Env,
                stuck = stuck.Select(x => new { job = JobViews.Job(x.Job), reason = x.Reason, minutes_in_status = (int)x.InStatusFor.TotalMinutes }),
            });
        }).RequireScope(Scopes.Read).WithTags("jobs");
    }

    private static async Task<(RotationJob? Job, IResult? Problem)> FindAsync(ServerServices s, string name, string jobId, CancellationToken ct)
    {
        if (!Guid.TryParse(jobId, out var id)) return (null, NotAJobId(name, jobId));
        var job = await s.Store.GetJobAsync(id, ct).ConfigureAwait(false);
        if (job is null || job.CredentialName != name || job.Env != s.Env) return (null, JobNotFound(s, name, id));
        return (job, null);
    }

    private static IResult NotAJobId(string name, string jobId) =>
        Problems.BadRequest($"'{jobId}' is not a job id (a UUID from POST /tokens/{name}/rotate)", "job_id");

    private static IResult JobNotFound(ServerServices s, string name, Guid id) =>
        Problems.Problem(404, "not_found", "Not found", $"job {id} of {name} does not exist in env {s.Env}");
}
