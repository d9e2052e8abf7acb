namespace Velvet.Server.Http;

/// <summary><c>POST /tokens/{name}/rotate</c> (the team's kickoff body).</summary>
public sealed record RotateBody
{
    /// <summary>testing | operational | revocation | provision (default operational).</summary>
    public string? FlowType { get; init; }
    public string? IdempotencyKey { get; init; }
    public bool ForceRevoke { get; init; }
    /// <summary>provision only: overwrite consumers that already hold a value.</summary>
    public bool Adopt { get; init; }
}

/// <summary><c>POST /tokens/{name}/revoke</c>: emergency revocation; the credential name typed back is required.</summary>
public sealed record RevokeBody
{
    public string? ConfirmCredentialName { get; init; }
    public string? IdempotencyKey { get; init; }
}

/// <summary><c>POST /tokens/{name}/rotations/{job_id}/stage</c>.</summary>
public sealed record StageBody
{
    public required string Action { get; init; }
    public string? ConsumerId { get; init; }
    public string? Reason { get; init; }
    public string? ConfirmCredentialName { get; init; }
    public string? TicketId { get; init; }
    public bool ForceRevoke { get; init; }
    public string? OldCredentialId { get; init; }
    /// <summary>operator_manual proceed_mint only. Registered with the masker on arrival; never logged or returned.</summary>
    public string? NewValue { get; init; }
}
