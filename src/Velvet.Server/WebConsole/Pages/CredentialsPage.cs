using System.Globalization;
using Microsoft.AspNetCore.Http;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;

namespace Velvet.Server.WebConsole.Pages;

/// <summary>Every credential of this env: vendor, mode, consumers, last rotation, age against cadence, latest job. Metadata only.</summary>
internal static class CredentialsPage
{
    public static async Task<IResult> ShowAsync(HttpContext http, ServerServices s)
    {
        var manifest = s.Service.Manifest;
        var now = s.Time.GetUtcNow();
        var rows = new List<Html>();
        var schedules = await ConsoleData.SchedulesAsync(s, http.RequestAborted).ConfigureAwait(false);
        foreach (var c in manifest.Credentials.Where(c => c.Env == s.Env).OrderBy(c => c.TokenName, StringComparer.Ordinal))
        {
            var jobs = await ConsoleData.JobsOfAsync(s, c.TokenName, 50, http.RequestAborted).ConfigureAwait(false);
            var latest = jobs.FirstOrDefault();
            var lastDone = jobs.FirstOrDefault(j => j.Status == JobStatus.Done);
            var cadence = Cadence.Of(c.Schedule);
            var age = lastDone is null ? (TimeSpan?)null : now - lastDone.StatusChangedAt;
            var overdue = age is { } a && cadence.Period is { } p && a > p;
            rows.Add(Html.Of($"""
                <tr>
                  <th scope="row"><a href="{ConsolePaths.Credential(c.TokenName)}">{c.TokenName}</a>{Html.When(!c.Active, Html.Of($""" <span class="tag">inactive</span>"""))}</th>
                  <td data-label="Vendor">{c.Vendor.Kind}</td>
                  <td data-label="Mode"><span class="mode mode-{ModeName(c.Mode)}">{ModeName(c.Mode)}</span></td>
                  <td data-label="Consumers" class="num">{manifest.ConsumersOf(c.TokenName, s.Env).Count}</td>
                  <td data-label="Last rotated">{(lastDone is null ? Html.Text("never (by this Velvet)") : Html.Of($"{lastDone.StatusChangedAt}"))}</td>
                  <td data-label="Age / cadence" class="{(overdue ? "overdue" : "")}">{(age is { } ag ? Html.Text(Cadence.Format(ag)) : Html.Text("—"))} / {cadence.Text}{Html.When(overdue, Html.Of($""" <strong>overdue</strong>"""))}</td>
                  <td data-label="Next due">{NextDue(schedules.GetValueOrDefault(c.TokenName), lastDone, cadence)}</td>
                  <td data-label="Latest job">{(latest is null ? Html.Text("none") : Html.Of($"""<a href="{ConsolePaths.Job(c.TokenName, latest.JobId)}"><span class="status st-{latest.Status.Name()}">{latest.Status.Name()}</span></a>"""))}</td>
                  <td data-label="Runbook">{Html.When(c.RunbookUrl is not null, Html.Of($"""<a href="{c.RunbookUrl}" rel="noreferrer noopener" target="_blank">runbook</a>"""))}</td>
                </tr>
                """));
        }
        var warning = await ChannelStatus.WarningAsync(s, http.RequestAborted).ConfigureAwait(false);
        var body = Html.Of($"""
            {warning}
            <h1>Credentials</h1>
            <p class="hint">Every credential of env <strong>{s.Env}</strong>: metadata only, never a value.</p>
            <div class="table-wrap">
            <table class="grid credentials" id="credentials">
              <thead><tr><th scope="col">Credential</th><th scope="col">Vendor</th><th scope="col">Mode</th><th scope="col">Consumers</th>
                <th scope="col">Last rotated</th><th scope="col">Age / cadence</th><th scope="col">Next due</th><th scope="col">Latest job</th><th scope="col">Runbook</th></tr></thead>
              <tbody>{Html.Join(rows)}</tbody>
            </table>
            </div>
            """);
        return ConsoleLayout.Page(http, s, "Credentials", body);
    }

    /// <summary>The scheduler's next due time (cron too); without a schedule store, last rotation + period.</summary>
    private static Html NextDue(Core.Schedules.SchedulePlan? plan, RotationJob? lastDone, Cadence cadence) =>
        plan?.NextDueAt is { } due ? Html.Of($"{due}")
        : plan is null && lastDone is not null && cadence.Period is { } period ? Html.Of($"{lastDone.StatusChangedAt + period}")
        : Html.Text("—");

    public static string ModeName(RotationMode mode) => mode switch
    {
        RotationMode.Automatic => "automatic",
        RotationMode.OperatorManual => "operator_manual",
        RotationMode.ManualOnly => "manual_only",
        _ => mode.ToString(),
    };
}

/// <summary>A credential's cadence from its manifest schedule (<c>every: 30d</c>; a cron is shown as written).</summary>
internal readonly record struct Cadence(TimeSpan? Period, string Text)
{
    public static Cadence Of(ScheduleSpec? schedule)
    {
        if (schedule?.Every is { Length: > 1 } every && int.TryParse(every[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            TimeSpan? period = every[^1] switch { 'd' => TimeSpan.FromDays(n), 'h' => TimeSpan.FromHours(n), 'm' => TimeSpan.FromMinutes(n), _ => null };
            return new(period, "every " + every);
        }
        return schedule?.Cron is { } cron ? new(null, "cron " + cron) : new(null, "no cadence");
    }

    public static string Format(TimeSpan t) =>
        t.TotalDays >= 1 ? $"{(int)t.TotalDays}d" : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h" : $"{Math.Max(0, (int)t.TotalMinutes)}m";
}
