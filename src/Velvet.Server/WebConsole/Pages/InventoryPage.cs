using Microsoft.AspNetCore.Http;
using Velvet.Core.Inventory;
using Velvet.Core.Ports;
using Velvet.Server.Http;

namespace Velvet.Server.WebConsole.Pages;

/// <summary>
/// Where every copy of every credential of this env lives (SPEC §8, the data of GET /inventory): one table per
/// credential, its copies with kind and target, when Velvet last wrote each and the fingerprint of what it wrote.
/// Never a value.
/// </summary>
internal static class InventoryPage
{
    public static async Task<IResult> ShowAsync(HttpContext http, ServerServices s)
    {
        var ct = http.RequestAborted;
        var report = await InventoryBuilder.BuildAsync(s.Service, s.Store as IScheduleStore, s.Targets, s.Time, ct).ConfigureAwait(false);
        var warning = await ChannelStatus.WarningAsync(s, ct).ConfigureAwait(false);
        var body = Html.Of($"""
            {warning}
            <h1>Inventory</h1>
            <p class="hint">Where each credential of env <strong>{report.Env}</strong> lives, as of {report.GeneratedAt}: targets and fingerprints only, never a value.
            Also <code>GET /inventory</code> and <code>velvet inventory</code>.</p>
            {Html.Join(report.Credentials.Select(Credential))}
            """);
        return ConsoleLayout.Page(http, s, "Inventory", body);
    }

    private static Html Credential(InventoryEntry c)
    {
        var id = "inv-" + c.TokenName;
        return Html.Of($"""
            <section class="inventory" id="{id}" data-credential="{c.TokenName}" aria-labelledby="{id}-title">
              <h2 id="{id}-title"><a href="{ConsolePaths.Credential(c.TokenName)}">{c.TokenName}</a>{Html.When(!c.Active, Html.Of($""" <span class="tag">inactive</span>"""))}{Html.When(c.Overdue, Html.Of($""" <strong class="overdue">overdue</strong>"""))}</h2>
              <dl class="facts">
                <dt>Vendor</dt><dd>{c.Vendor} · <span class="mode mode-{c.Mode}">{c.Mode}</span></dd>
                <dt>Last rotated</dt><dd>{(c.LastRotatedAt is { } at ? Html.Of($"{at}") : Html.Text("never (by this Velvet)"))}</dd>
                <dt>Age / cadence</dt><dd class="{(c.Overdue ? "overdue" : "")}">{(c.Age is { } age ? Html.Text(Cadence.Format(age)) : Html.Text("—"))} / {c.Cadence ?? "no cadence"}</dd>
                <dt>Next due</dt><dd>{(c.NextDueAt is { } due ? Html.Of($"{due}") : Html.Text("—"))} <span class="tag">{OpsViews.Name(c.ScheduleState)}</span></dd>
              </dl>
              {(c.Copies.Count == 0 ? Html.Of($"""<p class="hint">No copies in the manifest for this env.</p>""") : Copies(c))}
            </section>
            """);
    }

    private static Html Copies(InventoryEntry c) => Html.Of($"""
              <div class="table-wrap">
              <table class="grid inventory-copies">
                <caption class="sr-only">Copies of {c.TokenName}</caption>
                <thead><tr><th scope="col">Copy</th><th scope="col">Kind</th><th scope="col">Target</th><th scope="col">Last written</th><th scope="col">Fingerprint written</th></tr></thead>
                <tbody>{Html.Join(c.Copies.Select(x => Html.Of($"""
                  <tr data-consumer="{x.ConsumerId}"><th scope="row">{x.ConsumerId}{Html.When(x.Canonical, Html.Of($""" <span class="tag">canonical</span>"""))}{Html.When(!x.Active, Html.Of($""" <span class="tag">inactive</span>"""))}</th>
                  <td data-label="Kind">{x.Label} <span class="tag">{x.Kind}</span></td><td data-label="Target"><code>{x.Target}</code></td>
                  <td data-label="Last written">{(x.LastWrittenAt is { } w ? Html.Of($"{w}") : Html.Text("never by Velvet"))}</td>
                  <td data-label="Fingerprint"><code>{x.WrittenFingerprint ?? "—"}</code></td></tr>
                  """)))}</tbody>
              </table>
              </div>
        """);
}
