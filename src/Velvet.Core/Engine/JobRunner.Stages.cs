using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Core.Engine;

public sealed partial class JobRunner
{
    private async Task<bool> VerifyAsync(RotationJob job, CredentialSpec credential, CancellationToken ct)
    {
        var vendor = bindings.Vendor(credential);
        VerifyResult? last = null;
        var outcome = await CallAsync(async c => (last = await vendor.VerifyAsync(VendorContext(job, null), c).ConfigureAwait(false)).Outcome, ct, "verify", vendor.Kind).ConfigureAwait(false);
        if (outcome.Outcome.IsSuccess)
            return job.Flow == FlowType.Provision
                ? await MoveAsync(job, StepOutcome.Succeeded, j => j with { LastError = null }, ct,
                    $"verified the minting identity: {masker.Scrub(outcome.Outcome.Message ?? "ok")}").ConfigureAwait(false)
                : await MoveAsync(job, StepOutcome.Succeeded, j => j with { OldCredentialId = last?.CurrentCredentialId ?? j.OldCredentialId, LastError = null }, ct,
                    $"verified current credential {last?.CurrentCredentialId}").ConfigureAwait(false);
        var error = $"verify failed: {Describe(outcome.Outcome)}";
        return await MoveAsync(job, StepOutcome.Failed, j => j with { LastError = masker.Scrub(error) }, ct, error).ConfigureAwait(false);
    }

    private async Task<SecretValue?> OpenSecretAsync(RotationJob job, CancellationToken ct)
    {
        var sealedSecret = await _store.GetSecretAsync(job.JobId, ct).ConfigureAwait(false);
        if (sealedSecret is null) return null;
        var value = box.Open(job.JobId, sealedSecret);
        masker.Register(value);
        return value;
    }

    private async Task<bool> MintAsync(RotationJob job, CredentialSpec credential, CancellationToken ct)
    {
        var vendor = bindings.Vendor(credential);
        var value = await OpenSecretAsync(job, ct).ConfigureAwait(false);
        if (credential.Mode == RotationMode.OperatorManual && value is null)
            return await MoveAsync(job, StepOutcome.Failed, j => j with { LastError = "no operator-entered value is stored for this job; abort and start again" }, ct).ConfigureAwait(false);

        if (job.NewCredentialId is not null && value is not null)
            return await MoveAsync(job, StepOutcome.Succeeded, null, ct, "mint already recorded before a restart").ConfigureAwait(false);

        if (value is null && vendor.GeneratesValueLocally)
        {
            // Intent first: the value is sealed in the store before the vendor hears of it.
            value = vendor.GenerateValue();
            masker.Register(value);
            await _store.PutSecretAsync(job.JobId, box.Seal(job.JobId, value), ct).ConfigureAwait(false);
            var fp = value.Fingerprint;
            var noted = await NoteAsync(job, j => j with { NewValueFingerprint = fp, Details = j.Details with { MintIntentAt = time.GetUtcNow() } },
                $"mint intent recorded: value generated locally ({fp})", ct).ConfigureAwait(false);
            if (!noted.IsOk) return false;
            job = noted.Value;
        }
        else if (job.Details.MintIntentAt is null)
        {
            var noted = await NoteAsync(job, j => j with { Details = j.Details with { MintIntentAt = time.GetUtcNow() } },
                $"mint intent recorded: vendor {vendor.Kind} will mint under tag velvet-job-{job.JobId}", ct).ConfigureAwait(false);
            if (!noted.IsOk) return false;
            job = noted.Value;
        }

        MintResult? minted = null;
        var prepared = value;
        var call = await CallAsync(async c => (minted = await vendor.MintAsync(VendorContext(job, null), prepared, c).ConfigureAwait(false)).Outcome, ct, "mint", vendor.Kind).ConfigureAwait(false);
        if (!call.Outcome.IsSuccess || minted is null)
        {
            var error = $"mint failed: {Describe(call.Outcome)}. The old credential is still valid.";
            return await MoveAsync(job, StepOutcome.Failed, j => j with { LastError = masker.Scrub(error) }, ct, error).ConfigureAwait(false);
        }
        if (minted.Value is not null)
        {
            value = minted.Value;
            masker.Register(value);
            await _store.PutSecretAsync(job.JobId, box.Seal(job.JobId, value), ct).ConfigureAwait(false);
        }
        if (value is null)
            return await MoveAsync(job, StepOutcome.Failed, j => j with { LastError = $"vendor {vendor.Kind} reported a mint but returned no value" }, ct).ConfigureAwait(false);
        var fingerprint = value.Fingerprint;
        var id = minted.CredentialId;
        return await MoveAsync(job, StepOutcome.Succeeded, j => j with { NewCredentialId = id, NewValueFingerprint = fingerprint, LastError = null }, ct,
            $"minted {id} ({fingerprint})").ConfigureAwait(false);
    }

    private async Task<bool> RevokeAsync(RotationJob job, CredentialSpec credential, CancellationToken ct)
    {
        var vendor = bindings.Vendor(credential);
        if (job.Flow == FlowType.Revocation && job.OldCredentialId is null)
        {
            // Emergency revocation targets the credential in use now: find its id first.
            VerifyResult? found = null;
            var probe = await CallAsync(async c => (found = await vendor.VerifyAsync(VendorContext(job, null), c).ConfigureAwait(false)).Outcome, ct, "verify", vendor.Kind).ConfigureAwait(false);
            if (!probe.Outcome.IsSuccess || found?.CurrentCredentialId is null)
            {
                var why = $"cannot identify the credential to revoke: {Describe(probe.Outcome)}. Revoke it at the vendor by hand, then mark_manually_revoked with its id.";
                return await MoveAsync(job, StepOutcome.Failed, j => j with { LastError = masker.Scrub(why) }, ct, why).ConfigureAwait(false);
            }
            var id = found.CurrentCredentialId;
            var noted = await NoteAsync(job, j => j with { OldCredentialId = id }, $"revoking current credential {id}", ct).ConfigureAwait(false);
            if (!noted.IsOk) return false;
            job = noted.Value;
        }
        if (job.OldCredentialId is null)
        {
            const string none = "no old credential id was recorded at verify: revoke the old credential at the vendor by hand, then mark_manually_revoked with its id";
            return await MoveAsync(job, StepOutcome.Failed, j => j with { LastError = none }, ct, none).ConfigureAwait(false);
        }
        // Revoke authenticated with the NEW value where the vendor needs one (never the one being revoked).
        var newValue = job.Flow == FlowType.Operational ? await OpenSecretAsync(job, ct).ConfigureAwait(false) : null;
        var oldId = job.OldCredentialId;
        var call = await CallAsync(c => vendor.RevokeAsync(VendorContext(job, newValue), oldId, c), ct, "revoke", vendor.Kind).ConfigureAwait(false);
        if (call.Outcome.IsSuccess)
            return await MoveAsync(job, StepOutcome.Succeeded, j => j with { Details = j.Details with { OldRevoked = true }, LastError = null }, ct, $"revoked {oldId}").ConfigureAwait(false);
        var error = $"revoke of {oldId} failed: {Describe(call.Outcome)}";
        return await MoveAsync(job, StepOutcome.Failed, j => j with { LastError = masker.Scrub(error) }, ct, error).ConfigureAwait(false);
    }

    private string Describe(Outcome o)
    {
        var status = o.HttpStatus is { } s ? $"HTTP {s} " : "";
        var kind = o.Kind == OutcomeKind.Transient ? " (transient, retries exhausted)" : "";
        return masker.Scrub($"{status}{o.Message ?? o.Kind.ToString()}{kind}");
    }
}
