using Microsoft.AspNetCore.Http;
using Velvet.Core.Ports;

namespace Velvet.Server.WebConsole.Pages;

/// <summary>
/// Staged rotation plans (staging → soak → prod; docs/lifecycle.md), the data of GET /plans: a list, and one plan with
/// its stages, each stage's job, the soak's progress and why it is blocked. Plans span envs, so all are listed.
/// </summary>
internal static class PlansPage
{
    public static async Task<IResult> ListAsync(HttpContext http, ServerServices s)
    {
        var ct = http.RequestAborted;
        IReadOnlyList<RotationPlan> plans = s.Store is IPlanStore store ? await store.ListPlansAsync(activeOnly: false, ct).ConfigureAwait(false) : [];
        var warning = await ChannelStatus.WarningAsync(s, ct).ConfigureAwait(false);
        var body = Html.Of($"""
            {warning}
            <h1>Plans</h1>
            <p class="hint">Staged rotations across envs (<code>velvet rotate CRED --plan staging,prod --soak 30m</code>): each stage starts only after the previous one is done and soaked green.</p>
            {(plans.Count == 0 ? Html.Of($"""<p class="hint" id="no-plans">No plans.</p>""") : Html.Of($"""
            <div class="table-wrap">
            <table class="grid" id="plans">
              <thead><tr><th scope="col">Credential</th><th scope="col">Status</th><th scope="col">Stages</th><th scope="col">Soak</th><th scope="col">Blocked because</th><th scope="col">Started</th><th scope="col">Plan</th></tr></thead>
              <tbody>{Html.Join(plans.Select(p => Html.Of($"""
                <tr data-plan="{p.PlanId}"><th scope="row"><a href="{ConsolePaths.Credential(p.CredentialName)}">{p.CredentialName}</a></th>
                <td data-label="Status">{Status(p.Status)}</td>
                <td data-label="Stages">{string.Join(" → ", p.Stages.Select(st => $"{st.Env} ({st.Status})"))}</td>
                <td data-label="Soak">{Soak(p)}</td><td data-label="Blocked because">{p.BlockedReason ?? "—"}</td>
                <td data-label="Started">{p.CreatedAt} by {p.CreatedBy}</td>
                <td data-label="Plan"><a href="{ConsolePaths.Plan(p.PlanId)}" aria-label="open plan {p.PlanId}">open</a></td></tr>
                """)))}</tbody>
            </table>
            </div>
            """))}
            """);
        return ConsoleLayout.Page(http, s, "Plans", body);
    }

    public static async Task<IResult> ShowAsync(HttpContext http, ServerServices s)
    {
        if (!Guid.TryParse((string?)http.Request.RouteValues["planId"], out var planId)) return ConsoleLayout.NotFound(http, s, "not a plan id");
        var plan = s.Store is IPlanStore store ? await store.GetPlanAsync(planId, http.RequestAborted).ConfigureAwait(false) : null;
        if (plan is null) return ConsoleLayout.NotFound(http, s, $"plan {planId} does not exist");
        var body = Html.Of($"""
            <p class="crumbs"><a href="{ConsolePaths.Plans}">Plans</a> › {plan.CredentialName}</p>
            <h1>Plan · {plan.CredentialName}</h1>
            <dl class="facts" id="plan-facts">
              <dt>Plan</dt><dd><code>{plan.PlanId}</code></dd>
              <dt>Status</dt><dd id="plan-status">{Status(plan.Status)}</dd>
              <dt>Soak</dt><dd>{Soak(plan)}</dd>
              <dt>Last soak check</dt><dd>{(plan.LastCheckAt is { } c ? Html.Of($"{c}") : Html.Text("—"))}</dd>
              {Html.When(plan.BlockedReason is not null, Html.Of($"""<dt>Blocked because</dt><dd class="overdue" id="plan-blocked">{plan.BlockedReason}</dd>"""))}
              <dt>Started</dt><dd>{plan.CreatedAt} by {plan.CreatedBy}; updated {plan.UpdatedAt}</dd>
            </dl>
            <h2>Stages</h2>
            <ol class="plan-stages" id="plan-stages">{Html.Join(plan.Stages.Select((st, i) => Html.Of($"""
              <li data-env="{st.Env}"{Html.When(i == plan.Current, Html.Of($""" aria-current="step" """))}><strong>{i + 1}. {st.Env}</strong> {Status(st.Status)}
              {(st.JobId is not { } job ? Html.Text("not started")
                : st.Env == s.Env ? Html.Of($"""<a href="{ConsolePaths.Job(plan.CredentialName, job)}">job</a>""")
                : Html.Of($"""job <code>{job}</code> (on the {st.Env} console)"""))}</li>
              """)))}</ol>
            <p class="hint">Start or advance it with <code>velvet plans start|tick {plan.PlanId}</code>. A stage job runs in its own env: its Stage Wizard opens on that env's console.</p>
            """);
        return ConsoleLayout.Page(http, s, "Plan · " + plan.CredentialName, body);
    }

    private static Html Status(string status) => Html.Of($"""<span class="status st-{status}">{status}</span>""");

    /// <summary>"30m, 2 green checks, until 05:40 UTC" while soaking; the soak length otherwise.</summary>
    private static Html Soak(RotationPlan p) => p.SoakUntil is { } until
        ? Html.Of($"{Cadence.Format(p.Soak)}: {p.ChecksPassed} green check(s), until {until}")
        : Html.Of($"{Cadence.Format(p.Soak)}");
}
