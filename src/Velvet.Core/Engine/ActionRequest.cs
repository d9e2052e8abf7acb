using Velvet.Core.Jobs;
using Velvet.Core.Secrets;

namespace Velvet.Core.Engine;

/// <summary>An operator action with everything the gates may ask for.</summary>
public sealed record ActionRequest
{
    public required JobAction Action { get; init; }
    /// <summary>Who: a person or a service token name. Recorded on every event.</summary>
    public required string Actor { get; init; }
    /// <summary>manual_confirm: the row.</summary>
    public string? ConsumerId { get; init; }
    /// <summary>Why (manual_confirm, force revoke, abort).</summary>
    public string? Reason { get; init; }
    /// <summary>proceed_revoke: the credential name typed back.</summary>
    public string? ConfirmCredentialName { get; init; }
    /// <summary>proceed_revoke: the ticket id (ROT-YYYY-…).</summary>
    public string? TicketId { get; init; }
    /// <summary>proceed_revoke before 100 %: the operator acknowledges stale consumers.</summary>
    public bool ForceRevoke { get; init; }
    /// <summary>mark_manually_revoked: the old credential's vendor id.</summary>
    public string? OldCredentialId { get; init; }
    /// <summary>proceed_mint on an operator_manual credential: the value a person entered (stdin or form, never argv).</summary>
    public SecretValue? NewValue { get; init; }
}

/// <summary>Starting a job.</summary>
public sealed record StartRequest
{
    public required string CredentialName { get; init; }
    public FlowType Flow { get; init; } = FlowType.Operational;
    public string? IdempotencyKey { get; init; }
    public bool ForceRevoke { get; init; }
    public required string Actor { get; init; }
    /// <summary>Gates to pass without a person (verify, mint, revoke). Defaults to the credential's policy.</summary>
    public IReadOnlyList<string>? AutoAdvance { get; init; }
    /// <summary>Ticket for a policy-advanced revoke gate.</summary>
    public string? AutoTicket { get; init; }
    /// <summary>Provision flow: overwrite consumers that already hold a value (otherwise the kickoff is refused).</summary>
    public bool Adopt { get; init; }
    /// <summary>Provision flow: current values of other credentials, to ask consumers whether they hold a value (auth only).</summary>
    public Ports.ISecretSource? Secrets { get; init; }
}
