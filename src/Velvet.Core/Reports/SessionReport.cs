using System.Globalization;
using System.Text;
using System.Text.Json;
using Velvet.Core.Engine;
using Velvet.Core.Inventory;
using Velvet.Core.Jobs;
using Velvet.Core.Ports;
using Velvet.Core.Schedules;
using Velvet.Core.Secrets;

namespace Velvet.Core.Reports;

/// <summary>One job in the report, classified the way the team's session log does.</summary>
public sealed record ReportItem(RotationJob Job, IReadOnlyList<ConsumerRow> Rows, string Outcome, string? Pending, string? Blocked);

/// <summary>
/// What happened since a moment (SPEC §8, the team's session log): jobs with their outcome, what needs an operator
/// (gates and manual confirmations, e.g. "revoke pending: old token still valid until vault write confirmed"), what is
/// blocked and why, reminders, and where each new value was written. Markdown; never a value.
/// </summary>
public static class SessionReport
{
    public static async Task<string> RenderAsync(RotationService service, ISubscriberStore? audit, IScheduleStore? slots, IConsumerTargets targets,
        SecretMasker masker, DateTimeOffset since, DateTimeOffset now, CancellationToken ct)
    {
        var env = service.Options.Env;
        var jobs = (await service.Store.ListJobsAsync(new JobQuery { Limit = 1000 }, ct).ConfigureAwait(false))
            .Where(j => j.Env == env && (j.UpdatedAt >= since || !j.Status.IsTerminal())).OrderBy(j => j.CreatedAt).ToList();
        var items = new List<ReportItem>();
        foreach (var job in jobs) items.Add(Classify(job, await service.Store.GetConsumerRowsAsync(job.JobId, ct).ConfigureAwait(false)));
        var events = audit is null ? [] : (await audit.ListSystemEventsAsync(500, ct).ConfigureAwait(false)).Where(e => e.At >= since).OrderBy(e => e.At).ToList();
        var refused = slots is null ? [] : (await slots.ListSlotsAsync(env, ct).ConfigureAwait(false))
            .Where(s => s.ClosedAt >= since && s.Outcome is { } o && (o.StartsWith("refused", StringComparison.Ordinal) || o.StartsWith("skipped", StringComparison.Ordinal))).ToList();

        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Velvet session report — {env}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Window: {InventoryMarkdown.Time(since)} → {InventoryMarkdown.Time(now)}\n\n");
        Summary(md, items);
        Pending(md, items);
        Blocked(md, items, refused);
        Reminders(md, events);
        Locations(md, items, service, targets);
        return masker.Scrub(md.ToString());
    }

    public static ReportItem Classify(RotationJob job, IReadOnlyList<ConsumerRow> rows)
    {
        var next = string.Join(", ", RotationStateMachine.AllowedActions(job.Status, job.Flow).Select(a => a.Name()));
        var unconfirmed = rows.Where(r => r.ValidateStatus == RowStatus.NeedsConfirm).ToList();
        var canonical = rows.FirstOrDefault(r => r.IsCanonical);
        var oldId = job.OldCredentialId is { } id ? $" ({id})" : "";
        string? pending = job.Status switch
        {
            JobStatus.Init => "verify gate: run `velvet stage verify` (or let the schedule's policy advance it)",
            JobStatus.Verified => "mint gate: proceed_mint",
            JobStatus.Validated => $"revoke pending: old credential{oldId} still valid until proceed_revoke with a ROT- ticket",
            JobStatus.Validating or JobStatus.ValidatePartial when canonical is { ValidateStatus: RowStatus.NeedsConfirm or RowStatus.Failed } =>
                $"revoke pending: old token{oldId} still valid until vault write confirmed ({canonical.ConsumerId})",
            _ when unconfirmed.Count > 0 => $"manual_confirm needed for {string.Join(", ", unconfirmed.Select(r => r.ConsumerId))}",
            JobStatus.RevLeaked => $"revoked credential still accepted by {string.Join(", ", job.Details.LeakedConsumers)}",
            _ => null,
        };
        string? blocked = job.Status.NeedsPerson() && job.Status != JobStatus.RevLeaked
            ? $"{job.Status.Name()}: {job.LastError ?? "see the job's rows"}" + (next.Length > 0 ? $" (next: {next})" : "")
            : null;
        var outcome = job.Status switch
        {
            JobStatus.Done or JobStatus.RevDone => "DONE",
            JobStatus.Aborted => "ABORTED" + (job.Details.AbortReason is { } r ? $" — {r}" : ""),
            _ when blocked is not null => "BLOCKED",
            _ when pending is not null => "PARTIAL — operator required",
            _ => "IN PROGRESS — " + job.Status.Name(),
        };
        return new ReportItem(job, rows, outcome, pending, blocked);
    }

