using Polly;
using Polly.Retry;
using Outcome = Velvet.Core.Ports.Outcome;
using OutcomeKind = Velvet.Core.Ports.OutcomeKind;

namespace Velvet.Core.Engine;

public sealed partial class JobRunner
{
    private ResiliencePipeline<Outcome>? _pipeline;

    /// <summary>Transient outcomes retried with jittered exponential backoff; a Retry-After wins when longer.</summary>
    private ResiliencePipeline<Outcome> Pipeline => _pipeline ??= new ResiliencePipelineBuilder<Outcome> { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions<Outcome>
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Kind == OutcomeKind.Transient
                && (args.Outcome.Result.RetryAfter is null || args.Outcome.Result.RetryAfter <= _options.MaxRetryAfter)),
            MaxRetryAttempts = Math.Max(0, _options.MaxAttempts - 1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.RetryBaseDelay,
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
        })
        .Build();

    /// <summary>Runs one vendor/consumer call. Exceptions become outcomes (scrubbed); cancellation propagates.</summary>
    private async Task<(Outcome Outcome, int Attempts)> CallAsync(Func<CancellationToken, Task<Outcome>> call, CancellationToken ct, string step = "call", string? kind = null)
    {
        var started = time.GetTimestamp();
        var attempts = 0;
        var outcome = await Pipeline.ExecuteAsync(async c =>
        {
            attempts++;
            try
            {
                return await call(c).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (c.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or OperationCanceledException or IOException)
            {
                return Outcome.Transient($"{ex.GetType().Name}: {masker.Scrub(ex.Message)}");
            }
            catch (Exception ex)
            {
                Log.AdapterCrashed(logger, ex.GetType().Name);
                return Outcome.Permanent($"{ex.GetType().Name}: {masker.Scrub(ex.Message)}");
            }
        }, ct).ConfigureAwait(false);
        var outcomeName = outcome.Kind.ToString().ToLowerInvariant();
        VelvetMetrics.StepDuration.Record(time.GetElapsedTime(started).TotalSeconds, new("step", step), new("outcome", outcomeName));
        if (outcome.Kind is OutcomeKind.Transient or OutcomeKind.Permanent)
            VelvetMetrics.VendorErrors.Add(1, new("kind", kind ?? "unknown"), new("outcome", outcomeName));
        return (outcome, attempts);
    }
}
