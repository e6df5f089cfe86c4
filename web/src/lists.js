/**
 * The side panel's lists: jobs (`GET /v1/jobs?state=&kind=`), plans (`GET /v1/plans`),
 * forecast runs (`GET /v1/forecasts`) and experiments (`GET /v1/experiments`), newest
 * first, a page at a time (`limit` + the answer's `next_cursor` behind a "more" button).
 *
 * Live progress: while any listed job is queued or running (or an experiment is running),
 * every list shown is fetched again once a second, as many items as it shows (at most 500,
 * the API's page limit), so the progress and the states change in place and a finished job
 * gets its report link. The polling is bounded: it stops as soon as nothing runs, and after
 * [`MAX_ROUNDS`] rounds (ten minutes) it stops anyway and says so; "Refresh" starts it
 * again. `data-polling` on the panel says whether it is on (the page test reads it).
 *
 * A job that is queued or running has a Cancel button (`DELETE /v1/jobs/{id}`). A click on
 * a job or a plan opens it, on a forecast run opens its forecast panel, on an experiment
 * shows its verdict in detail (`GET /v1/experiments/{id}`).
 */
import { $, h, call, num, stamp, showError } from "./dom.js";

const POLL_MS = 1000;
const MAX_ROUNDS = 600;
/** The API's largest page. */
const MAX_LIMIT = 500;

const progress = (p) => `${p.done}/${p.total}${p.phase ? ` ${p.phase}` : ""}`;
const runs = (state) => state === "queued" || state === "running";

/** A field shown in a list item, tagged so the page test can find it. */
const field = (k, text) => h("span", { class: `f-${k}`, data: { k } }, text);

let pageSize = 10;
let hooks = { openJob: () => {}, openRun: () => {} };
let timer = null;
let rounds = 0;

