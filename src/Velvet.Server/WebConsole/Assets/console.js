// Velvet console: the live parts. Reads the JSON API and the job's event stream; writes only through the API.
// No framework, no build step. Every value is put in the page with textContent, never as HTML.
"use strict";
(() => {
  const main = document.getElementById("main");
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const enc = encodeURIComponent;

  /** POST JSON with the anti-forgery header; resolves to {ok, status, data}. */
  async function post(url, body) {
    const r = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-TOKEN": csrf },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await r.json(); } catch { /* 204 */ }
    return { ok: r.ok, status: r.status, data };
  }

  const problem = (res) => res.data?.detail ?? `the server answered ${res.status}`;
  const say = (text, kind = "info") => {
    const m = $("#message");
    if (!m) return;
    m.textContent = text;
    m.className = "message " + kind;
  };

  /** Step-up: the password, checked right before an irreversible action (the session keeps it 2 minutes, for one use). */
  async function stepUp(password) {
    if (!password) return "re-enter your password to confirm (step-up)";
    const res = await post("/console/step-up", { password });
    return res.ok ? null : problem(res);
  }

  // ---- dialogs: open buttons, close buttons, Escape (native) ----
  function openDialog(id) {
    const d = document.getElementById(id);
    if (!d) return null;
    $$("[data-error]", d).forEach((e) => { e.textContent = ""; });
    d.showModal();
    return d;
  }
  document.addEventListener("click", (ev) => {
    const t = ev.target.closest("[data-close]");
    if (t) t.closest("dialog")?.close();
    const o = ev.target.closest("[data-open]");
    if (o) openDialog(o.dataset.open);
  });

  // ---- follow-ups (stuck page, Stage Wizard): Resolve… → POST /followups/{id}/resolve, show the server's answer ----
  document.addEventListener("click", (ev) => {
    const b = ev.target.closest("[data-resolve]");
    if (!b) return;
    const d = openDialog("dlg-resolve-followup");
    d.querySelector('[data-fill="followup"]').textContent = b.dataset.resolve;
    d.querySelector("form").elements.followup_id.value = b.dataset.resolve;
  });
  $$("form[data-resolve-form]").forEach((form) => form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = form.elements;
    const err = $("[data-error]", form);
    err.textContent = "";
    const id = f.followup_id.value;
    const manual = f.manual.value.trim();
    const res = await post(`/followups/${enc(id)}/resolve`, manual ? { manual } : {});
    const m = $("#followup-message");
    if (!res.ok) { err.textContent = problem(res); m.textContent = `follow-up ${id} is still open: ${problem(res)}`; m.className = "message error"; return; }
    form.reset();
    form.closest("dialog").close();
    m.textContent = `follow-up ${id} resolved by ${res.data.resolved_by}: ${res.data.resolution}`;
    m.className = "message ok";
    const row = $(`tr[data-followup="${CSS.escape(id)}"]`);
    const cell = row && $('[data-col="resolve"]', row);
    if (cell) cell.textContent = "resolved";
    row?.classList.add("resolved");
  }));

  const tokenPath = (name) => `/tokens/${enc(name)}`;

  // ---- credential page: start a rotation, a test, or an emergency revocation ----
  if (main?.dataset.page === "credential") {
    const name = main.dataset.credential;
    $$("[data-start]").forEach((b) => b.addEventListener("click", async () => {
      b.disabled = true;
      const res = await post(`${tokenPath(name)}/rotate`, { flow_type: b.dataset.start });
      b.disabled = false;
      if (res.ok) location.assign(`/console/jobs/${enc(name)}/${res.data.job_id}`);
      else say(problem(res), "error");
    }));
    const form = $('[data-submit="revocation"]');
    form?.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const err = $("[data-error]", form);
      const typed = form.elements.confirm_credential_name.value.trim();
      if (typed !== name) { err.textContent = `type ${name} exactly to confirm`; return; }
      const stepped = await stepUp(form.elements.password.value);
      form.elements.password.value = "";
      if (stepped) { err.textContent = stepped; return; }
      const res = await post(`${tokenPath(name)}/revoke`, { confirm_credential_name: typed });
      if (!res.ok) { err.textContent = problem(res); return; }
      location.assign(`/console/jobs/${enc(name)}/${res.data.job_id}`);
    });
  }

  // ---- Stage Wizard ----
  if (main?.dataset.page === "job") wizard(main.dataset.credential, main.dataset.job, main.dataset.flow);

  function wizard(name, jobId, flow) {
    const jobUrl = `${tokenPath(name)}/rotations/${jobId}`;
    const terminal = new Set(["done", "aborted", "rev_done"]);
    const okStates = new Set(["succeeded", "confirmed", "skipped"]);
    let job = null;
    let source = null;
    let loading = null;
    let again = false;

    const cellClass = (st) => st === "in_progress" ? "in-progress"
      : okStates.has(st) ? "ok" : st === "failed" ? "failed" : st === "leaked" ? "leaked"
      : st === "needs_confirm" ? "needs-confirm" : "pending";
    // In a revocation the probe succeeds when the consumer is refused: say so.
    const cellText = (st) => (flow === "revocation" && st === "succeeded" ? "refused" : null) ?? ({
      in_progress: "in progress", succeeded: "succeeded", confirmed: "confirmed", skipped: "skipped", failed: "failed",
      leaked: "LEAKED", needs_confirm: "needs confirm", pending: "pending",
    })[st] ?? st;

    function setCell(td, st) {
      if (!td) return;
      let span = td.firstElementChild;
      if (!span) { span = document.createElement("span"); td.append(span); }
      span.className = "cell " + cellClass(st);
      span.textContent = cellText(st);
    }

    // Which column the current phase writes: distribute while distributing, validate (or probe) otherwise.
    const phaseColumn = (status) => status.startsWith("distribute") || status === "minted" ? "distribute_status" : "validate_status";

    function render(j) {
      job = j;
      const status = $("#job-status");
      status.textContent = j.status;
      status.className = "status st-" + j.status;
      renderStages(j.status);
      const allowed = new Set(j.allowed_actions);
      $$("[data-action]").forEach((b) => { b.hidden = !allowed.has(b.dataset.action); });
      const leaked = new Set(j.leaked_consumers ?? []);
      const col = phaseColumn(j.status);
      for (const r of j.consumers) {
        const tr = $(`tr[data-consumer="${CSS.escape(r.consumer_id)}"]`);
        if (!tr) continue;
        setCell($('[data-col="distribute_status"]', tr), r.distribute_status);
        setCell($('[data-col="validate_status"]', tr), r.validate_status);
        const isLeak = leaked.has(r.consumer_id) || r.validate_status === "leaked";
        tr.classList.toggle("leaked-row", isLeak);
        tr.classList.toggle("failed-row", !isLeak && (r.distribute_status === "failed" || r.validate_status === "failed"));
        const detail = $('[data-col="detail"]', tr);
        detail.textContent = isLeak ? "still accepts the revoked credential: fix it at the consumer, then Re-validate"
          : r.last_error ? r.last_error
          : r.confirmed_by ? `confirmed by ${r.confirmed_by}: ${r.confirm_reason ?? ""}`
          : r.written_fingerprint ? `holds ${r.written_fingerprint}` : "";
        const btn = $('[data-row-action="manual_confirm"]', tr);
        if (btn) btn.hidden = !(allowed.has("manual_confirm") && !okStates.has(r[col]));
      }
      const leaks = $("#leaks");
      leaks.hidden = leaked.size === 0;
      const list = $("#leak-list");
      list.replaceChildren(...[...leaked].map((id) => {
        const li = document.createElement("li");
        li.textContent = id;
        return li;
      }));
      const force = $("[data-force]");
      if (force) force.hidden = j.status === "validated";
      renderResidual(j.residual);
      if (terminal.has(j.status) && source) { source.close(); source = null; streamState("finished"); }
    }

    function renderStages(st) {
      const stages = $$("#stages li");
      const set = (i, state) => {
        const li = stages[i];
        if (!li) return;
        li.className = "stage " + state;
        $(".stage-state", li).textContent = { todo: "", active: "in progress", done: "done", failed: "needs action", waiting: "waiting for you" }[state];
      };
      if (flow === "revocation") {
        const revoked = ["rev_revoked", "rev_validating", "rev_leaked", "rev_done"].includes(st);
        set(0, st === "rev_revoke_failed" ? "failed" : revoked ? "done" : "active");
        set(1, st === "rev_done" ? "done" : st === "rev_leaked" ? "failed" : revoked ? "active" : "todo");
        return;
      }
      const order = ["init", "verifying", "verify_failed", "verified", "minting", "mint_failed", "minted", "distributing",
        "distribute_partial", "distribute_failed", "distributed", "validating", "validate_partial", "validate_failed", "validated",
        "revoking", "revoke_failed", "done"];
      const at = order.indexOf(st);
      // A gate waits at the start of the stage it opens: verified waits on Stage 2, validated on Stage 3.
      const stageOf = (i) => i <= 2 ? 0 : i <= 13 ? 1 : 2;
      const current = st === "aborted" ? -1 : stageOf(at);
      for (let i = 0; i < 3; i++) {
        if (st === "done" || i < current) set(i, "done");
        else if (i > current || current < 0) set(i, "todo");
        else if (st.endsWith("_failed") || st.endsWith("_partial")) set(i, "failed");
        else if (["init", "verified", "validated"].includes(st)) set(i, "waiting");
        else set(i, "active");
      }
    }

    function renderResidual(r) {
      const box = $("#residual");
      if (!r) { box.hidden = true; return; }
      box.hidden = false;
      const body = $("#residual-body");
      const dl = document.createElement("dl");
      dl.className = "facts";
      const fact = (k, v) => {
        const dt = document.createElement("dt"); dt.textContent = k;
        const dd = document.createElement("dd"); dd.textContent = v;
        dl.append(dt, dd);
      };
      fact("Aborted from", r.aborted_from);
      fact("Consumers holding the new value", (r.consumers_with_new_value ?? []).join(", ") || "none");
      fact("Consumers still on the old value", (r.consumers_with_old_value ?? []).join(", ") || "none");
      if ((r.consumers_unknown ?? []).length) fact("Consumers in an unknown state", r.consumers_unknown.join(", "));
      fact("New credential exists at the vendor", r.new_credential_exists ? `yes${r.new_credential_id ? " (" + r.new_credential_id + ")" : ""}` : "no");
      fact("Old credential still valid", r.old_credential_still_valid ? `yes${r.old_credential_id ? " (" + r.old_credential_id + ")" : ""}` : "no");
      const h = document.createElement("h3");
      h.textContent = "Cleanup steps";
      const ol = document.createElement("ol");
      ol.id = "cleanup-steps";
      ol.append(...(r.cleanup_steps ?? []).map((s) => { const li = document.createElement("li"); li.textContent = s; return li; }));
      body.replaceChildren(dl, h, ol);
    }

    /** What an abort would leave behind, from the rows as they are now (the runbook's abort table). */
    function abortPreview() {
      const j = job;
      const withNew = j.consumers.filter((r) => okStates.has(r.distribute_status) && r.distribute_status !== "skipped").map((r) => r.consumer_id);
      const st = j.status;
      let text;
      if (["init", "verifying", "verify_failed", "verified"].includes(st)) text = "Nothing was minted: the old credential stays the only one. Nothing to clean up.";
      else if (["minting", "mint_failed", "minted"].includes(st)) text = "A new credential may exist at the vendor while the old one stays valid: delete the new one (the residual report after the abort names it).";
      else if (st.startsWith("distribut")) text = "Some consumers already hold the new value: sync them back to the old value, then delete the new credential. The old credential stays valid.";
      else if (st.startsWith("validat")) text = "Distribution is done: the new value stays in the consumers and the old credential stays live. Revoke the old one manually at the vendor.";
      else if (st.startsWith("revok")) text = "The old credential may still be valid: prefer Retry revoke or Mark manually revoked.";
      else text = "The revocation stops here; the consumers' state is in the rows.";
      const p = document.createElement("p");
      p.textContent = text;
      const q = document.createElement("p");
      q.textContent = "Consumers holding the new value now: " + (withNew.join(", ") || "none");
      $("#abort-before").replaceChildren(p, q);
    }

    async function load() {
      // One read at a time; an event during a read asks for one more afterwards (so the last state always shows).
      if (loading) { again = true; return loading; }
      loading = (async () => {
        do {
          again = false;
          const r = await fetch(jobUrl, { credentials: "same-origin", headers: { "Cache-Control": "no-cache" } });
          if (r.ok) render(await r.json());
          else if (r.status === 401) { location.assign("/console/sign-in?ReturnUrl=" + enc(location.pathname)); return; }
        } while (again);
      })().finally(() => { loading = null; });
      return loading;
    }

    const log = $("#event-log");
    const seen = new Set();
    function onEvent(ev) {
      if (ev.lastEventId && seen.has(ev.lastEventId)) return;
      if (ev.lastEventId) seen.add(ev.lastEventId);
      try {
        const e = JSON.parse(ev.data);
        const li = document.createElement("li");
        const when = new Date(e.at).toISOString().replace("T", " ").slice(0, 19) + " UTC";
        const what = e.to_status ? `${e.from_status ?? ""} → ${e.to_status}` : "";
        li.textContent = `${when} · ${e.actor} · ${e.kind}${e.consumer_id ? " " + e.consumer_id : ""} ${what} ${e.detail ?? ""}`;
        log.append(li);
      } catch { /* not an event of ours */ }
      load();
    }

    function streamState(text) { const s = $("#stream-state"); if (s) s.textContent = text; }

    // The browser's EventSource reconnects by itself and sends Last-Event-ID, so no event is lost; if the stream is
    // closed for good (server restart, session renewed), open a new one after re-reading the job: nothing is missed
    // either, since the page's state always comes from a full read.
    function connect() {
      if (job && terminal.has(job.status)) return;
      source = new EventSource(`${jobUrl}/stream`);
      for (const kind of ["status", "consumer", "action", "created", "note", "message"]) source.addEventListener(kind, onEvent);
      source.onopen = () => { streamState("live"); load(); };
      source.onerror = () => {
        if (!source) return;
        if (source.readyState === EventSource.CLOSED) {
          source = null;
          streamState("reconnecting…");
          setTimeout(async () => { await load(); connect(); }, 1000);
        } else streamState("reconnecting…");
      };
    }

    // ---- buttons ----
    async function act(body, err) {
      const res = await post(`${jobUrl}/stage`, body);
      if (!res.ok) {
        if (err) err.textContent = problem(res); else say(problem(res), "error");
        return false;
      }
      say(`${body.action} accepted`, "ok");
      render(res.data);
      load();
      return true;
    }

    $$("[data-action]").forEach((b) => b.addEventListener("click", async () => {
      const a = b.dataset.action;
      if (document.getElementById("dlg-" + a)) {
        if (a === "abort") abortPreview();
        openDialog("dlg-" + a);
        return;
      }
      b.disabled = true;
      await act({ action: a });
      b.disabled = false;
    }));

    document.addEventListener("click", (ev) => {
      const b = ev.target.closest('[data-row-action="manual_confirm"]');
      if (!b) return;
      const id = b.closest("tr").dataset.consumer;
      const d = openDialog("dlg-manual_confirm");
      d.querySelector('[data-fill="consumer"]').textContent = id;
      d.querySelector("form").elements.consumer_id.value = id;
    });

    $$("form[data-submit]").forEach((form) => form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const a = form.dataset.submit;
      const f = form.elements;
      const err = $("[data-error]", form);
      err.textContent = "";
      let body = { action: a };
      if (a === "proceed_mint") {
        if (f.new_value) {
          if (!f.new_value.value) { err.textContent = "paste the new value"; return; }
          body.new_value = f.new_value.value;
        }
      } else if (a === "manual_confirm") {
        const who = f.who.value.trim();
        const why = f.why.value.trim();
        if (!who || !why) { err.textContent = "say who checked this consumer and how"; return; }
        body = { action: a, consumer_id: f.consumer_id.value, reason: `${why} (checked by ${who})` };
      } else if (a === "proceed_revoke") {
        // The server checks both again; these messages only save a round trip.
        const typed = f.confirm_credential_name.value.trim();
        const ticket = f.ticket_id.value.trim();
        if (typed !== name) { err.textContent = `type the credential name exactly to confirm: expected ${name}`; return; }
        if (!/^ROT-\d{4}-.+/.test(ticket)) { err.textContent = "a ticket id in the form ROT-YYYY-… is required to revoke"; return; }
        body = { action: a, confirm_credential_name: typed, ticket_id: ticket };
        if (job.status !== "validated") { body.force_revoke = true; body.reason = f.reason.value.trim(); }
        const stepped = await stepUp(f.password.value);
        f.password.value = "";
        if (stepped) { err.textContent = stepped; return; }
      } else if (a === "mark_manually_revoked") {
        body.old_credential_id = f.old_credential_id.value.trim();
      } else if (a === "abort") {
        if (f.reason.value.trim()) body.reason = f.reason.value.trim();
      }
      const done = await act(body, err);
      if (f.new_value) f.new_value.value = "";
      if (done) { form.reset(); form.closest("dialog").close(); }
    }));

    load().then(connect);
  }
})();
