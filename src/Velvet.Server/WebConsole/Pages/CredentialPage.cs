using Microsoft.AspNetCore.Http;
using Velvet.Core.Auth;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Server.Auth;

namespace Velvet.Server.WebConsole.Pages;

/// <summary>One credential: its consumers, what a person may start (rotation, test, emergency revocation), and its history with the audit trail.</summary>
internal static class CredentialPage
{
    public const int HistoryJobs = 20;

    public static async Task<IResult> ShowAsync(HttpContext http, ServerServices s)
    {
        var name = (string)http.Request.RouteValues["name"]!;
        var c = s.Service.Manifest.FindCredential(name);
        if (c is null || c.Env != s.Env)
            return ConsoleLayout.NotFound(http, s, $"credential '{name}' is not registered for env {s.Env}");
        var consumers = s.Service.Manifest.ConsumersOf(name, s.Env);
        var jobs = await ConsoleData.JobsOfAsync(s, name, HistoryJobs, http.RequestAborted).ConfigureAwait(false);
        var history = new List<Html>();
        foreach (var j in jobs)
            history.Add(JobHistory(j, await s.Store.GetEventsAsync(j.JobId, 0, http.RequestAborted).ConfigureAwait(false)));

        var body = Html.Of($"""
            <h1>{name}</h1>
            <dl class="facts">
              <dt>Vendor</dt><dd>{c.Vendor.Kind}</dd>
              <dt>Mode</dt><dd><span class="mode mode-{CredentialsPage.ModeName(c.Mode)}">{CredentialsPage.ModeName(c.Mode)}</span></dd>
              <dt>Cadence</dt><dd>{Cadence.Of(c.Schedule).Text}</dd>
              {Html.When(c.Description is not null, Html.Of($"<dt>Description</dt><dd>{c.Description}</dd>"))}
              {Html.When(c.RunbookUrl is not null, Html.Of($"""<dt>Runbook</dt><dd><a href="{c.RunbookUrl}" rel="noreferrer noopener" target="_blank">{c.RunbookUrl}</a></dd>"""))}
            </dl>
            {Actions(http, c)}
            <h2>Consumers ({consumers.Count})</h2>
            <div class="table-wrap">
            <table class="grid" id="consumers">
              <thead><tr><th scope="col">Consumer</th><th scope="col">Kind</th><th scope="col">Canonical</th><th scope="col">Active</th><th scope="col">Healthcheck</th></tr></thead>
              <tbody>{Html.Join(consumers.Select(x => Html.Of($"""
                <tr><th scope="row">{x.ConsumerId}</th><td data-label="Kind">{x.Kind}</td><td data-label="Canonical">{(x.ConsumerId == c.CanonicalConsumer ? "yes (written first)" : "")}</td>
                <td data-label="Active">{(x.Active ? "yes" : "no")}</td><td data-label="Healthcheck">{(x.HealthcheckEndpoint is null ? "none: manual confirm" : "yes")}</td></tr>
                """)))}</tbody>
            </table>
            </div>
            <h2>History</h2>
            {(history.Count == 0 ? Html.Of($"""<p class="hint">No jobs yet.</p>""") : Html.Of($"""<div class="history" id="history">{Html.Join(history)}</div>"""))}
            """);
        return ConsoleLayout.Page(http, s, name, body, Html.Of($"""data-credential="{name}" data-page="credential" """));
    }

    private static Html Actions(HttpContext http, CredentialSpec c)
    {
        if (c.Mode == RotationMode.ManualOnly)
            return Html.Of($"""<p class="notice">{c.TokenName} is <strong>manual_only</strong>: Velvet does not rotate it. Follow the runbook{(c.RunbookUrl is null ? "" : ":")} {Html.When(c.RunbookUrl is not null, Html.Of($"""<a href="{c.RunbookUrl}" rel="noreferrer noopener" target="_blank">open the runbook</a>"""))}</p>""");
        var rotate = http.User.HasScope(Scopes.Rotate) && c.Active;
        var revoke = http.User.HasScope(Scopes.Revoke) && c.Active;
        if (!rotate && !revoke) return Html.Empty;
        return Html.Of($"""
            <section class="actions" aria-label="Start a job">
              {Html.When(rotate, Html.Of($"""<button type="button" class="primary" data-start="operational">Start rotation</button><button type="button" data-start="testing">Test (Stage 1 only)</button>"""))}
              {Html.When(revoke, Html.Of($"""<button type="button" class="danger" data-open="dlg-revocation">Emergency revocation…</button>"""))}
            </section>
            <div id="message" class="message" role="status" aria-live="polite"></div>
            {Html.When(revoke, RevocationDialog(c.TokenName))}
            """);
    }

    private static Html RevocationDialog(string name) => ConsoleDialog.Of("revocation", Html.Of($"Emergency revocation of {name}"), Html.Of($"""
        <p class="warning">This revokes {name} at the vendor <strong>now</strong>, then probes every consumer: each must be refused. Consumers still accepting it are reported as leaked.</p>
        <label for="rev-confirm">Type the credential name to confirm</label>
        <input id="rev-confirm" name="confirm_credential_name" autocomplete="off" required>
        {ConsoleDialog.StepUpField("rev-password")}
        """), "Revoke now", "danger");

    private static Html JobHistory(RotationJob j, IReadOnlyList<JobEvent> events) => Html.Of($"""
        <details>
          <summary><span class="status st-{j.Status.Name()}">{j.Status.Name()}</span> {j.Flow.Name()} · started {j.CreatedAt} by {j.CreatedBy} · <a href="{ConsolePaths.Job(j.CredentialName, j.JobId)}">open</a></summary>
          <div class="table-wrap">
          <table class="grid audit">
            <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Outcome</th></tr></thead>
            <tbody>{Html.Join(events.Select(e => Html.Of($"""
              <tr><td data-label="When">{e.At}</td><td data-label="Who">{e.Actor}</td><td data-label="What">{e.Kind}{(e.ConsumerId is null ? "" : " " + e.ConsumerId)}</td>
              <td data-label="Outcome">{(e.FromStatus is null && e.ToStatus is null ? "" : $"{e.FromStatus} → {e.ToStatus} ")}{e.Detail}</td></tr>
              """)))}</tbody>
          </table>
          </div>
        </details>
        """);
}