    private static void Summary(StringBuilder md, List<ReportItem> items)
    {
        md.Append("## Summary\n\n");
        if (items.Count == 0) { md.Append("No jobs in this window.\n\n"); return; }
        md.Append("| # | Credential | Flow | Status | Job | Started by |\n| --- | --- | --- | --- | --- | --- |\n");
        var n = 1;
        foreach (var i in items)
        {
            var written = i.Rows.Count(r => r.DistributeStatus.IsOk());
            md.Append(CultureInfo.InvariantCulture,
                $"| {n++} | {Cell(i.Job.CredentialName)} | {i.Job.Flow.Name()} | {Cell(i.Outcome)} ({written}/{i.Rows.Count} written) | {i.Job.JobId} | {Cell(i.Job.CreatedBy)} |\n");
        }
        md.Append('\n');
    }

    private static void Pending(StringBuilder md, List<ReportItem> items)
    {
        md.Append("## Pending (operator required)\n\n");
        var pending = items.Where(i => i.Pending is not null).ToList();
        if (pending.Count == 0) { md.Append("Nothing waits for an operator.\n\n"); return; }
        foreach (var i in pending) md.Append(CultureInfo.InvariantCulture, $"- **{i.Job.CredentialName}** (job {i.Job.JobId}): {i.Pending}\n");
        md.Append('\n');
    }

    private static void Blocked(StringBuilder md, List<ReportItem> items, IReadOnlyList<ScheduleSlot> refused)
    {
        md.Append("## Blocked\n\n");
        var blocked = items.Where(i => i.Blocked is not null).ToList();
        if (blocked.Count == 0 && refused.Count == 0) { md.Append("Nothing is blocked.\n\n"); return; }
        foreach (var i in blocked) md.Append(CultureInfo.InvariantCulture, $"- **{i.Job.CredentialName}** (job {i.Job.JobId}): {i.Blocked}\n");
        foreach (var s in refused) md.Append(CultureInfo.InvariantCulture, $"- **{s.TokenName}** scheduled rotation {s.SlotKey}: {s.Outcome}\n");
        md.Append('\n');
    }

    private static void Reminders(StringBuilder md, List<SystemEvent> events)
    {
        var reminders = events.Where(e => e.Kind == Scheduler.ReminderEvent).ToList();
        if (reminders.Count == 0) return;
        md.Append("## Reminders (manual_only)\n\n");
        foreach (var e in reminders)
        {
            using var doc = JsonDocument.Parse(e.Detail);
            var token = doc.RootElement.TryGetProperty("token_name", out var t) ? t.GetString() : "?";
            var runbook = doc.RootElement.TryGetProperty("runbook_url", out var u) ? u.GetString() : null;
            var how = runbook is null ? "" : $", runbook {runbook}";
            md.Append(CultureInfo.InvariantCulture, $"- **{token}** due {InventoryMarkdown.Time(e.At)}: rotate by hand{how}\n");
        }
        md.Append('\n');
    }

    private static void Locations(StringBuilder md, List<ReportItem> items, RotationService service, IConsumerTargets targets)
    {
        var touched = items.Where(i => i.Job.Flow == FlowType.Operational && i.Rows.Any(r => r.WrittenAt is not null || r.DistributeStatus != RowStatus.Pending)).ToList();
        if (touched.Count == 0) return;
        md.Append("## Secret locations\n\nNo secret values are recorded here. This table documents WHERE secrets were written only.\n\n");
        md.Append("| Secret | Location | Notes |\n| --- | --- | --- |\n");
        foreach (var i in touched)
        {
            foreach (var r in i.Rows.OrderBy(r => r.Ordinal))
            {
                var spec = service.Manifest.Consumers.FirstOrDefault(c => c.TokenName == i.Job.CredentialName && c.ConsumerId == r.ConsumerId && c.Env == i.Job.Env);
                var where = spec is null ? $"{r.Kind} {r.ConsumerId}" : targets.Describe(spec) is var t ? $"{t.Label} {t.Target}" : "";
                var note = r.DistributeStatus.IsOk() && r.WrittenAt is { } w ? $"live as of {InventoryMarkdown.Time(w)} ({r.WrittenFingerprint})"
                    : r.DistributeStatus == RowStatus.Skipped ? "skipped: " + (r.LastError ?? "nothing to write")
                    : "NEEDS OPERATOR WRITE" + (r.LastError is { } e ? $" — {e}" : "");
                md.Append(CultureInfo.InvariantCulture, $"| {Cell(i.Job.CredentialName)} ({i.Job.NewCredentialId ?? "new"}) | {Cell(where)} | {Cell(note)} |\n");
            }
        }
        md.Append('\n');
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
