using Velvet.Core.Engine;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Core.Health;

/// <summary>Knobs of a health check.</summary>
public sealed record HealthOptions
{
    /// <summary>Between two calls to the same vendor (or consumer kind); local kinds are not throttled.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>A credential expiring within this is PARTIAL ("expiring soon").</summary>
    public TimeSpan ExpiringWithin { get; init; } = TimeSpan.FromDays(14);
}

/// <summary>
/// Probes every credential Velvet holds for its env (vendor verify: read-only, Stage 1) and every active consumer
/// (its healthcheck_endpoint, else a read-back of the current value's fingerprint), and rolls them up into
/// VALID / STALE / PARTIAL with the reason (SPEC §8). Calls go through a <see cref="ProbeThrottle"/>.
/// </summary>
public sealed class HealthProber(CredentialBindings bindings, ISecretSource secrets, SecretMasker masker, IConsumerTargets targets,
    HealthOptions options, TimeProvider time)
{
    private readonly ProbeThrottle _throttle = new(options.MinInterval, time);

    public async Task<HealthReport> CheckAsync(string env, CancellationToken ct)
    {
        var manifest = bindings.Manifest;
        var local = bindings.Catalog.Kinds.Where(k => k.IsLocal).Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
        var credentials = manifest.Credentials.Where(c => c.Env == env && c.Active).ToList();
        var checks = credentials.Select(c => CheckCredentialAsync(c, manifest.ConsumersOf(c.TokenName, env).Where(x => x.Active).ToList(), env, local, ct));
        return new HealthReport(env, time.GetUtcNow(), await Task.WhenAll(checks).ConfigureAwait(false));
    }

    private async Task<CredentialHealth> CheckCredentialAsync(CredentialSpec c, List<ConsumerSpec> consumers, string env, HashSet<string> local, CancellationToken ct)
    {
        var vendorProbe = await Throttled(c.Vendor.Kind, local, () => VerifyAsync(c, env, ct), ct).ConfigureAwait(false);
        var consumerProbes = await Task.WhenAll(consumers.Select(x => Throttled(x.Kind, local, () => ConsumerAsync(c, x, env, ct), ct))).ConfigureAwait(false);
        var (status, notes) = RollUp(vendorProbe, consumerProbes);
        return new CredentialHealth(c.TokenName, c.Vendor.Kind, status, masker.Scrub(notes), [vendorProbe, .. consumerProbes]);
    }

    private Task<HealthProbe> Throttled(string kind, HashSet<string> local, Func<Task<HealthProbe>> probe, CancellationToken ct) =>
        local.Contains(kind) ? probe() : _throttle.RunAsync(VendorOf(kind), probe, ct);

    /// <summary>
    /// The quota a kind spends: its first word (heroku-token, heroku-config-var and heroku-postgres-credential all call
    /// the Heroku API under one account's rate limit).
    /// </summary>
    public static string VendorOf(string kind) => kind.Split('-', 2)[0];

    private async Task<HealthProbe> VerifyAsync(CredentialSpec c, string env, CancellationToken ct)
    {
        var probe = new HealthProbe { TokenName = c.TokenName, Kind = c.Vendor.Kind, Check = "vendor verify", Status = HealthStatus.Unknown, Reason = "" };
        VerifyResult result;
        try
        {
            var ctx = new VendorContext { JobId = Guid.Empty, CredentialName = c.TokenName, Env = env, IdempotencyTag = "velvet-health", Secrets = secrets };
            result = await bindings.Vendor(c).VerifyAsync(ctx, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or HttpRequestException or IOException)
        {
            return probe with { Status = HealthStatus.Stale, Reason = masker.Scrub($"cannot verify: {ex.Message}") };
        }
        probe = Classify(probe, result.Outcome);
        if (probe.Status == HealthStatus.Valid && result.ExpiresAt is { } expires)
        {
            var left = expires - time.GetUtcNow();
            if (left <= TimeSpan.Zero) return probe with { Status = HealthStatus.Stale, Reason = $"expired {expires:u}" };
            if (left <= options.ExpiringWithin) return probe with { Status = HealthStatus.Partial, Reason = $"expiring soon: {expires:u} (in {(int)left.TotalDays}d); {probe.Reason}" };
        }
        return probe;
    }

    private async Task<HealthProbe> ConsumerAsync(CredentialSpec c, ConsumerSpec consumer, string env, CancellationToken ct)
    {
        var target = targets.Describe(consumer);
        var probe = new HealthProbe
        {
            TokenName = c.TokenName, ConsumerId = consumer.ConsumerId, Kind = consumer.Kind, Target = target.Target,
            Check = "none", Status = HealthStatus.Unknown, Reason = "",
        };
        try
        {
            if (bindings.Consumer(c, consumer.ConsumerId, env) is not { } binding)
                return probe with { Reason = "consumer is not registered for this env" };
            var current = secrets.Get(c.TokenName);
            var ctx = new ConsumerContext
            {
                JobId = Guid.Empty, CredentialName = c.TokenName, ConsumerId = consumer.ConsumerId, Env = env,
                ExpectedFingerprint = current?.Fingerprint, Secrets = secrets,
            };
            if (binding.Healthcheck is { } health)
                return Classify(probe with { Check = "healthcheck" }, await health.CheckHealthyAsync(ctx, ct).ConfigureAwait(false));
            if (current is null)
                return probe with { Reason = $"no healthcheck_endpoint, and the current value of {c.TokenName} is not available to compare with" };
            return Classify(probe with { Check = "read-back" }, await binding.Adapter.ValidateAsync(ctx, ct).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or HttpRequestException or IOException)
        {
            return probe with { Status = HealthStatus.Stale, Reason = masker.Scrub($"cannot check: {ex.Message}") };
        }
    }

    /// <summary>401 → STALE; 403 → PARTIAL (authenticated, a scope or permission is missing); other permanent → STALE; transient or no check → UNKNOWN.</summary>
    public HealthProbe Classify(HealthProbe probe, Outcome outcome)
    {
        var message = masker.Scrub(outcome.Message ?? "");
        var (status, reason) = outcome.Kind switch
        {
            OutcomeKind.Succeeded => (HealthStatus.Valid, message.Length == 0 ? "ok" : message),
            OutcomeKind.Permanent when outcome.HttpStatus == 401 => (HealthStatus.Stale, $"HTTP 401: {message}"),
            OutcomeKind.Permanent when outcome.HttpStatus == 403 => (HealthStatus.Partial, $"HTTP 403 (missing scope or permission): {message}"),
            OutcomeKind.Permanent => (HealthStatus.Stale, outcome.HttpStatus is { } s ? $"HTTP {s}: {message}" : message),
            OutcomeKind.Transient => (HealthStatus.Unknown, $"transient, try again later: {message}"),
            _ => (HealthStatus.Unknown, message),
        };
        return probe with { Status = status, Reason = reason, HttpStatus = outcome.HttpStatus };
    }

    /// <summary>
    /// The credential row: its vendor's status, except that a VALID vendor with STALE consumers is PARTIAL
    /// ("n/m consumers stale"), since the credential works but some copies do not.
    /// </summary>
    public static (HealthStatus Status, string Notes) RollUp(HealthProbe vendor, IReadOnlyList<HealthProbe> consumers)
    {
        var stale = consumers.Where(p => p.Status is HealthStatus.Stale or HealthStatus.Partial).ToList();
        var notes = vendor.Reason;
        if (stale.Count > 0)
            notes += $"; {stale.Count}/{consumers.Count} consumer(s) not healthy: " + string.Join(", ", stale.Select(p => $"{p.ConsumerId} ({p.Status.ToString().ToUpperInvariant()})"));
        var status = vendor.Status switch
        {
            HealthStatus.Valid when stale.Count > 0 => HealthStatus.Partial,
            _ => vendor.Status,
        };
        return (status, notes);
    }
}
