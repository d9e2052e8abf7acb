using Microsoft.AspNetCore.Http;
using Velvet.Core.Jobs;

namespace Velvet.Server.WebConsole.Pages;

/// <summary>What needs a person: jobs waiting or not moving (SPEC §2 "stuck"), open follow-ups, notification channels.</summary>
internal static class StuckPage
{
    public static async Task<IResult> ShowAsync(HttpContext http, ServerServices s)
    {
        var stuck = await s.Service.ListStuckAsync(http.RequestAborted).ConfigureAwait(false);
        var warning = await ChannelStatus.WarningAsync(s, http.RequestAborted).ConfigureAwait(false);
        var followups = await FollowupsPanel.ShowAsync(http, s).ConfigureAwait(false);
        var channels = await ChannelStatus.TableAsync(s, http.RequestAborted).ConfigureAwait(false);
        var body = Html.Of($"""
            {warning}
            <h1>Stuck jobs</h1>
            <p class="hint">Jobs of env <strong>{s.Env}</strong> in one status for more than 5 minutes, or waiting on a person.</p>
            {(stuck.Count == 0 ? Html.Of($"""<p class="ok-note" id="no-stuck">No stuck jobs.</p>""") : Html.Of($"""
            <div class="table-wrap">
            <table class="grid" id="stuck">
              <thead><tr><th scope="col">Credential</th><th scope="col">Status</th><th scope="col">Why</th><th scope="col">In status for</th><th scope="col">Started by</th><th scope="col">Job</th></tr></thead>
              <tbody>{Html.Join(stuck.Select(x => Html.Of($"""
                <tr><th scope="row"><a href="{ConsolePaths.Credential(x.Job.CredentialName)}">{x.Job.CredentialName}</a></th>
                <td data-label="Status"><span class="status st-{x.Job.Status.Name()}">{x.Job.Status.Name()}</span></td><td data-label="Why">{x.Reason}</td>
                <td data-label="In status for">{Cadence.Format(x.InStatusFor)}</td><td data-label="Started by">{x.Job.CreatedBy}</td>
                <td data-label="Job"><a href="{ConsolePaths.Job(x.Job.CredentialName, x.Job.JobId)}">open the Stage Wizard</a></td></tr>
                """)))}</tbody>
            </table>
            </div>
            """))}
            {followups}
            {channels}
            """);
        return ConsoleLayout.Page(http, s, "Stuck jobs", body);
    }
}
