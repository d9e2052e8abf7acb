using System.Collections.Concurrent;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Core.Engine;

public sealed partial class JobRunner
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _perKind = new(StringComparer.Ordinal);

    /// <summary>
    /// Distribute or validate every row still pending (in_progress rows were interrupted by a crash: redo them,
    /// push is idempotent). Canonical store first when distributing: its failure stops the fan-out.
    /// </summary>
    private async Task<bool> FanOutAsync(RotationJob job, CredentialSpec credential, Phase phase, CancellationToken ct)
    {
        var rows = await _store.GetConsumerRowsAsync(job.JobId, ct).ConfigureAwait(false);
        var needsValue = phase == Phase.Distribute || (job.Flow != FlowType.Revocation && HasCommandChecks(credential, job.Env));
        var value = needsValue ? await OpenSecretAsync(job, ct).ConfigureAwait(false) : null;
        if (phase == Phase.Distribute && value is null)
        {
            const string lost = "the new value is no longer stored (erased or sealed with another key): abort this job and start a new rotation";
            return await MoveAsync(job, StepOutcome.Failed, j => j with { LastError = lost }, ct, lost).ConfigureAwait(false);
        }
        var todo = rows.Where(r => Status(r, phase) is RowStatus.Pending or RowStatus.InProgress).ToList();
        var writes = new RowWriteBatcher(_store, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watch = StopWhenMovedAsync(job, stop);
        try
        {
            if (phase == Phase.Distribute && todo.FirstOrDefault(r => r.IsCanonical) is { } canonical)
            {
                var written = await ProcessRowAsync(job, credential, canonical, phase, value, writes, stop.Token, ct).ConfigureAwait(false);
                todo.Remove(canonical);
                if (!written.Status.IsOk() && !await FallBackAsync(job, credential, canonical, written.Outcome, value!, writes, ct).ConfigureAwait(false)) todo.Clear();
            }
            await Task.WhenAll(todo.Select(r => ProcessRowAsync(job, credential, r, phase, value, writes, stop.Token, ct))).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }

        // Every row write of this fan-out has completed here: the rows as stored are the ones read above with those
        // writes laid over them, so the outcome needs no second read of all N rows (see RowWriteBatcher.Overlay).
        rows = writes.Overlay(rows);
        var outcome = Phases.Outcome(rows, phase, job.Flow);
        if (outcome is null)
        {
            // Rows wait for a person: say so on the job so it is listed as stuck at once.
            var waiting = rows.Where(r => !Status(r, phase).IsOk()).Select(r => r.ConsumerId).ToArray();
            var reason = $"manual_confirm of {string.Join(", ", waiting)}";
            if (job.Details.WaitingFor != reason)
                await NoteAsync(job, j => j with { Details = j.Details with { WaitingFor = reason } }, $"waiting for {reason}", ct).ConfigureAwait(false);
            return false;
        }
        string? detail = null;
        Func<RotationJob, RotationJob>? change = null;
        if (outcome == StepOutcome.Leaked)
        {
            var leaked = rows.Where(r => r.ValidateStatus == RowStatus.Leaked).Select(r => r.ConsumerId).ToArray();
            detail = $"SEV1 rev_leaked: {job.CredentialName} is still accepted by {string.Join(", ", leaked)}";
            change = j => j with { Details = j.Details with { LeakedConsumers = leaked }, LastError = detail };
            Log.Leaked(logger, job.JobId, job.CredentialName, string.Join(",", leaked));
        }
        else if (outcome != StepOutcome.Succeeded)
        {
            var failed = rows.Where(r => !Status(r, phase).IsOk()).Select(r => r.ConsumerId).ToArray();
            detail = $"{phase.ToString().ToLowerInvariant()} incomplete: {string.Join(", ", failed)}";
            change = j => j with { LastError = detail };
        }
        return await MoveAsync(job, outcome.Value, change, ct, detail).ConfigureAwait(false);
    }

    private static RowStatus Status(ConsumerRow r, Phase phase) => phase == Phase.Distribute ? r.DistributeStatus : r.ValidateStatus;

    private static ConsumerRow WithStatus(ConsumerRow r, Phase phase, RowStatus s) =>
        phase == Phase.Distribute ? r with { DistributeStatus = s } : r with { ValidateStatus = s };

    /// <summary>
    /// Polls the job while rows are processed: once someone else moved it (an operator's abort, here or in another
    /// process), rows that have not started stay pending instead of being pushed after the abort.
    /// </summary>
    private async Task StopWhenMovedAsync(RotationJob job, CancellationTokenSource stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), time, stop.Token).ConfigureAwait(false);
                var now = await _store.GetJobAsync(job.JobId, stop.Token).ConfigureAwait(false);
                if (now is null || now.Status != job.Status)
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task<(RowStatus Status, Outcome? Outcome)> ProcessRowAsync(RotationJob job, CredentialSpec credential, ConsumerRow row, Phase phase, SecretValue? value,
        RowWriteBatcher writes, CancellationToken notStarted, CancellationToken ct)
    {
        var gate = _perKind.GetOrAdd(row.Kind, _ => new SemaphoreSlim(_options.PerKindConcurrency));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        (RowStatus Status, Outcome? Outcome, Task Stored) result;
        try
        {
            // The job moved on (aborted) while this row waited for a slot: leave it untouched.
            if (notStarted.IsCancellationRequested && !ct.IsCancellationRequested) return (Status(row, phase), null);
            result = await CallRowAsync(job, credential, row, phase, value, writes, ct).ConfigureAwait(false);
        }
        finally
        {
            // The limit is on calls to the consumer: storing the result does not hold a slot.
            gate.Release();
        }
        await result.Stored.ConfigureAwait(false);
        return (result.Status, result.Outcome);
    }

    /// <summary>Marks the row in progress (stored before the call), calls the consumer, and hands back the result's store write.</summary>
    private async Task<(RowStatus Status, Outcome? Outcome, Task Stored)> CallRowAsync(RotationJob job, CredentialSpec credential, ConsumerRow row, Phase phase,
        SecretValue? value, RowWriteBatcher writes, CancellationToken ct)
    {
        // A row whose push was skipped (e.g. deleted app) has nothing to validate.
        if (phase == Phase.Validate && job.Flow is FlowType.Operational or FlowType.Provision && row.DistributeStatus == RowStatus.Skipped)
            return (RowStatus.Skipped, null, WriteRowAsync(writes, WithStatus(row, phase, RowStatus.Skipped), "nothing to validate: distribution was skipped"));
        row = WithStatus(row, phase, RowStatus.InProgress);
        // Not awaited before the call: the batcher stores writes in order, so the result can never be overwritten by
        // this mark, and no decision depends on it being durable first (a crash redoes pending and in_progress rows
        // alike; an abort while distributing reports both as "unknown"). Waiting here cost a commit per call.
        var started = WriteRowAsync(writes, row, $"{Verb(job, phase)} started");
        var binding = bindings.Consumer(credential, row.ConsumerId, job.Env);
        if (binding is null)
            return (RowStatus.Failed, null, Task.WhenAll(started, WriteRowAsync(writes, WithStatus(row, phase, RowStatus.Failed) with { LastError = "consumer is no longer in the manifest for this env" },
                "failed: consumer is no longer in the manifest")));

        var context = new ConsumerContext
        {
            JobId = job.JobId, CredentialName = job.CredentialName, ConsumerId = row.ConsumerId, Env = job.Env,
            ExpectedFingerprint = job.NewValueFingerprint, WrittenFingerprint = row.WrittenFingerprint, Secrets = secrets,
        };
        (Outcome Outcome, int Attempts) call;
        try
        {
            call = await CallAsync(c => RowCall(job, phase, binding, credential, context, value, c), ct,
                phase == Phase.Distribute ? "distribute" : job.Flow == FlowType.Revocation ? "probe" : "validate", row.Kind).ConfigureAwait(false);
        }
        catch
        {
            await started.ConfigureAwait(false); // observed either way; the call's exception wins
            throw;
        }
        var status = call.Outcome.Kind switch
        {
            OutcomeKind.Succeeded => RowStatus.Succeeded,
            OutcomeKind.Skipped => RowStatus.Skipped,
            OutcomeKind.NeedsConfirm => RowStatus.NeedsConfirm,
            OutcomeKind.Leaked => RowStatus.Leaked,
            _ => RowStatus.Failed,
        };
        var error = status is RowStatus.Succeeded ? null : Describe(call.Outcome);
        // A command check's output belongs in the record whether it passed or not.
        var note = error ?? (call.Outcome.Message is { } m && m.StartsWith("check ", StringComparison.Ordinal) ? Describe(call.Outcome) : null);
        var written = phase == Phase.Distribute && status == RowStatus.Succeeded;
        var done = WithStatus(row, phase, status) with
        {
            Attempts = row.Attempts + call.Attempts,
            LastError = error,
            // What a write-only consumer (GitHub) holds and since when: it can never be read back.
            WrittenFingerprint = written ? call.Outcome.WrittenFingerprint ?? WrittenFingerprint(value!) : row.WrittenFingerprint,
            WrittenAt = written ? time.GetUtcNow() : row.WrittenAt,
        };
        return (status, call.Outcome, Task.WhenAll(started, WriteRowAsync(writes, done, $"{Verb(job, phase)} {status.Name()}" + (note is null ? "" : $": {note}"))));
    }

    private string? WrittenFingerprint(SecretValue value) =>
        _options.FingerprintKey.Length == 0 ? null : Fingerprints.Hmac(_options.FingerprintKey, value.Reveal());

    private static string Verb(RotationJob job, Phase phase) =>
        phase == Phase.Distribute ? "distribute" : job.Flow == FlowType.Revocation ? "probe (expect refused)" : "validate";

    private Task<Outcome> RowCall(RotationJob job, Phase phase, ConsumerBinding b, CredentialSpec credential, ConsumerContext ctx, SecretValue? value, CancellationToken ct)
    {
        if (phase == Phase.Distribute) return b.Adapter.PushAsync(ctx, value!, ct);
        if (job.Flow == FlowType.Revocation)
            return b.Healthcheck?.CheckRefusedAsync(ctx, ct) ?? b.Adapter.ProbeRejectedAsync(ctx, ct);
        if (b.Spec.Has("update_no_verify") && (b.Spec.Check ?? credential.Check) is null)
            return Task.FromResult(Outcome.Confirm("update_no_verify: this consumer cannot be checked automatically; confirm it manually"));
        return ValidateWithCheckAsync(b, credential, ctx, value, ct);
    }

    /// <summary>Stores one row's progress; returns once it is stored (grouped with concurrent writes, see <see cref="RowWriteBatcher"/>).</summary>
    private async Task WriteRowAsync(RowWriteBatcher writes, ConsumerRow row, string detail)
    {
        var now = time.GetUtcNow();
        row = row with { UpdatedAt = now, LastError = row.LastError is null ? null : masker.Scrub(row.LastError) };
        var evt = RotationService.RowEvent(row, EngineActor, now, masker.Scrub(detail));
        await writes.WriteAsync(row, evt).ConfigureAwait(false);
        service.Notify(row.JobId);
    }
}
