using Velvet.Core.Checks;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Core.Engine;

public sealed partial class JobRunner
{
    private CommandCheckRunner? _checks;

    private CommandCheckRunner Checks => _checks ??= new CommandCheckRunner(time, masker);

    private bool HasCommandChecks(CredentialSpec credential, string env) =>
        credential.Check is not null || bindings.Manifest.ConsumersOf(credential.TokenName, env).Any(c => c.Check is not null);

    /// <summary>
    /// The consumer's own validation (healthcheck, or the adapter's read-back), then its command check (the consumer's,
    /// else the credential's): both must pass. An update_no_verify consumer with a check is validated by the check alone.
    /// </summary>
    private async Task<Outcome> ValidateWithCheckAsync(ConsumerBinding b, CredentialSpec credential, ConsumerContext ctx, SecretValue? value, CancellationToken ct)
    {
        var check = b.Spec.Check ?? credential.Check;
        if (!b.Spec.Has("update_no_verify"))
        {
            var own = await (b.Healthcheck?.CheckHealthyAsync(ctx, ct) ?? b.Adapter.ValidateAsync(ctx, ct)).ConfigureAwait(false);
            if (check is null || !own.IsSuccess) return own;
        }
        var who = new CommandCheckContext(ctx.JobId, ctx.CredentialName, ctx.ConsumerId, ctx.Env);
        return await Checks.RunAsync(check!, who, value, ct).ConfigureAwait(false);
    }
}
