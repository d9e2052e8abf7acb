using Microsoft.AspNetCore.Http;
using Velvet.Core.Auth;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Server.Auth;

namespace Velvet.Server.WebConsole.Pages;

/// <summary>
/// The Stage Wizard of one job. The server renders the frame (stages, one reserved row per consumer, the buttons a
/// person's role may ever use, the dialogs); console.js fills in the state from GET …/rotations/{job_id}, shows only the
/// buttons in its <c>allowed_actions</c>, and re-reads on every event of …/stream.
/// </summary>
internal static class JobPage
{
    private static readonly (string Action, string Label, string Css)[] JobButtons =
    [
        ("verify", "Verify", "primary"),
        ("proceed_mint", "Proceed to mint", "primary"),
        ("retry_failed", "Retry failed", ""),
        ("proceed_revoke", "Proceed to revoke…", "danger"),
        ("retry_revoke", "Retry revoke", ""),
        ("mark_manually_revoked", "Mark manually revoked…", ""),
        ("revalidate", "Re-validate", "primary"),
        ("abort", "Abort…", "danger"),
    ];

    public static async Task<IResult> ShowAsync(HttpContext http, ServerServices s)
    {
        var name = (string)http.Request.RouteValues["name"]!;
        if (!Guid.TryParse((string?)http.Request.RouteValues["jobId"], out var jobId))
            return ConsoleLayout.NotFound(http, s, "not a job id");
        var job = await s.Store.GetJobAsync(jobId, http.RequestAborted).ConfigureAwait(false);
        if (job is null || job.CredentialName != name || job.Env != s.Env)
            return ConsoleLayout.NotFound(http, s, $"job {jobId} of {name} does not exist in env {s.Env}");
        var rows = await s.Store.GetConsumerRowsAsync(jobId, http.RequestAborted).ConfigureAwait(false);
        var mode = s.Service.Manifest.FindCredential(name)?.Mode ?? RotationMode.Automatic;
        var canAct = http.User.HasScope(Scopes.Rotate);
        var revocation = job.Flow == FlowType.Revocation;

        var followups = await FollowupsPanel.ShowAsync(http, s, job.JobId).ConfigureAwait(false);

        var body = Html.Of($"""
            <p class="crumbs"><a href="{ConsolePaths.Credential(name)}">{name}</a> › job</p>
            <h1>Stage Wizard · {name}</h1>
            <dl class="facts">
              <dt>Job</dt><dd><code>{job.JobId}</code></dd>
              <dt>Flow</dt><dd>{job.Flow.Name()}</dd>
              <dt>Started</dt><dd>{job.CreatedAt} by {job.CreatedBy}</dd>
              <dt>Status</dt><dd><span id="job-status" class="status st-{job.Status.Name()}">{job.Status.Name()}</span> <span id="stream-state" class="stream" aria-live="polite"></span></dd>
            </dl>
            <ol class="stages" id="stages">{Stages(job.Flow)}</ol>
            {Html.When(canAct, Html.Of($"""
            <section class="actions" id="actions" aria-label="Actions allowed now">
              {Html.Join(JobButtons.Select(b => Html.Of($"""<button type="button" class="{b.Css}" data-action="{b.Action}" hidden>{b.Label}</button>""")))}
            </section>
            """))}
            <div id="message" class="message" role="status" aria-live="polite"></div>
            {followups}
            <section id="leaks" class="leaks" hidden aria-labelledby="leaks-title">
              <h2 id="leaks-title">Leaked: these consumers still accept the revoked credential</h2>
              <ul id="leak-list"></ul>
              <p>What to do: at each leaked consumer, replace or remove the value (update the config var or secret, restart the
              app so it drops a cached copy), then click <strong>Re-validate</strong>. The job reaches rev_done only when every consumer is refused.</p>
            </section>
            <h2>{(revocation ? "Consumers (each must now be refused)" : "Consumers")}</h2>
            <div class="table-wrap">
            <table class="grid consumers" id="consumer-rows">
              <thead><tr><th scope="col">Consumer</th><th scope="col">{(revocation ? "Probe" : "Distribute")}</th>{Html.When(!revocation, Html.Of($"""<th scope="col">Validate</th>"""))}<th scope="col">Detail</th>{Html.When(canAct, Html.Of($"""<th scope="col"><span class="sr-only">Row action</span></th>"""))}</tr></thead>
              <tbody>{Html.Join(rows.OrderBy(r => r.Ordinal).Select(r => Html.Of($"""
                <tr data-consumer="{r.ConsumerId}"><th scope="row">{r.ConsumerId}{Html.When(r.IsCanonical, Html.Of($""" <span class="tag">canonical</span>"""))}</th>
                {Html.When(!revocation, Html.Of($"""<td data-label="Distribute" data-col="distribute_status"><span class="cell pending">pending</span></td>"""))}
                <td data-label="{(revocation ? "Probe" : "Validate")}" data-col="validate_status"><span class="cell pending">pending</span></td>
                <td data-label="Detail" data-col="detail"></td>
                {Html.When(canAct, Html.Of($"""<td data-col="row-action"><button type="button" data-row-action="manual_confirm" hidden>Manual confirm…</button></td>"""))}</tr>
                """)))}</tbody>
            </table>
            </div>
            <section id="residual" class="residual" hidden aria-labelledby="residual-title">
              <h2 id="residual-title">Residual state after abort</h2>
              <div id="residual-body"></div>
            </section>
            <h2>Audit trail</h2>
            <ol class="events" id="event-log" aria-live="off"></ol>
            {Html.When(canAct, Dialogs(name, mode))}
            """);
        return ConsoleLayout.Page(http, s, "Stage Wizard · " + name, body, Html.Of($"""data-page="job" data-credential="{name}" data-job="{job.JobId}" data-flow="{job.Flow.Name()}" data-mode="{CredentialsPage.ModeName(mode)}" """));
    }

