using System.Text.Json;
using Velvet.Core.Engine;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Results;

namespace Velvet.Core.Registry;

/// <summary>
/// Hybrid registration (the team's ADR-0041): the manifest seeds the subscribers table on first boot; after that the
/// table is the source of truth for which consumers a rotation touches. Changes are validated like manifest rows,
/// audited, and swapped into the engine's bindings; replicas pick them up through the table's version.
/// </summary>
public sealed class SubscriberRegistry(ISubscriberStore store, CredentialBindings bindings, VelvetManifest file, TimeProvider time)
{
    private long _version = -1;

    /// <summary>The manifest as read from the file (credentials, and the consumers that seeded the table).</summary>
    public VelvetManifest File => file;

    /// <summary>Seeds the table from the manifest if it is empty, then loads it into the engine. True when it seeded.</summary>
    public async Task<bool> SeedAndLoadAsync(string actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var rows = file.Consumers.Select(c => Record(c, actor, now)).ToList();
        var seeded = await store.SeedSubscribersAsync(rows, Audit("velvet.subscribers.seeded", actor, new { count = rows.Count, source = file.SourcePath }), ct).ConfigureAwait(false);
        await ReloadAsync(ct).ConfigureAwait(false);
        return seeded;
    }

    /// <summary>Reloads when another replica (or process) changed the table.</summary>
    public async Task<bool> ReloadIfChangedAsync(CancellationToken ct)
    {
        var v = await store.SubscribersVersionAsync(ct).ConfigureAwait(false);
        if (v == Interlocked.Read(ref _version)) return false;
        await ReloadAsync(ct).ConfigureAwait(false);
        return true;
    }

    private async Task ReloadAsync(CancellationToken ct)
    {
        var v = await store.SubscribersVersionAsync(ct).ConfigureAwait(false);
        var specs = (await store.ListSubscribersAsync(ct).ConfigureAwait(false)).Select(r => SubscriberJson.Deserialize(r.SpecJson) with { Env = r.Env }).ToList();
        bindings.Replace(file with { Consumers = specs });
        Interlocked.Exchange(ref _version, v);
    }

    public async Task<IReadOnlyList<ConsumerSpec>> ListAsync(CancellationToken ct) =>
        (await store.ListSubscribersAsync(ct).ConfigureAwait(false)).Select(r => SubscriberJson.Deserialize(r.SpecJson) with { Env = r.Env }).ToList();

    public async Task<Result<ConsumerSpec>> AddAsync(SubscriberBody body, string actor, CancellationToken ct)
    {
        var valid = SubscriberRules.Validate(body, file, bindings.Catalog);
        if (!valid.IsOk) return valid.Error;
        var written = await store.AddSubscriberAsync(Record(valid.Value, actor, time.GetUtcNow()), Audit("velvet.subscribers.added", actor, Key(valid.Value)), ct).ConfigureAwait(false);
        if (!written.IsOk) return written.Error;
        await ReloadAsync(ct).ConfigureAwait(false);
        return valid.Value;
    }

    public async Task<Result<ConsumerSpec>> UpdateAsync(string tokenName, string consumerId, SubscriberBody body, string actor, CancellationToken ct)
    {
        if (body.TokenName != tokenName || body.ConsumerId != consumerId)
            return new Invalid($"the body names {body.TokenName}/{body.ConsumerId} but the path {tokenName}/{consumerId}: they must match (delete and add to rename)", "consumer_id");
        var valid = SubscriberRules.Validate(body, file, bindings.Catalog);
        if (!valid.IsOk) return valid.Error;
        var written = await store.UpdateSubscriberAsync(Record(valid.Value, actor, time.GetUtcNow()), Audit("velvet.subscribers.updated", actor, Key(valid.Value)), ct).ConfigureAwait(false);
        if (!written.IsOk) return written.Error;
        await ReloadAsync(ct).ConfigureAwait(false);
        return valid.Value;
    }

    public async Task<bool> DeleteAsync(string tokenName, string consumerId, string env, string actor, CancellationToken ct)
    {
        var deleted = await store.DeleteSubscriberAsync(tokenName, consumerId, env, Audit("velvet.subscribers.deleted", actor, new { token_name = tokenName, consumer_id = consumerId, env }), ct).ConfigureAwait(false);
        if (deleted) await ReloadAsync(ct).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>Manifest vs table (ADR-0041): written to the audit trail as velvet.subscribers.drift; corrects nothing.</summary>
    public async Task<DriftReport> DriftAsync(string actor, CancellationToken ct)
    {
        var report = SubscriberDrift.Compare(file.Consumers, await ListAsync(ct).ConfigureAwait(false));
        await store.AppendSystemEventAsync(Audit("velvet.subscribers.drift", actor, new
        {
            manifest_only = report.ManifestOnly,
            db_only = report.DbOnly,
            mismatched_field = report.MismatchedField.Select(m => new { m.TokenName, m.ConsumerId, m.Env, m.Fields }),
        }), ct).ConfigureAwait(false);
        return report;
    }

    private static object Key(ConsumerSpec c) => new { token_name = c.TokenName, consumer_id = c.ConsumerId, env = c.Env };

    private SystemEvent Audit(string kind, string actor, object detail) => new()
    {
        At = time.GetUtcNow(), Actor = actor, Kind = kind, Detail = JsonSerializer.Serialize(detail, SubscriberJson.Options),
    };

    private static SubscriberRecord Record(ConsumerSpec c, string actor, DateTimeOffset at) => new()
    {
        TokenName = c.TokenName, ConsumerId = c.ConsumerId, Env = c.Env, SpecJson = SubscriberJson.Serialize(c), UpdatedAt = at, UpdatedBy = actor,
    };
}
