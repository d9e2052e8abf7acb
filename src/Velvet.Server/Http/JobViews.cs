using Velvet.Core.Jobs;

namespace Velvet.Server.Http;

/// <summary>JSON shapes of jobs, rows and events, shared by the API and the CLI: the team's field names (snake_case), never a value.</summary>
public static class JobViews
{
    /// <summary>The API's JSON settings (web defaults, snake_case), for views serialized outside the endpoint result path.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions JsonOptions =
        new(System.Text.Json.JsonSerializerDefaults.Web) { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The job's fields, snake_case; a dictionary so endpoints can add <c>consumers</c> beside them.</summary>
    public static Dictionary<string, object?> Job(RotationJob j) => new()
    {
        ["job_id"] = j.JobId,
        ["credential"] = j.CredentialName,
        ["env"] = j.Env,
        ["flow_type"] = j.Flow.Name(),
        ["status"] = j.Status.Name(),
        ["allowed_actions"] = RotationStateMachine.AllowedActions(j.Status, j.Flow).Select(a => a.Name()).ToArray(),
        ["force_revoke"] = j.ForceRevoke,
        ["created_by"] = j.CreatedBy,
        ["created_at"] = j.CreatedAt,
        ["updated_at"] = j.UpdatedAt,
        ["status_changed_at"] = j.StatusChangedAt,
        ["old_credential_id"] = j.OldCredentialId,
        ["new_credential_id"] = j.NewCredentialId,
        ["new_value_fingerprint"] = j.NewValueFingerprint,
        ["last_error"] = j.LastError,
        ["ticket_id"] = j.Details.TicketId,
        ["revoke_confirmed_by"] = j.Details.RevokeConfirmedBy,
        ["force_revoke_by"] = j.Details.ForceRevokeBy,
        ["force_revoke_reason"] = j.Details.ForceRevokeReason,
        ["manually_revoked_credential_id"] = j.Details.ManuallyRevokedCredentialId,
        ["waiting_for"] = j.Details.WaitingFor,
        ["leaked_consumers"] = j.Details.LeakedConsumers,
        ["residual"] = j.Details.Residual is null ? null : Residual(j.Details.Residual),
    };

    /// <summary>The job with its <c>consumers</c> rows and its <c>followups</c> (open and resolved; GET …/rotations/{job_id}).</summary>
    public static Dictionary<string, object?> JobWithConsumers(RotationJob j, IReadOnlyList<ConsumerRow> rows, IReadOnlyList<Velvet.Core.Ports.Followup> followups)
    {
        ArgumentNullException.ThrowIfNull(followups);
        var view = Job(j);
        view["consumers"] = rows.OrderBy(r => r.Ordinal).Select(Row).ToArray();
        view["followups"] = followups.OrderBy(f => f.Id).Select(LifecycleViews.Followup).ToArray();
        return view;
    }

    public static object Residual(ResidualReport r) => new
    {
        aborted_from = r.AbortedFrom,
        consumers_with_new_value = r.ConsumersWithNewValue,
        consumers_with_old_value = r.ConsumersWithOldValue,
        consumers_skipped = r.ConsumersSkipped,
        consumers_unknown = r.ConsumersUnknown,
        new_credential_exists = r.NewCredentialExists,
        new_credential_id = r.NewCredentialId,
        old_credential_still_valid = r.OldCredentialStillValid,
        old_credential_id = r.OldCredentialId,
        cleanup_steps = r.CleanupSteps,
    };

    public static object Row(ConsumerRow r) => new
    {
        consumer_id = r.ConsumerId,
        kind = r.Kind,
        canonical = r.IsCanonical,
        distribute_status = r.DistributeStatus.Name(),
        validate_status = r.ValidateStatus.Name(),
        attempts = r.Attempts,
        last_error = r.LastError,
        written_fingerprint = r.WrittenFingerprint,
        written_at = r.WrittenAt,
        confirmed_by = r.ConfirmedBy,
        confirm_reason = r.ConfirmReason,
        updated_at = r.UpdatedAt,
    };

    public static object Event(JobEvent e) => new
    {
        id = e.Seq,
        job_id = e.JobId,
        at = e.At,
        actor = e.Actor,
        kind = e.Kind,
        from_status = e.FromStatus,
        to_status = e.ToStatus,
        consumer_id = e.ConsumerId,
        detail = e.Detail,
    };
}
