using Velvet.Core.Ports;
using Velvet.Core.Results;

namespace Velvet.Store.Common;

/// <summary>Subscriber-registry rules and SQL fragments both backends share; column orders match the readers' ordinals.</summary>
internal static class SubscriberRows
{
    public const string Columns = "token_name, consumer_id, env, spec_json, updated_at, updated_by";

    public const string EventColumns = "seq, at, actor, kind, detail";

    public const string OrderBy = "ORDER BY token_name, env, consumer_id";

    /// <summary>A malformed row is a caller bug (the API and the manifest loader validate first), so it throws.</summary>
    public static void Valid(SubscriberRecord row)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentException.ThrowIfNullOrWhiteSpace(row.TokenName);
        ArgumentException.ThrowIfNullOrWhiteSpace(row.ConsumerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(row.Env);
        ArgumentException.ThrowIfNullOrWhiteSpace(row.SpecJson);
        ArgumentException.ThrowIfNullOrWhiteSpace(row.UpdatedBy);
    }

    public static void Valid(SystemEvent audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentException.ThrowIfNullOrWhiteSpace(audit.Actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(audit.Kind);
        ArgumentNullException.ThrowIfNull(audit.Detail);
    }

    /// <summary>Every row valid and no key twice (a duplicate would fail the whole seed on the primary key).</summary>
    public static void ValidSeed(IReadOnlyList<SubscriberRecord> rows, SystemEvent audit)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Valid(audit);
        var keys = new HashSet<(string, string, string)>();
        foreach (var r in rows)
        {
            Valid(r);
            if (!keys.Add((r.TokenName, r.ConsumerId, r.Env)))
                throw new ArgumentException($"the seed lists subscriber '{r.ConsumerId}' of token '{r.TokenName}' in env '{r.Env}' twice", nameof(rows));
        }
    }

    public static Invalid Exists(SubscriberRecord row) =>
        new($"token '{row.TokenName}' already has a subscriber '{row.ConsumerId}' in env '{row.Env}'; update it instead", "consumer_id");

    public static NotFound Missing(SubscriberRecord row) =>
        new($"token '{row.TokenName}' has no subscriber '{row.ConsumerId}' in env '{row.Env}'");
}
