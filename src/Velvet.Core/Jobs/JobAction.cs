namespace Velvet.Core.Jobs;

/// <summary>Operator actions on a job (SPEC §2 gates and recovery actions, §3 revalidation).</summary>
public enum JobAction
{
    /// <summary>Run Stage 1 (from init, or again from verify_failed).</summary>
    Verify = 0,
    /// <summary>Gate: mint the new credential and distribute it.</summary>
    ProceedMint = 1,
    /// <summary>Gate: revoke the old credential. Needs the credential name typed back and a ticket id.</summary>
    ProceedRevoke = 2,
    /// <summary>Re-run only the failed consumer rows.</summary>
    RetryFailed = 3,
    /// <summary>Mark one consumer row as done by a person, with who and why.</summary>
    ManualConfirm = 4,
    /// <summary>Try the vendor revoke again.</summary>
    RetryRevoke = 5,
    /// <summary>Record that a person revoked the old credential at the vendor.</summary>
    MarkManuallyRevoked = 6,
    /// <summary>Stop the job and report what is left behind.</summary>
    Abort = 7,
    /// <summary>Probe every consumer again after a leak was fixed (revocation flow).</summary>
    Revalidate = 8,
}

/// <summary>Snake_case names of actions, as accepted on the wire.</summary>
public static class JobActionNames
{
    private static readonly Dictionary<JobAction, string> ToName = Enum.GetValues<JobAction>()
        .ToDictionary(a => a, a => Naming.ToSnake(a.ToString()));
    private static readonly Dictionary<string, JobAction> FromName = ToName.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    /// <summary>The wire name, e.g. <c>proceed_mint</c>.</summary>
    public static string Name(this JobAction action) => ToName[action];

    /// <summary>Parses a wire name.</summary>
    public static bool TryParse(string? name, out JobAction action) => FromName.TryGetValue(name ?? "", out action);

    /// <summary>All action names, for error messages.</summary>
    public static IReadOnlyList<string> AllNames { get; } = ToName.Values.ToArray();
}

/// <summary>Which flow a job runs (SPEC §2).</summary>
public enum FlowType
{
    /// <summary>Stage 1 only: read-only probe, changes nothing.</summary>
    Testing = 0,
    /// <summary>Verify → mint → distribute → validate → revoke.</summary>
    Operational = 1,
    /// <summary>Emergency revocation, then prove every consumer is refused.</summary>
    Revocation = 2,
    /// <summary>First-time provisioning: verify the minting identity → mint → distribute → validate → done (nothing to revoke).</summary>
    Provision = 3,
}

/// <summary>Wire names of flow types.</summary>
public static class FlowTypeNames
{
    /// <summary>The wire name.</summary>
    public static string Name(this FlowType f) => f switch
    {
        FlowType.Testing => "testing",
        FlowType.Operational => "operational",
        FlowType.Provision => "provision",
        _ => "revocation",
    };

    /// <summary>Parses a wire name.</summary>
    public static bool TryParse(string? name, out FlowType flow)
    {
        switch (name)
        {
            case "testing": flow = FlowType.Testing; return true;
            case "operational": flow = FlowType.Operational; return true;
            case "revocation": flow = FlowType.Revocation; return true;
            case "provision": flow = FlowType.Provision; return true;
            default: flow = default; return false;
        }
    }
}
