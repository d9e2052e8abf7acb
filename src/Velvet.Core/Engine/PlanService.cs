using System.Text.Json;
using Velvet.Core.Jobs;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Results;
using Velvet.Core.Secrets;

namespace Velvet.Core.Engine;

/// <summary>
/// Staged rotation plans (docs/lifecycle.md): `velvet rotate CRED --plan staging,prod --soak 30m`. The first stage's
/// job starts at once; once it is done the plan soaks, and the worker runs the stage's healthchecks every
/// <see cref="CheckEvery"/>: any red check blocks the plan (with why, a system event and <see cref="PlanBlocked"/>);
/// green the whole time until the soak ends makes the next stage startable (<see cref="StartNextAsync"/>) on the
/// instance of its env. Everything is in the store, so a restarted worker carries on.
/// </summary>
public sealed class PlanService(IPlanStore plans, RotationService service, ISecretSource secrets, SecretMasker masker, TimeProvider time)
{
    public static readonly TimeSpan MaxSoak = TimeSpan.FromDays(7);

    /// <summary>How often a soaking stage's healthchecks run.</summary>
    public TimeSpan CheckEvery { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Raised when a plan is blocked (a red healthcheck during soak, a stage job that did not end done): the notification hook.</summary>
    public event Action<RotationPlan>? PlanBlocked;

    private string Env => service.Options.Env;

    public async Task<Result<RotationPlan>> CreateAsync(string credential, IReadOnlyList<string> envs, TimeSpan soak, string actor, CancellationToken ct)
    {
        if (envs.Count < 2 || envs.Any(string.IsNullOrWhiteSpace))
            return new Invalid("a plan needs at least two envs in order, e.g. --plan staging,prod", "plan");
        if (envs.Distinct(StringComparer.Ordinal).Count() != envs.Count)
            return new Invalid($"--plan names an env twice: {string.Join(",", envs)}", "plan");
        if (soak <= TimeSpan.Zero || soak > MaxSoak)
            return new Invalid("--soak must be a positive duration of at most 7d, e.g. 30m", "soak");
        if (envs[0] != Env)
            return new Refused($"the plan starts in {envs[0]}, but this Velvet runs with APP_ENV={Env}: create it on the {envs[0]} instance");
        var started = await service.StartAsync(new StartRequest { CredentialName = credential, Actor = actor }, ct).ConfigureAwait(false);
        if (!started.IsOk) return started.Error;
        var now = time.GetUtcNow();
        var plan = new RotationPlan
        {
            PlanId = Guid.CreateVersion7(now),
            CredentialName = credential,
            Stages = envs.Select((e, i) => new PlanStage { Env = e, JobId = i == 0 ? started.Value.Job.JobId : null, Status = i == 0 ? "running" : "pending" }).ToList(),
            Soak = soak,
            Status = "running",
            CreatedBy = actor,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        await plans.CreatePlanAsync(plan, ct).ConfigureAwait(false);
        return plan;
    }

    /// <summary>Starts the next stage's job: only when the plan is ready (previous stage done and soaked green) and on that env's instance.</summary>
    public async Task<Result<RotationJob>> StartNextAsync(Guid planId, string actor, CancellationToken ct)
    {
        var plan = await plans.GetPlanAsync(planId, ct).ConfigureAwait(false);
        if (plan is null) return new NotFound($"plan {planId} does not exist; list plans with: velvet plans list");
        if (plan.Status != "ready") return new Refused(NotReady(plan));
        var stage = plan.Stages[plan.Current];
        if (stage.Env != Env)
            return new Refused($"the next stage is {stage.Env}, but this Velvet runs with APP_ENV={Env}: start it on the {stage.Env} instance");
        var started = await service.StartAsync(new StartRequest { CredentialName = plan.CredentialName, Actor = actor, IdempotencyKey = $"plan-{plan.PlanId}-{plan.Current}" }, ct).ConfigureAwait(false);
        if (!started.IsOk) return started.Error;
        var job = started.Value.Job;
        var next = plan with
        {
            Status = "running",
            Stages = Replace(plan.Stages, plan.Current, stage with { JobId = job.JobId, Status = "running" }),
            UpdatedAt = time.GetUtcNow(),
        };
        if (!await plans.UpdatePlanAsync(next, ct).ConfigureAwait(false))
            return new Refused($"plan {planId} changed meanwhile; look at it again (velvet plans show {planId})");
        return job;
    }

    private string NotReady(RotationPlan p) => p.Status switch
    {
        "soaking" => $"plan {p.PlanId} is soaking {p.Stages[p.Current].Env} until {p.SoakUntil:yyyy-MM-dd HH:mm}Z " +
            $"({Math.Max(0, (int)Math.Ceiling((p.SoakUntil!.Value - time.GetUtcNow()).TotalMinutes))} min left; {p.ChecksPassed} healthcheck round(s) green so far): {p.Stages[Math.Min(p.Current + 1, p.Stages.Count - 1)].Env} waits for the soak",
        "blocked" => $"plan {p.PlanId} is blocked: {p.BlockedReason}",
        "running" => $"plan {p.PlanId}: the {p.Stages[p.Current].Env} job {p.Stages[p.Current].JobId} has not reached done yet",
        _ => $"plan {p.PlanId} is {p.Status}: nothing left to start",
    };

    /// <summary>One worker round over every active plan. Returns how many plans changed.</summary>
    public async Task<int> TickAsync(CancellationToken ct)
    {
        var changed = 0;
        foreach (var plan in await plans.ListPlansAsync(activeOnly: true, ct).ConfigureAwait(false))
        {
            var next = plan.Status switch
            {
                "running" => await AfterJobAsync(plan, ct).ConfigureAwait(false),
                "soaking" when plan.Stages[plan.Current].Env == Env => await SoakAsync(plan, ct).ConfigureAwait(false),
                _ => null,
            };
            if (next is null) continue;
            // Enqueued before the plan records the block: a crash in between blocks it again next round with the same key.
            if (next.Status == "blocked") await NotifyBlockedAsync(next, ct).ConfigureAwait(false);
            if (!await plans.UpdatePlanAsync(next with { UpdatedAt = time.GetUtcNow() }, ct).ConfigureAwait(false)) continue;
            changed++;
            if (next.Status == "blocked") await BlockedAsync(next, ct).ConfigureAwait(false);
            else if (next.Status == "ready") await AuditAsync(next, "velvet.plan.ready", $"{next.Stages[next.Current - 1].Env} soaked green for {next.Soak.TotalMinutes:0} min; {next.Stages[next.Current].Env} may start", ct).ConfigureAwait(false);
        }
        return changed;
    }

    private async Task<RotationPlan?> AfterJobAsync(RotationPlan plan, CancellationToken ct)
    {
        var stage = plan.Stages[plan.Current];
        if (stage.JobId is not { } id || await service.Store.GetJobAsync(id, ct).ConfigureAwait(false) is not { } job || !job.Status.IsTerminal()) return null;
        var now = time.GetUtcNow();
        if (job.Status != JobStatus.Done)
            return plan with { Status = "blocked", Stages = Replace(plan.Stages, plan.Current, stage with { Status = "failed" }), BlockedReason = $"the {stage.Env} job {id} ended {job.Status.Name()}, not done" };
        var done = Replace(plan.Stages, plan.Current, stage with { Status = "done" });
        return plan.Current == plan.Stages.Count - 1
            ? plan with { Status = "done", Stages = done }
            : plan with { Status = "soaking", Stages = done, SoakStartedAt = now, SoakUntil = now + plan.Soak, LastCheckAt = null, ChecksPassed = 0 };
    }

    private async Task<RotationPlan?> SoakAsync(RotationPlan plan, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var over = now >= plan.SoakUntil;
        if (!over && plan.LastCheckAt is { } last && now - last < CheckEvery) return null;
        var stage = plan.Stages[plan.Current];
        var red = await RedCheckAsync(plan, stage, ct).ConfigureAwait(false);
        if (red is not null)
            return plan with { Status = "blocked", LastCheckAt = now, BlockedReason = $"healthcheck failed during the {stage.Env} soak at {now:yyyy-MM-dd HH:mm}Z: {masker.Scrub(red)}" };
        var green = plan with { LastCheckAt = now, ChecksPassed = plan.ChecksPassed + 1 };
        if (!over) return green;
        return green with { Status = "ready", Current = plan.Current + 1, Stages = Replace(plan.Stages, plan.Current, stage with { Status = "soaked" }) };
    }

    /// <summary>The first consumer of the stage that is not healthy with the new value, or null when every check is green.</summary>
    private async Task<string?> RedCheckAsync(RotationPlan plan, PlanStage stage, CancellationToken ct)
    {
        var credential = service.Bindings.Manifest.FindCredential(plan.CredentialName);
        if (credential is null) return $"{plan.CredentialName} is no longer in the manifest";
        var job = stage.JobId is { } id ? await service.Store.GetJobAsync(id, ct).ConfigureAwait(false) : null;
        foreach (var consumer in service.Bindings.Manifest.FanOutConsumersOf(plan.CredentialName, stage.Env).Where(c => c.Active && !c.Has("update_no_verify")))
        {
            var binding = service.Bindings.Consumer(credential, consumer.ConsumerId, stage.Env);
            if (binding is null) continue;
            var ctx = new ConsumerContext
            {
                JobId = stage.JobId ?? Guid.Empty, CredentialName = plan.CredentialName, ConsumerId = consumer.ConsumerId, Env = stage.Env,
                ExpectedFingerprint = job?.NewValueFingerprint, Secrets = secrets,
            };
            Outcome outcome;
            try
            {
                outcome = await (binding.Healthcheck?.CheckHealthyAsync(ctx, ct) ?? binding.Adapter.ValidateAsync(ctx, ct)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or TaskCanceledException)
            {
                outcome = Outcome.Transient(ex.GetType().Name);
            }
            // A consumer that cannot be checked automatically neither proves nor breaks the soak.
            if (outcome.Kind is OutcomeKind.Succeeded or OutcomeKind.NeedsConfirm or OutcomeKind.Skipped) continue;
            var status = outcome.HttpStatus is { } s ? $"HTTP {s} " : "";
            return $"{consumer.ConsumerId}: {status}{outcome.Message ?? outcome.Kind.ToString()}";
        }
        return null;
    }

    private async Task BlockedAsync(RotationPlan plan, CancellationToken ct)
    {
        await AuditAsync(plan, "velvet.plan.blocked", plan.BlockedReason ?? "blocked", ct).ConfigureAwait(false);
        PlanBlocked?.Invoke(plan);
    }

    private async Task NotifyBlockedAsync(RotationPlan plan, CancellationToken ct)
    {
        if (plans is INotificationStore outbox && SystemNotifications.PlanBlocked(plan, time.GetUtcNow()) is { } e)
            await outbox.EnqueueNotificationAsync(e with { Reason = masker.Scrub(e.Reason ?? "") }, ct).ConfigureAwait(false);
    }

    private async Task AuditAsync(RotationPlan plan, string kind, string why, CancellationToken ct)
    {
        if (plans is not ISubscriberStore audit) return;
        var detail = JsonSerializer.Serialize(new { plan_id = plan.PlanId, credential = plan.CredentialName, status = plan.Status, reason = masker.Scrub(why) });
        await audit.AppendSystemEventAsync(new SystemEvent { At = time.GetUtcNow(), Actor = "velvet-plans", Kind = kind, Detail = detail }, ct).ConfigureAwait(false);
    }

    private static List<PlanStage> Replace(IReadOnlyList<PlanStage> stages, int index, PlanStage stage) =>
        stages.Select((s, i) => i == index ? stage : s).ToList();
}
