using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Scalar.AspNetCore;
using Velvet.Core.Engine;
using Velvet.Core.Auth;
using Velvet.Core.Secrets;
using Velvet.Server.Auth;
using Velvet.Server.WebConsole;
using Velvet.Server.Endpoints;
using Velvet.Server.Http;

namespace Velvet.Server;

/// <summary>The HTTP host: API, event streams, OpenAPI, and the engine's worker, in one process (SPEC §5).</summary>
public static class VelvetServer
{
    /// <summary>Builds the app; <paramref name="configure"/> lets tests swap the server (TestServer) or logging.</summary>
    public static WebApplication Build(ServerServices services, string[] urls, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestBody.MaxBytes * 2);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new JsonLinesLoggerProvider(Console.Out, services.Masker, services.Time));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.Services.AddSingleton(services);
        builder.Services.AddSingleton(services.Tokens);
        builder.Services.AddSingleton<JobEventHub>();
        builder.Services.AddSingleton<JobViewCache>();
        builder.Services.AddSingleton<TokenLookupCache>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddProblemDetails();
        builder.Services.AddAuthentication(ServiceTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ServiceTokenAuthenticationHandler>(ServiceTokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(o =>
        {
            // Every route needs a token unless it says otherwise (only health does).
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            foreach (var scope in Scopes.All)
                o.AddPolicy(Scoped.PolicyPrefix + scope, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasScope(scope)));
        });
        builder.Services.AddVelvetConsole(services);
        builder.Services.AddOpenApi();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("velvet"))
            .WithMetrics(m => m.AddMeter(VelvetMetrics.MeterName).AddAspNetCoreInstrumentation().AddPrometheusExporter());
        builder.Services.AddHostedService<JobStatusGauge>();
        builder.Services.AddHostedService<RegistryReloader>();
        if (services.RunWorker) builder.Services.AddHostedService<WorkerService>();
        if (services.RunWorker) builder.Services.AddHostedService<PlanWorkerService>();
        if (services.RunWorker && services.Notifier is not null) builder.Services.AddHostedService<NotificationService>();
        if (services.RunWorker) builder.Services.AddHostedService<SchedulerService>();
        if (services.RunWorker) builder.Services.AddHostedService<HealthWatchService>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler(e => e.Run(async ctx =>
        {
            // Bugs and infrastructure faults: say so without details (they could carry anything).
            var feature = ctx.Features.Get<IExceptionHandlerFeature>();
            var kind = feature?.Error is BadHttpRequestException ? 400 : 500;
            ctx.Response.StatusCode = kind;
            await Problems.Problem(kind, kind == 400 ? "bad_request" : "internal_error", kind == 400 ? "Bad request" : "Internal error",
                kind == 400 ? "the request could not be read" : "Velvet failed to handle this request; the server log has the error id",
                new() { ["trace_id"] = ctx.TraceIdentifier }).ExecuteAsync(ctx).ConfigureAwait(false);
        }));
        app.UseStatusCodePages(async ctx =>
        {
            var r = ctx.HttpContext.Response;
            if (r.HasStarted || r.ContentLength > 0 || r.ContentType is not null) return;
            await Problems.Problem(r.StatusCode, r.StatusCode == 404 ? "not_found" : "http_" + r.StatusCode, "HTTP " + r.StatusCode,
                r.StatusCode == 404 ? $"no route {ctx.HttpContext.Request.Method} {ctx.HttpContext.Request.Path}; see /openapi/v1.json" : "see /openapi/v1.json")
                .ExecuteAsync(ctx.HttpContext).ConfigureAwait(false);
        });
        app.UseAuthentication();
        app.UseVelvetConsole(services);
        var requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Velvet.Server.Requests");
        app.Use(async (ctx, next) =>
        {
            // Who called what: the token name is the audit actor of every request.
            var started = services.Time.GetTimestamp();
            var failed = false;
            try { await next(ctx).ConfigureAwait(false); }
            catch
            {
                failed = true; // the exception handler outside this middleware answers 500 (or 400) after we log
                throw;
            }
            finally
            {
                Log.Request(requests, ctx.Request.Method, ctx.Request.Path.Value ?? "", failed ? 500 : ctx.Response.StatusCode,
                    ctx.User.Identity?.Name ?? "anonymous", (long)services.Time.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        // Scalar marks its own asset routes anonymous; the API page and its assets need a token like everything else.
        app.Use(async (ctx, next) =>
        {
            if (ctx.Request.Path.StartsWithSegments("/docs") && ctx.User.Identity?.IsAuthenticated != true)
            {
                await ctx.ChallengeAsync().ConfigureAwait(false);
                return;
            }
            await next(ctx).ConfigureAwait(false);
        });
        app.UseAuthorization();

        HealthEndpoints.Map(app, services);
        TokenEndpoints.Map(app, services);
        RotationEndpoints.Map(app, services);
        SubscriberEndpoints.Map(app, services);
        LifecycleEndpoints.Map(app, services);
        InventoryEndpoints.Map(app, services);
        // Documentation and metrics answer only with a token too: nothing but health is anonymous.
        app.MapOpenApi().RequireScope(Scopes.Read);
        app.MapScalarApiReference("/docs").RequireScope(Scopes.Read);
        app.MapPrometheusScrapingEndpoint("/metrics").RequireScope(Scopes.Read);
        return app;
    }
}
