using Microsoft.AspNetCore.Http;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Server.Auth;

namespace Velvet.Server.WebConsole.Pages;

/// <summary>
/// Open follow-ups (the canonical store still lacks the value that went to its fallback; docs/lifecycle.md): on the
/// stuck page for the whole env, on a job's Stage Wizard for that job. Operators get a Resolve… button: console.js
/// posts <c>POST /followups/{id}/resolve</c> (read the canonical store back, or a manual reason) and shows the answer.
/// </summary>
internal static class FollowupsPanel
{
    /// <summary>Open follow-ups of this env (<paramref name="jobId"/>: of that job only); empty for a job without any.</summary>
    public static async Task<Html> ShowAsync(HttpContext http, ServerServices s, Guid? jobId = null)
    {
        if (s.Store is not IFollowupStore store) return Html.Empty;
        var ct = http.RequestAborted;
        var found = jobId is { } id
            ? await store.FollowupsOfJobAsync(id, ct).ConfigureAwait(false)
            : await store.ListFollowupsAsync(openOnly: true, ct).ConfigureAwait(false);
        var open = found.Where(f => f.IsOpen && f.Env == s.Env).ToList();
        if (open.Count == 0 && jobId is not null) return Html.Empty;
        var canResolve = http.User.HasScope(Scopes.Rotate);
        var list = open.Count == 0 ? Html.Of($"""<p class="ok-note" id="no-followups">No open follow-ups.</p>""") : Html.Of($"""
            <div class="table-wrap">
            <table class="grid" id="followups">
              <thead><tr><th scope="col">#</th><th scope="col">Credential</th><th scope="col">Canonical store lacks the value</th><th scope="col">Value is in</th>
                <th scope="col">Why</th><th scope="col">Fingerprint</th><th scope="col">Open since</th>{Html.When(canResolve, Html.Of($"""<th scope="col"><span class="sr-only">Action</span></th>"""))}</tr></thead>
              <tbody>{Html.Join(open.Select(f => Html.Of($"""
                <tr data-followup="{f.Id}"><th scope="row">{f.Id}</th>
                <td data-label="Credential"><a href="{ConsolePaths.Job(f.CredentialName, f.JobId)}">{f.CredentialName}</a></td>
                <td data-label="Canonical store">{f.CanonicalConsumerId}</td><td data-label="Value is in">{f.FallbackConsumerId}</td>
                <td data-label="Why">{s.Masker.Scrub(f.Reason)}</td><td data-label="Fingerprint"><code>{f.ValueFingerprint ?? "—"}</code></td>
                <td data-label="Open since">{f.CreatedAt}</td>
                {Html.When(canResolve, Html.Of($"""<td data-label="Action" data-col="resolve"><button type="button" data-resolve="{f.Id}" aria-label="Resolve follow-up {f.Id}">Resolve…</button></td>"""))}</tr>
                """)))}</tbody>
            </table>
            </div>
            """);
        return Html.Of($"""
            <section class="followups" aria-labelledby="followups-title"><h2 id="followups-title">Open follow-ups</h2>
            <p class="hint">The canonical store could not be written; the value went to its fallback. Write it to the canonical store, then resolve: Velvet reads it back (or give a reason when it cannot be read).</p>
            {list}
            <div id="followup-message" class="message" role="status" aria-live="polite"></div>
            {Html.When(canResolve && open.Count > 0, Dialog)}
            </section>
            """);
    }

    /// <summary>Its own form marker (not data-submit: the Stage Wizard posts those as job actions).</summary>
    private static Html Dialog => Html.Of($"""
        <dialog id="dlg-resolve-followup" aria-labelledby="dlg-resolve-followup-title">
          <form method="dialog" data-resolve-form>
            <h2 id="dlg-resolve-followup-title">Resolve follow-up <span data-fill="followup"></span></h2>
            <input type="hidden" name="followup_id">
            <p>Velvet reads the canonical store back and compares it with the fingerprint. If it cannot be read back, say what you checked instead.</p>
            <label for="resolve-manual">Manual resolution (optional: why it is done although it cannot be read back)</label>
            <textarea id="resolve-manual" name="manual" rows="2"></textarea>
            <p class="error" role="alert" data-error></p>
            <div class="buttons"><button type="submit" class="primary">Resolve</button><button type="button" data-close>Cancel</button></div>
          </form>
        </dialog>
        """);
}
