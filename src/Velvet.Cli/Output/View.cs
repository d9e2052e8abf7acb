using Velvet.Core.Jobs;

namespace Velvet.Cli.Output;

/// <summary>JSON shapes of jobs, rows and events: the field names of the team's API (snake_case), never a value.</summary>
internal static class View
{
    public static object Job(RotationJob j) => new
    {
        job_id = j.JobId,
        credential = j.CredentialName,
        env = j.Env,
        flow_type = j.Flow.Name(),
        status = j.Status.Name(),
        allowed_actions = RotationStateMachine.AllowedActions(j.Status, j.Flow).Select(a => a.Name()),
        force_revoke = j.ForceRevoke,
        created_by = j.CreatedBy,
        created_at = j.CreatedAt,
        updated_at = j.UpdatedAt,
        status_changed_at = j.StatusChangedAt,
        old_credential_id = j.OldCredentialId,
        new_credential_id = j.NewCredentialId,
        new_value_fingerprint = j.NewValueFingerprint,
        last_error = j.LastError,
        ticket_id = j.Details.TicketId,
        revoke_confirmed_by = j.Details.RevokeConfirmedBy,
        force_revoke_by = j.Details.ForceRevokeBy,
        force_revoke_reason = j.Details.ForceRevokeReason,
        manually_revoked_credential_id = j.Details.ManuallyRevokedCredentialId,
        leaked_consumers = j.Details.LeakedConsumers,
        residual = j.Details.Residual,
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
