using Velvet.Core.Results;

namespace Velvet.Core.Ports;

/// <summary>One registered subscriber (consumer) as stored: its key and the consumer spec as JSON.</summary>
public sealed record SubscriberRecord
{
    public required string TokenName { get; init; }
    public required string ConsumerId { get; init; }
    public required string Env { get; init; }
    /// <summary>The ConsumerSpec, serialised by <c>SubscriberJson</c>; the store treats it as opaque text.</summary>
    public required string SpecJson { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required string UpdatedBy { get; init; }
}

/// <summary>An audit row that belongs to no job (subscriber changes, drift reports).</summary>
public sealed record SystemEvent
{
    public long Seq { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string Actor { get; init; }
    /// <summary>e.g. velvet.subscribers.added, velvet.subscribers.drift.</summary>
    public required string Kind { get; init; }
    /// <summary>JSON detail; never a value.</summary>
    public required string Detail { get; init; }
}

/// <summary>
/// The runtime subscriber registry (the team's ADR-0041): seeded from the manifest on first boot, then the source of truth.
/// Key: (token_name, consumer_id, env).
/// </summary>
public interface ISubscriberStore
{
    /// <summary>Inserts every row only if the table is empty, atomically; true when it seeded, false when rows existed.</summary>
    Task<bool> SeedSubscribersAsync(IReadOnlyList<SubscriberRecord> rows, SystemEvent audit, CancellationToken ct);

    /// <summary>Ordered by token_name, env, consumer_id.</summary>
    Task<IReadOnlyList<SubscriberRecord>> ListSubscribersAsync(CancellationToken ct);

    /// <summary>Key already present → <see cref="Invalid"/> with Field "consumer_id".</summary>
    Task<Result<SubscriberRecord>> AddSubscriberAsync(SubscriberRecord row, SystemEvent audit, CancellationToken ct);

    /// <summary>Key absent → <see cref="NotFound"/>.</summary>
    Task<Result<SubscriberRecord>> UpdateSubscriberAsync(SubscriberRecord row, SystemEvent audit, CancellationToken ct);

    /// <summary>False when the key was absent (nothing written).</summary>
    Task<bool> DeleteSubscriberAsync(string tokenName, string consumerId, string env, SystemEvent audit, CancellationToken ct);

    /// <summary>A number that changes whenever the table changes (replicas poll it to reload).</summary>
    Task<long> SubscribersVersionAsync(CancellationToken ct);

    /// <summary>Appends an audit row that belongs to no job.</summary>
    Task AppendSystemEventAsync(SystemEvent audit, CancellationToken ct);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<SystemEvent>> ListSystemEventsAsync(int limit, CancellationToken ct);
}
