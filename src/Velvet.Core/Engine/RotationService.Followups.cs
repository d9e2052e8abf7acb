using Velvet.Core.Ports;
using Velvet.Core.Results;

namespace Velvet.Core.Engine;

/// <summary>Revoke waits for the canonical store: an open follow-up refuses proceed_revoke unless it is forced with a reason.</summary>
public sealed partial class RotationService
{
    private async Task<IReadOnlyList<Followup>> OpenFollowupsAsync(Guid jobId, CancellationToken ct) =>
        store is IFollowupStore followups
            ? (await followups.FollowupsOfJobAsync(jobId, ct).ConfigureAwait(false)).Where(f => f.IsOpen).ToList()
            : [];

    private static Error? FollowupGate(IReadOnlyList<Followup> open, ActionRequest request)
    {
        var first = open[0];
        var ids = string.Join(", ", open.Select(f => f.Id));
        if (!request.ForceRevoke)
            return new Refused($"do not revoke until the vault is updated: follow-up {ids} open ({first.CanonicalConsumerId} does not hold the new value; it went to {first.FallbackConsumerId}). " +
                $"Update {first.CanonicalConsumerId}, then velvet followups resolve {first.Id}; or force the revoke with a reason (--force-revoke --reason)");
        return string.IsNullOrWhiteSpace(request.Reason)
            ? new Invalid($"forcing the revoke past open follow-up {ids} needs a reason (recorded with who forced it)", "reason")
            : null;
    }
}