    private static Html Stages(FlowType flow) => flow == FlowType.Revocation
        ? Html.Of($"""
            <li data-stage="1"><span class="stage-name">Revoke at the vendor</span><span class="stage-state"></span></li>
            <li data-stage="2"><span class="stage-name">Probe every consumer (expect refusal)</span><span class="stage-state"></span></li>
            """)
        : Html.Of($"""
            <li data-stage="1"><span class="stage-name">Stage 1 · Verify</span><span class="stage-state"></span></li>
            <li data-stage="2"><span class="stage-name">Stage 2 · Mint, distribute, validate</span><span class="stage-state"></span></li>
            <li data-stage="3"><span class="stage-name">Stage 3 · Revoke the old credential</span><span class="stage-state"></span></li>
            """);

    private static Html Dialogs(string name, RotationMode mode) => Html.Join(
    [
        ConsoleDialog.Of("proceed_mint", "Proceed to mint", mode == RotationMode.OperatorManual ? Html.Of($"""
            <p>{name} is <strong>operator_manual</strong>: create the new value in the vendor's dashboard and paste it here. It is sent once, encrypted at rest while the job needs it, and never shown again.</p>
            <label for="new-value">New value</label>
            <input id="new-value" name="new_value" type="password" autocomplete="off" spellcheck="false" required>
            """) : Html.Of($"""<p>Velvet mints a new value at the vendor and distributes it to every consumer, canonical store first.</p>"""),
            "Mint and distribute", "primary"),
        ConsoleDialog.Of("manual_confirm", Html.Of($"""Manual confirm <span data-fill="consumer"></span>"""), Html.Of($"""
            <input type="hidden" name="consumer_id">
            <label for="confirm-who">Who checked it</label>
            <input id="confirm-who" name="who" required>
            <label for="confirm-why">How it was checked (why this row is fine)</label>
            <textarea id="confirm-why" name="why" rows="3" required></textarea>
            """), "Confirm row", "primary"),
        ConsoleDialog.Of("proceed_revoke", Html.Of($"Revoke the old credential of {name}"), Html.Of($"""
            <p class="warning">This cannot be undone: the old credential stops working everywhere. Check the environment banner first.</p>
            <label for="revoke-name">Type the credential name to confirm</label>
            <input id="revoke-name" name="confirm_credential_name" autocomplete="off">
            <label for="revoke-ticket">Ticket id (ROT-YYYY-…)</label>
            <input id="revoke-ticket" name="ticket_id" autocomplete="off" placeholder="ROT-2026-05-{name}">
            <div data-force hidden>
              <label for="revoke-reason">Not every consumer validated: why revoke anyway (force, recorded)</label>
              <textarea id="revoke-reason" name="reason" rows="2"></textarea>
            </div>
            {ConsoleDialog.StepUpField("revoke-password")}
            """), "Revoke old credential", "danger", novalidate: true),
        ConsoleDialog.Of("mark_manually_revoked", "Mark manually revoked", Html.Of($"""
            <p>Revoke the old credential in the vendor's dashboard first, then enter its id (e.g. the Heroku old_auth_id).</p>
            <label for="old-id">Old credential id</label>
            <input id="old-id" name="old_credential_id" autocomplete="off" required>
            """), "Record as revoked", "primary"),
        ConsoleDialog.Of("abort", "Abort this job?", Html.Of($"""
            <p>Abort does <strong>not</strong> roll anything back. What stays behind:</p>
            <div id="abort-before"></div>
            <label for="abort-reason">Reason (recorded)</label>
            <textarea id="abort-reason" name="reason" rows="2"></textarea>
            """), "Abort job", "danger", cancel: "Keep the job"),
    ]);
}