async function cancel(id, event) {
  event.stopPropagation();
  const r = await call(`/v1/jobs/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (!r.ok) showError(r.status, r.body, r.text);
  refreshAll();
}

function cancelButton(item) {
  return runs(item.state)
    ? h("button", { type: "button", class: "cancel", onclick: (e) => cancel(item.id, e) }, "Cancel")
    : null;
}

function stateBadge(state) {
  return h("span", { class: `badge state-${state}`, data: { k: "state" } }, state);
}

function jobItem(item) {
  return [
    h("div", { class: "line" }, field("kind", item.kind), " ", stateBadge(item.state), " ",
      field("progress", progress(item.progress)), cancelButton(item)),
    h("div", { class: "line small" }, field("id", item.id), " · ", field("created", stamp(item.created_at))),
  ];
}

function planItem(item) {
  return [
    h("div", { class: "line" }, stateBadge(item.state), " ", field("progress", progress(item.progress)),
      item.report ? h("a", { href: item.report, target: "_blank", class: "report", onclick: (e) => e.stopPropagation() }, "report") : null,
      cancelButton(item)),
    h("div", { class: "line small" }, field("id", item.id), " · ", field("created", stamp(item.created_at))),
  ];
}

function runItem(item) {
  return [
    h("div", { class: "line" }, field("horizon", `${item.horizon} ${item.frequency === "weekly" ? "weeks" : "days"}`),
      " · ", field("rows", `${item.row_count} rows`), " · ", field("source", item.source)),
    h("div", { class: "line small" }, field("id", item.id), " · ", field("created", stamp(item.created_at))),
  ];
}

function experimentItem(item) {
  const decision = item.decision || "undecided";
  return [
    h("div", { class: "line" }, h("b", { data: { k: "name" } }, item.name), " ",
      h("span", { class: `badge decision-${decision}`, data: { k: "decision" } }, decision)),
    h("div", { class: "line small" }, field("stage", item.stage), " · ", field("status", item.status), " · ",
      field("units", `${item.units_recorded}/${item.planned_units} units`), " · ",
      item.report ? h("a", { href: item.report, target: "_blank", class: "report", onclick: (e) => e.stopPropagation() }, "report") : "no report yet",
      " · ", h("a", { href: item.href, target: "_blank", onclick: (e) => e.stopPropagation() }, "record")),
    h("div", { class: "verdict", hidden: "" }),
  ];
}

/** The primary metric's verdict of an experiment: means, improvement and its interval. */
async function showVerdict(li, item) {
  const box = li.querySelector(".verdict");
  if (!box.hidden) {
    box.hidden = true;
    return;
  }
  const r = await call(item.href);
  if (!r.ok || !r.body) {
    showError(r.status, r.body, r.text);
    return;
  }
  const v = r.body.experiment.verdict;
  const p = v && v.primary;
  const spec = r.body.experiment.spec || {};
  box.replaceChildren(
    p
      ? h("dl", {}, [
        ["metric", `${p.metric} (${p.lower_is_better ? "lower" : "higher"} is better)`],
        ["champion", `${(spec.champion || {}).label || "champion"}: ${num(p.champion_mean, 4)}`],
        ["challenger", `${(spec.challenger || {}).label || "challenger"}: ${num(p.challenger_mean, 4)}`],
        ["improvement", `${num(p.improvement, 4)} [${num(p.ci_low, 4)}, ${num(p.ci_high, 4)}] at ${num(p.confidence * 100, 0)} %`],
        ["units", String(p.n)],
        ["decision", String(p.decision)],
      ].flatMap(([k, t]) => [h("dt", {}, k), h("dd", { data: { k } }, t)]))
      : h("p", {}, `no verdict yet (${r.body.experiment.status})`),
  );
  box.hidden = false;
}

/** One list: where it comes from (a path and its filters), how an item looks, what a click does. */
function list(name, path, query, render, open, active) {
  return { name, path, query, render, open, active, items: [], next: null, loaded: false };
}

const none = () => new URLSearchParams();

const LISTS = [
  list("jobs", "/v1/jobs", () => {
    const q = new URLSearchParams();
    if ($("jobs-kind").value) q.set("kind", $("jobs-kind").value);
    if ($("jobs-state").value) q.set("state", $("jobs-state").value);
    return q;
  }, jobItem, (item) => hooks.openJob(item.id), (item) => runs(item.state)),
  list("plans", "/v1/plans", none, planItem, (item) => hooks.openJob(item.id), (item) => runs(item.state)),
  list("forecasts", "/v1/forecasts", none, runItem, (item) => hooks.openRun(item.id), () => false),
  list("experiments", "/v1/experiments", none, experimentItem, null, (item) => item.status === "running"),
];

function draw(l) {
  $(`${l.name}-list`).replaceChildren(
    ...l.items.map((item) => {
      const li = h("li", { class: `item ${l.name}-item`, data: { id: item.id }, tabindex: "0" }, ...l.render(item));
      li.addEventListener("click", () => (l.open ? l.open(item) : showVerdict(li, item)));
      return li;
    }),
  );
  $(`${l.name}-more`).hidden = !l.next;
  $(`${l.name}-empty`).hidden = l.items.length > 0;
}

/** Fetches `l` from its start (`limit` items) or the page after its last (`more`). */
async function fetchList(l, { more = false, limit = pageSize } = {}) {
  const q = l.query();
  q.set("limit", String(limit));
  if (more && l.next) q.set("cursor", l.next);
  const r = await call(`${l.path}?${q}`);
  if (!r.ok || !r.body) {
    showError(r.status, r.body, r.text);
    return;
  }
  l.items = more ? [...l.items, ...r.body.items] : r.body.items;
  l.next = r.body.next_cursor;
  l.loaded = true;
  draw(l);
}

function schedule() {
  if (timer) clearTimeout(timer);
  timer = null;
  const active = LISTS.some((l) => l.items.some(l.active));
  const note = $("lists-note");
  if (active && rounds < MAX_ROUNDS) {
    rounds += 1;
    timer = setTimeout(refreshAll, POLL_MS);
    note.textContent = "Live: refreshed every second while a job runs.";
  } else if (active) {
    note.textContent = `Live refresh stopped after ${MAX_ROUNDS} rounds; press Refresh.`;
  } else {
    rounds = 0;
    note.textContent = "";
  }
  $("lists").dataset.polling = timer ? "on" : "off";
}

/** Fetches every list shown again (as many items as each shows), then polls on or stops. */
export async function refreshAll() {
  if (timer) clearTimeout(timer);
  timer = null;
  await Promise.all(
    LISTS.filter((l) => l.loaded).map((l) =>
      fetchList(l, { limit: Math.min(MAX_LIMIT, Math.max(pageSize, l.items.length)) })),
  );
  schedule();
}

/** Loads every list's first page and wires the buttons; `openJob(id)`, `openRun(id)`. */
export function startLists(options) {
  hooks = options;
  const size = Number(new URLSearchParams(location.search).get("page_size"));
  if (Number.isInteger(size) && size >= 1 && size <= MAX_LIMIT) pageSize = size;
  for (const l of LISTS) {
    $(`${l.name}-more`).addEventListener("click", async () => {
      await fetchList(l, { more: true });
      schedule();
    });
  }
  for (const id of ["jobs-kind", "jobs-state"]) {
    $(id).addEventListener("change", async () => {
      await fetchList(LISTS[0]);
      schedule();
    });
  }
  $("refresh-lists").addEventListener("click", () => {
    rounds = 0;
    refreshAll();
  });
  Promise.all(LISTS.map((l) => fetchList(l))).then(schedule);
}
