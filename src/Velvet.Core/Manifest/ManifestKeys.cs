namespace Velvet.Core.Manifest;

/// <summary>
/// Every key and enumerated value the manifest loader accepts. Public so the JSON Schema and the docs
/// can be checked against the loader and cannot drift from it.
/// </summary>
public static class ManifestKeys
{
    public static readonly IReadOnlyList<string> Root = ["version", "credentials", "consumers", "notifications"];

    public static readonly IReadOnlyList<string> Notifications = ["channels", "max_attempts", "retention", "failed_retention", "health"];

    /// <summary>notifications.health: the periodic credential health watch.</summary>
    public static readonly IReadOnlyList<string> HealthWatch = ["interval"];

    /// <summary>Keys every channel has; each kind adds its own (<see cref="Notifications.ChannelKinds"/>).</summary>
    public static readonly IReadOnlyList<string> Channel = ["name", "kind", "events"];

    public static readonly IReadOnlyList<string> Credential =
    [
        "token_name", "description", "vendor", "mode", "env", "active", "canonical_consumer",
        "schedule", "auto_advance", "runbook_url", "related_to", "check",
    ];

    public static readonly IReadOnlyList<string> Vendor = ["kind", "settings"];

    public static readonly IReadOnlyList<string> Schedule = ["cron", "every"];

    public static readonly IReadOnlyList<string> Consumer =
    [
        "consumer_id", "token_name", "kind", "env", "active", "capabilities", "settings",
        "update_endpoint", "update_method", "update_auth_token_name",
        "healthcheck_endpoint", "healthcheck_success_status", "check", "fallback",
    ];

    public static readonly IReadOnlyList<string> Check = ["argv", "timeout", "value_env", "value_stdin"];

    public static readonly IReadOnlyList<string> Fallback = ["consumer", "on"];

    public static readonly IReadOnlyList<string> Modes = ["automatic", "operator_manual", "manual_only"];

    public static readonly IReadOnlyList<string> Capabilities = ["update", "healthcheck", "update_no_verify"];

    public static readonly IReadOnlyList<string> AutoAdvance = ["verify", "mint", "revoke"];

    public static readonly IReadOnlyList<string> UpdateMethods = ["PUT", "POST", "PATCH"];

    /// <summary>The only manifest format version this build reads.</summary>
    public const int SupportedVersion = 1;

    internal static RotationMode ToMode(string value) => value switch
    {
        "operator_manual" => RotationMode.OperatorManual,
        "manual_only" => RotationMode.ManualOnly,
        _ => RotationMode.Automatic,
    };
}
