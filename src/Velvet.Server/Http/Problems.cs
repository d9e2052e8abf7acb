using Microsoft.AspNetCore.Http;
using Velvet.Core.Results;

namespace Velvet.Server.Http;

/// <summary>Expected failures → RFC 7807 problem+json with a message a person can act on (only here, at the edge).</summary>
public static class Problems
{
    public static IResult From(Error error) => error switch
    {
        NotFound e => Problem(404, "not_found", "Not found", e.Message),
        Invalid e => Problem(400, "invalid", "Invalid request", e.Message, e.Field is null ? null : new() { ["field"] = e.Field }),
        InvalidTransition e => Problem(409, "invalid_transition", "Action not allowed now", e.Message, new()
        {
            ["current_status"] = e.Status,
            ["action"] = e.Action,
            ["allowed_actions"] = e.AllowedActions,
        }),
        ActiveJobExists e => Problem(409, "active_rotation_in_progress", "Active rotation already in progress", e.Message, new()
        {
            ["existing_job_id"] = e.ExistingJobId,
            ["existing_status"] = e.ExistingStatus,
        }),
        ConcurrencyConflict e => Problem(409, "concurrency_conflict", "Changed by someone else", e.Message),
        Refused e => Problem(409, "refused", "Refused", e.Message),
        _ => Problem(409, error.Code, "Refused", error.Message),
    };

    public static IResult Problem(int status, string code, string title, string detail, Dictionary<string, object?>? extensions = null)
    {
        var ext = extensions ?? [];
        ext["code"] = code;
        return Results.Problem(detail: detail, statusCode: status, title: title, type: $"https://velvet.dev/problems/{code}", extensions: ext);
    }

    public static IResult BadRequest(string detail, string? field = null) =>
        Problem(400, "invalid", "Invalid request", detail, field is null ? null : new() { ["field"] = field });

    public static IResult RotationDisabled(string reason) =>
        Problem(503, "rotation_disabled", "Rotation is disabled", reason);
}
