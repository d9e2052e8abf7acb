using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Schedules;

namespace Velvet.Core.Inventory;

/// <summary>Builds the inventory from the live consumer list (registry or manifest), the job store and the schedule.</summary>
public static class InventoryBuilder
{
    /// <summary>How many recent jobs of a credential are searched for the last write of each copy.</summary>
    public const int WriteHistoryDepth = 20;

    public static async Task<InventoryReport> BuildAsync(RotationService service, IScheduleStore? slots, IConsumerTargets targets, TimeProvider time, CancellationToken ct)
    {
        var env = service.Options.Env;
        var manifest = service.Manifest;
        var now = time.GetUtcNow();
        var allSlots = slots is null ? [] : await slots.ListSlotsAsync(env, ct).ConfigureAwait(false);
        var history = await RotationHistory.ReadAsync(service.Store, manifest, env, ct).ConfigureAwait(false);
        var last = history.LastRotations;
        var plans = SchedulePlanner.Plan(manifest, env, allSlots, history, now, new SchedulerOptions().PairGap).ToDictionary(p => p.TokenName, StringComparer.Ordinal);
        var open = service.Store is IFollowupStore followups ? await followups.ListFollowupsAsync(openOnly: true, ct).ConfigureAwait(false) : [];
        var entries = new List<InventoryEntry>();
        foreach (var c in manifest.Credentials.Where(c => c.Env == env))
        {
            var plan = plans[c.TokenName];
            var written = await LastWritesAsync(service.Store, c.TokenName, env, ct).ConfigureAwait(false);
            var pending = Followups(manifest, c.TokenName, env, open, targets);
            entries.Add(new InventoryEntry
            {
                TokenName = c.TokenName, Env = env, Vendor = c.Vendor.Kind, Mode = ModeName(c.Mode), Active = c.Active,
                Cadence = plan.Cadence?.Text, LastRotatedAt = plan.LastRotatedAt,
                LastRotationJob = last.TryGetValue(c.TokenName, out var job) ? job.JobId : null,
                Age = plan.LastRotatedAt is { } at ? now - at : null,
                CadenceInterval = plan.Cadence?.Interval(now), Overdue = plan.Overdue(now), NextDueAt = plan.NextDueAt, ScheduleState = plan.State,
                // The canonical store (vault) first, as the rotation writes it.
                Copies = manifest.ConsumersOf(c.TokenName, env).OrderBy(x => x.ConsumerId == c.CanonicalConsumer ? 0 : 1)
                    .Select(consumer => Copy(c, consumer, targets, written, pending)).ToList(),
                Followups = pending,
            });
        }
        return new InventoryReport(env, now, entries);
    }

    public static string ModeName(RotationMode mode) => mode switch
    {
        RotationMode.OperatorManual => "operator_manual",
        RotationMode.ManualOnly => "manual_only",
        _ => "automatic",
    };

    /// <summary>The credential's open follow-ups in <paramref name="env"/>, oldest first, with where the value is instead.</summary>
    private static List<InventoryFollowup> Followups(VelvetManifest manifest, string token, string env, IReadOnlyList<Followup> open, IConsumerTargets targets) =>
        open.Where(f => f.CredentialName == token && f.Env == env).OrderBy(f => f.Id).Select(f => new InventoryFollowup
        {
            Id = f.Id, JobId = f.JobId, CanonicalConsumerId = f.CanonicalConsumerId, FallbackConsumerId = f.FallbackConsumerId, Reason = f.Reason, Since = f.CreatedAt,
            FallbackTarget = manifest.ConsumersOf(token, env).FirstOrDefault(x => x.ConsumerId == f.FallbackConsumerId) is { } fallback
                ? targets.Describe(fallback).Target : f.FallbackConsumerId,
        }).ToList();

    private static InventoryCopy Copy(CredentialSpec c, ConsumerSpec consumer, IConsumerTargets targets, IReadOnlyDictionary<string, ConsumerRow> written,
        IReadOnlyList<InventoryFollowup> pending)
    {
        var canonicalOf = pending.FirstOrDefault(f => f.CanonicalConsumerId == consumer.ConsumerId);
        var fallbackOf = pending.FirstOrDefault(f => f.FallbackConsumerId == consumer.ConsumerId);
        var target = targets.Describe(consumer);
        var row = written.TryGetValue(consumer.ConsumerId, out var r) ? r : null;
        return new InventoryCopy
        {
            ConsumerId = consumer.ConsumerId, Kind = consumer.Kind, Label = target.Label, Target = target.Target, Active = consumer.Active,
            Canonical = consumer.ConsumerId == c.CanonicalConsumer,
            LastWrittenAt = row?.WrittenAt, WrittenFingerprint = row?.WrittenFingerprint, WrittenBy = row?.JobId,
            FollowupNote = canonicalOf is not null ? $"lacks the new value: {canonicalOf.Note}"
                : fallbackOf is not null ? $"holds the value for {fallbackOf.CanonicalConsumerId} until follow-up {fallbackOf.Id} resolved" : null,
        };
    }

    /// <summary>Per consumer, the newest row of a recent job that wrote it.</summary>
    private static async Task<IReadOnlyDictionary<string, ConsumerRow>> LastWritesAsync(IJobStore store, string token, string env, CancellationToken ct)
    {
        var found = new Dictionary<string, ConsumerRow>(StringComparer.Ordinal);
        var jobs = await store.ListJobsAsync(new JobQuery { CredentialName = token, Limit = WriteHistoryDepth }, ct).ConfigureAwait(false);
        foreach (var job in jobs.Where(j => j.Env == env && j.Flow == FlowType.Operational))
        {
            foreach (var row in await store.GetConsumerRowsAsync(job.JobId, ct).ConfigureAwait(false))
            {
                if (row.WrittenAt is null) continue;
                if (!found.TryGetValue(row.ConsumerId, out var seen) || seen.WrittenAt < row.WrittenAt) found[row.ConsumerId] = row;
            }
        }
        return found;
    }
}
