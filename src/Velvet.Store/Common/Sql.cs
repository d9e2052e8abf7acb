using Velvet.Core.Jobs;

namespace Velvet.Store.Common;

/// <summary>SQL fragments both backends share; the column orders match the mappers' ordinals.</summary>
internal static class Sql
{
    public const string JobColumns =
        "job_id, credential_name, env, flow, status, version, idempotency_key, force_revoke, created_by, created_at, " +
        "updated_at, status_changed_at, old_credential_id, new_credential_id, new_value_fingerprint, last_error, " +
        "details_json, lease_owner, lease_until";

    public const string RowColumns =
        "job_id, consumer_id, kind, is_canonical, ordinal, distribute_status, validate_status, attempts, last_error, " +
        "written_fingerprint, confirmed_by, confirm_reason, updated_at, written_at";

    public const string EventColumns = "seq, job_id, at, actor, kind, from_status, to_status, consumer_id, detail";

    /// <summary>
    /// <c>status NOT IN ('done', ...)</c> built from <see cref="JobStatusNames.TerminalNames"/> (our own constants,
    /// not input), written exactly like the partial index predicate so planners can use that index.
    /// </summary>
    public static readonly string NonTerminal =
        "status NOT IN (" + string.Join(", ", JobStatusNames.TerminalNames.Select(n => "'" + n + "'")) + ")";
}
