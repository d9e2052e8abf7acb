using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Velvet.Core.Auth;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Server.Auth;
using Velvet.Server.Http;

namespace Velvet.Server.Endpoints;

/// <summary>Credentials (the team calls them tokens), their subscribers, starting rotations and revocations.</summary>
internal static class TokenEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerServices s)
    {
        app.MapGet("/flags", () => Results.Ok(new
        {
            rotation_enabled = s.RotationEnabled,
            velvet_v2_rotation = s.RotationEnabled,
            rotation_disabled_reason = s.RotationEnabled ? null : s.RotationDisabledReason,
            app_env = s.Env,
        })).RequireScope(Scopes.Read).WithTags("flags");

        app.MapGet("/tokens", () => Results.Ok(new
        {
            env = s.Env,
            tokens = s.Service.Manifest.Credentials.Where(c => c.Env == s.Env).Select(c => new
            {
                token_name = c.TokenName,
                vendor = c.Vendor.Kind,
                mode = Naming(c.Mode.ToString()),
                active = c.Active,
                canonical_consumer = c.CanonicalConsumer,
                consumers = s.Service.Manifest.ConsumersOf(c.TokenName, s.Env).Count,
                runbook_url = c.RunbookUrl,
                description = c.Description,
            }),
        })).RequireScope(Scopes.Read).WithTags("tokens");

        app.MapGet("/tokens/{name}/subscribers", (string name) =>
        {
            var credential = s.Service.Manifest.FindCredential(name);
            if (credential is null || credential.Env != s.Env)
                return Problems.Problem(404, "not_found", "Not found", $"credential '{name}' is not registered for env {s.Env}: nothing holds it as far as this Velvet knows");
            return Results.Ok(new
            {
                token_name = name,
                env = s.Env,
                subscribers = s.Service.Manifest.ConsumersOf(name, s.Env).Select(c => new
                {
                    consumer_id = c.ConsumerId,
                    kind = c.Kind,
                    env = c.Env,
                    active = c.Active,
                    canonical = c.ConsumerId == credential.CanonicalConsumer,
                    capabilities = c.Capabilities,
                    update_endpoint = c.UpdateEndpoint,
                    update_method = c.UpdateMethod,
                    update_auth_token_name = c.UpdateAuthTokenName,
                    healthcheck_endpoint = c.HealthcheckEndpoint,
                    healthcheck_success_status = c.HealthcheckSuccessStatus,
                }),
            });
        }).RequireScope(Scopes.Read).WithTags("tokens");

        app.MapPost("/tokens/{name}/rotate", async (string name, HttpRequest req, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (!s.RotationEnabled) return Problems.RotationDisabled(DisabledReason(s));
            var body = await RequestBody.ReadAsync(req, new RotateBody(), ct).ConfigureAwait(false);
            if (!body.IsOk) return Problems.From(body.Error);
            var flow = FlowType.Operational;
            if (body.Value.FlowType is { } f && !FlowTypeNames.TryParse(f, out flow))
                return Problems.BadRequest($"flow_type '{f}' is not one of: testing, operational, revocation, provision", "flow_type");
            if (body.Value.Adopt && flow != FlowType.Provision)
                return Problems.BadRequest("adopt applies only to flow_type provision", "adopt");
            if (flow == FlowType.Revocation && !user.HasScope(Scopes.Revoke))
                return Problems.Problem(403, "forbidden", "Forbidden", $"service token {user.Actor()} lacks the 'revoke' scope a revocation needs");
            return await StartAsync(s, name, flow, body.Value.IdempotencyKey, body.Value.ForceRevoke, user, ct, body.Value.Adopt).ConfigureAwait(false);
        }).RequireScope(Scopes.Rotate).WithTags("rotations");

        app.MapPost("/tokens/{name}/revoke", async (string name, HttpRequest req, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (!s.RotationEnabled) return Problems.RotationDisabled(DisabledReason(s));
            var body = await RequestBody.ReadAsync<RevokeBody>(req, null, ct).ConfigureAwait(false);
            if (!body.IsOk) return Problems.From(body.Error);
            if (!string.Equals(body.Value.ConfirmCredentialName, name, StringComparison.Ordinal))
                return Problems.BadRequest($"emergency revocation stops {name} everywhere now: type the credential name exactly in confirm_credential_name", "confirm_credential_name");
            return await StartAsync(s, name, FlowType.Revocation, body.Value.IdempotencyKey, false, user, ct).ConfigureAwait(false);
        }).RequireScope(Scopes.Revoke).WithTags("rotations");
    }

    internal static string DisabledReason(ServerServices s) =>
        s.RotationDisabledReason ?? "the rotation_enabled flag (velvet_v2_rotation) is off: use the vendor's manual procedure";

    private static async Task<IResult> StartAsync(ServerServices s, string name, FlowType flow, string? key, bool force, ClaimsPrincipal user, CancellationToken ct, bool adopt = false)
    {
        var started = await s.Service.StartAsync(new StartRequest
        {
            CredentialName = name, Flow = flow, IdempotencyKey = key, ForceRevoke = force, Actor = user.Actor(), Adopt = adopt, Secrets = s.Runner.Secrets,
        }, ct).ConfigureAwait(false);
        if (!started.IsOk) return Problems.From(started.Error);
        var job = started.Value.Job;
        var body = new { job_id = job.JobId, status = job.Status.Name(), replayed = started.Value.Replayed };
        var location = $"/tokens/{Uri.EscapeDataString(name)}/rotations/{job.JobId}";
        return started.Value.Replayed ? Results.Ok(body) : Results.Accepted(location, body);
    }

    private static string Naming(string pascal) => string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
