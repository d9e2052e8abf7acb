using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Velvet.Core.Jobs;
using Velvet.Core.Secrets;

namespace Velvet.Core.Notifications;

/// <summary>
/// What every channel sends, built only from job metadata (ids, names, statuses) and run through the masker anyway
/// (SPEC §4). The generic webhook posts it as JSON; Slack and email render <see cref="Title"/> and <see cref="Text"/>.
/// </summary>
public sealed record NotificationMessage
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>One of <see cref="NotificationKinds"/>.</summary>
    public required string Event { get; init; }
    /// <summary><c>sev1</c>, <c>warning</c> or <c>info</c>.</summary>
    public required string Severity { get; init; }
    public required string Title { get; init; }
    public required string Text { get; init; }
    public Guid? JobId { get; init; }
    public string? Credential { get; init; }
    public string? Env { get; init; }
    public string? Status { get; init; }
    /// <summary>rev_leaked: the consumers that still accept the revoked credential.</summary>
    public IReadOnlyList<string> Consumers { get; init; } = [];
    public string? Reason { get; init; }
    /// <summary>The outbox key (receivers may use it to drop duplicates).</summary>
    public string? EventKey { get; init; }
    public required DateTimeOffset At { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static NotificationMessage FromJson(string json) =>
        JsonSerializer.Deserialize<NotificationMessage>(json, Json) ?? throw new FormatException("a stored notification message is empty");

    /// <summary>The message for an outbox event; <paramref name="job"/> (read at fan-out) adds leaking consumers and the abort summary.</summary>
    public static NotificationMessage For(NotificationEvent e, RotationJob? job, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(masker);
        var consumers = e.Kind == NotificationKinds.RevLeaked ? job?.Details.LeakedConsumers ?? [] : [];
        var (title, text) = Words(e, job, consumers);
        return new NotificationMessage
        {
            Event = e.Kind,
            Severity = NotificationKinds.IsSev1(e.Kind) ? "sev1" : e.Kind is NotificationKinds.Done or NotificationKinds.ScheduleDue or NotificationKinds.ScheduleReminder or NotificationKinds.HealthRecovered ? "info" : "warning",
            Title = masker.Scrub(title),
            Text = masker.Scrub(text),
            JobId = e.JobId,
            Credential = masker.Scrub(e.CredentialName),
            Env = e.Env,
            Status = e.Status,
            Consumers = consumers.Select(masker.Scrub).ToList(),
            Reason = e.Reason is null ? null : masker.Scrub(e.Reason),
            EventKey = e.EventKey,
            At = e.CreatedAt,
        };
    }

    /// <summary>`velvet notifications test CHANNEL`.</summary>
    public static NotificationMessage Test(string channel, DateTimeOffset at) => new()
    {
        Event = NotificationKinds.Test,
        Severity = "info",
        Title = "Velvet test notification",
        Text = string.Create(CultureInfo.InvariantCulture, $"Test message from Velvet to channel {channel} at {at:yyyy-MM-dd HH:mm:ss}Z. No action needed."),
        At = at,
    };

    private static (string Title, string Text) Words(NotificationEvent e, RotationJob? job, IReadOnlyList<string> consumers)
    {
        var what = job?.Flow == FlowType.Revocation || e.Status.StartsWith("rev_", StringComparison.Ordinal) ? "revocation" : "rotation";
        var where = e.JobId is { } jobId ? $"job {jobId:D} (env {e.Env})" : $"env {e.Env}";
        return e.Kind switch
        {
            NotificationKinds.RevLeaked => (
                $"SEV1 rev_leaked: {e.CredentialName} still accepted after revocation",
                $"{where}: {Count(consumers)} still accept the revoked credential {e.CredentialName}: " +
                $"{(consumers.Count == 0 ? "(see the job)" : string.Join(", ", consumers))}. " +
                "Remove the old value from each, then re-validate the job; it reaches rev_done only when every consumer is refused."),
            NotificationKinds.Done => ($"{e.CredentialName}: {what} done", $"{where} finished ({e.Status})."),
            NotificationKinds.Aborted => ($"{e.CredentialName}: {what} aborted", $"{where} was aborted{Residual(job)}. See the job's residual state for cleanup steps."),
            NotificationKinds.VerifyFailed => ($"{e.CredentialName}: verify failed",
                $"{where}: Stage 1 failed, nothing was minted. Fix the current credential or its permissions, then retry or abort the job."),
            NotificationKinds.Stuck => ($"{e.CredentialName}: job stuck in {e.Status}", $"{where}: {e.Reason ?? "no change"}. It needs an operator."),
            NotificationKinds.ScheduleDue => ($"{e.CredentialName}: scheduled rotation due",
                $"{where}: the schedule's {e.Reason ?? "slot"} is due; the rotation job started ({e.Status}). Gates not in auto_advance wait for an operator."),
            NotificationKinds.ScheduleReminder => ($"{e.CredentialName}: manual rotation due",
                $"{where}: {e.CredentialName} is manual_only and its schedule's {e.Reason ?? "slot"} is due. Rotate it by its runbook; Velvet starts no job for it."),
            NotificationKinds.PlanBlocked => ($"{e.CredentialName}: staged plan blocked in {e.Env}",
                $"{where}: {e.Reason ?? "the plan is blocked"}. The next env waits; the plan does not unblock by itself."),
            NotificationKinds.HealthStale => ($"{e.CredentialName}: health {e.Status.ToUpperInvariant()}",
                $"{where}: the health watch found {e.CredentialName} {e.Status.ToUpperInvariant()}: {e.Reason ?? "no reason given"}. " +
                "Check it with `velvet health`, then rotate or fix it before its consumers fail. Sent once; not repeated while it stays so."),
            NotificationKinds.HealthRecovered => ($"{e.CredentialName}: health VALID again",
                $"{where}: the health watch found {e.CredentialName} VALID again: {e.Reason ?? "ok"}."),
            _ => ($"{e.CredentialName}: {e.Kind}", $"{where}: {e.Status}."),
        };
    }

    private static string Count(IReadOnlyList<string> consumers) => consumers.Count == 1 ? "1 consumer" : $"{consumers.Count} consumers";

    private static string Residual(RotationJob? job) => job?.Details.Residual is not { } r ? ""
        : $" from {r.AbortedFrom}: {r.ConsumersWithNewValue.Count} consumer(s) hold the new value, old credential still valid: {(r.OldCredentialStillValid ? "yes" : "no")}";
}
