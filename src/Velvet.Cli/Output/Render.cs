using Spectre.Console;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;

namespace Velvet.Cli.Output;

/// <summary>Tables for people; every string passes the masking console anyway.</summary>
internal static class Render
{
    public static string Color(RowStatus s) => s switch
    {
        RowStatus.Succeeded or RowStatus.Confirmed => "green",
        RowStatus.Failed or RowStatus.Leaked => "red",
        RowStatus.InProgress => "yellow",
        RowStatus.NeedsConfirm => "orange1",
        _ => "grey",
    };

    public static string Color(JobStatus s) => s switch
    {
        JobStatus.Done or JobStatus.RevDone or JobStatus.Validated or JobStatus.Verified => "green",
        JobStatus.Aborted => "grey",
        _ when s.NeedsPerson() => "red",
        _ => "yellow",
    };

    public static Markup Status(JobStatus s) => new($"[{Color(s)}]{s.Name()}[/]");

    public static void Jobs(IAnsiConsole console, IReadOnlyList<RotationJob> jobs, string title)
    {
        var t = new Table().Border(TableBorder.Rounded).Title(title);
        t.AddColumns("job_id", "credential", "flow", "status", "created_by", "updated_at");
        foreach (var j in jobs)
            t.AddRow(new Text(j.JobId.ToString()), new Text(j.CredentialName), new Text(j.Flow.Name()), Status(j.Status),
                new Text(j.CreatedBy), new Text(j.UpdatedAt.ToString("u")));
        if (jobs.Count == 0) console.MarkupLine($"[grey]{Markup.Escape(title)}: none[/]");
        else console.Write(t);
    }

    public static void Job(IAnsiConsole console, RotationJob job, IReadOnlyList<ConsumerRow> rows)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow(new Text("job_id"), new Text(job.JobId.ToString()));
        grid.AddRow(new Text("credential"), new Text($"{job.CredentialName} (env {job.Env}, flow {job.Flow.Name()})"));
        grid.AddRow(new Text("status"), Status(job.Status));
        grid.AddRow(new Text("created"), new Text($"{job.CreatedAt:u} by {job.CreatedBy}"));
        grid.AddRow(new Text("updated"), new Text(job.UpdatedAt.ToString("u")));
        if (job.OldCredentialId is not null) grid.AddRow(new Text("old credential"), new Text(job.OldCredentialId + (job.Details.OldRevoked ? " (revoked)" : "")));
        if (job.NewCredentialId is not null || job.NewValueFingerprint is not null)
            grid.AddRow(new Text("new credential"), new Text($"{job.NewCredentialId} {job.NewValueFingerprint}".Trim()));
        if (job.Details.TicketId is not null) grid.AddRow(new Text("ticket"), new Text($"{job.Details.TicketId} (confirmed by {job.Details.RevokeConfirmedBy})"));
        if (job.Details.ForceRevokeBy is not null) grid.AddRow(new Text("force revoke"), new Text($"{job.Details.ForceRevokeBy}: {job.Details.ForceRevokeReason}"));
        if (job.LastError is not null) grid.AddRow(new Text("last error"), new Text(job.LastError, new Style(Spectre.Console.Color.Red)));
        var allowed = RotationStateMachine.AllowedActions(job.Status, job.Flow).Select(a => a.Name()).ToArray();
        grid.AddRow(new Text("next"), new Text(allowed.Length == 0 ? "(finished)" : string.Join(", ", allowed)));
        console.Write(grid);
        Rows(console, rows, job.Flow);
        if (job.Details.Residual is { } residual) Residual(console, residual);
    }

    public static void Rows(IAnsiConsole console, IReadOnlyList<ConsumerRow> rows, FlowType flow)
    {
        if (rows.Count == 0) return;
        var t = new Table().Border(TableBorder.Rounded);
        t.AddColumns("consumer_id", "kind", flow == FlowType.Revocation ? "-" : "distribute", flow == FlowType.Revocation ? "refused" : "validate", "attempts", "last error");
        foreach (var r in rows.OrderBy(r => r.Ordinal))
        {
            t.AddRow(new Text(r.ConsumerId + (r.IsCanonical ? " (canonical)" : "")), new Text(r.Kind),
                flow == FlowType.Revocation ? new Text("") : new Markup($"[{Color(r.DistributeStatus)}]{r.DistributeStatus.Name()}[/]"),
                new Markup($"[{Color(r.ValidateStatus)}]{r.ValidateStatus.Name()}[/]"),
                new Text(r.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(r.LastError ?? (r.ConfirmedBy is null ? "" : $"confirmed by {r.ConfirmedBy}: {r.ConfirmReason}")));
        }
        console.Write(t);
    }

    public static void Residual(IAnsiConsole console, ResidualReport r)
    {
        console.MarkupLine($"[bold]Residual state[/] (aborted from {Markup.Escape(r.AbortedFrom)})");
        console.MarkupLine($"  holding the NEW value: {Markup.Escape(List(r.ConsumersWithNewValue))}");
        console.MarkupLine($"  holding the old value: {Markup.Escape(List(r.ConsumersWithOldValue))}");
        if (r.ConsumersSkipped.Count > 0) console.MarkupLine($"  skipped (not written): {Markup.Escape(List(r.ConsumersSkipped))}");
        if (r.ConsumersUnknown.Count > 0) console.MarkupLine($"  unknown (write in flight): {Markup.Escape(List(r.ConsumersUnknown))}");
        console.MarkupLine($"  new credential exists at vendor: {(r.NewCredentialExists ? "yes" : "no")} {Markup.Escape(r.NewCredentialId ?? "")}");
        console.MarkupLine($"  old credential still valid: {(r.OldCredentialStillValid ? "yes" : "no")} {Markup.Escape(r.OldCredentialId ?? "")}");
        console.MarkupLine("[bold]Cleanup[/]");
        var i = 1;
        foreach (var step in r.CleanupSteps) console.MarkupLine($"  {i++}. {Markup.Escape(step)}");
    }

    public static void Events(IAnsiConsole console, IEnumerable<JobEvent> events)
    {
        foreach (var e in events) console.MarkupLine(EventLine(e));
    }

    public static string EventLine(JobEvent e)
    {
        var what = e.Kind switch
        {
            "status" or "created" => $"{e.FromStatus ?? "·"} → [bold]{Markup.Escape(e.ToStatus ?? "")}[/]",
            "consumer" => $"[blue]{Markup.Escape(e.ConsumerId ?? "")}[/]",
            "action" => "[bold]action[/]",
            _ => e.Kind,
        };
        var detail = e.Detail is null ? "" : " " + Markup.Escape(e.Detail);
        return $"[grey]{e.At:HH:mm:ss.fff}[/] {what}{detail} [grey]({Markup.Escape(e.Actor)})[/]";
    }

    public static void Stuck(IAnsiConsole console, IReadOnlyList<StuckJob> stuck)
    {
        if (stuck.Count == 0) { console.MarkupLine("[green]no stuck jobs[/]"); return; }
        var t = new Table().Border(TableBorder.Rounded).Title("Stuck jobs");
        t.AddColumns("job_id", "credential", "status", "in status for", "why");
        foreach (var s in stuck)
            t.AddRow(new Text(s.Job.JobId.ToString()), new Text(s.Job.CredentialName), Status(s.Job.Status),
                new Text($"{(int)s.InStatusFor.TotalMinutes} min"), new Text(s.Reason));
        console.Write(t);
    }

    private static string List(IReadOnlyList<string> xs) => xs.Count == 0 ? "none" : string.Join(", ", xs);
}
