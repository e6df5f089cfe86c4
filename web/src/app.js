/**
 * The planner's page: the whole day on one screen.
 *
 * - On the left, three tabs: the lists of jobs, plans and forecast runs with live progress
 *   and cancel (lists.js), a routing problem to solve (`POST /v1/routes`), and the
 *   experiments with their verdicts; below them the opened view's figures, its vehicles
 *   (the legend) and its unserved stops with their reasons.
 * - On the right, the map (map.js) and under it four tabs: the selected route's timeline
 *   (timeline.js), the step list per route, and for a plan its stock by centre with shadow
 *   prices (stock.js) and its forecasts per SKU and zone with their bands (forecast.js);
 *   for a picks job (`POST /v1/picks`) the building with its velocity heat and a batch's
 *   pick path (warehouse.js).
 *
 * Why Leaflet and not MapLibre GL JS: Leaflet draws with SVG and plain DOM elements, no
 * WebGL, so the page works in headless Chromium (the tests, CI) and on machines without a
 * GPU; its `CRS.Simple` draws planar `[x, y]` problems with the same code as `[lon, lat]`
 * ones; raster OpenStreetMap tiles are one optional layer, and everything else draws on a
 * blank background when they fail to load (offline, or no tile server reachable). It is
 * small and BSD-2-Clause licensed (see /ui/licenses.txt). The charts (timeline, forecast
 * band) are a few SVG shapes each, drawn by the page's own code: no charting library.
 *
 * Everything the server sends is put into the page as text (`textContent`, DOM nodes),
 * never as HTML: stop ids come from the client's own problem, but they are still data.
 * Every API error is shown with its status, code, field and message.
 *
 * Units: with `roads=true` (and for plans) distances are metres and times seconds since
 * midnight; times are shown as HH:MM rounded to the nearest minute (as the report does).
 * A planar problem's distances are in its own unit and its times are read as seconds.
 */
import "leaflet/dist/leaflet.css";
import "./app.css";
import { $, h, call, clock, minutes, showError, clearError } from "./dom.js";
import { fromRoutesAnswer, fromPlanJob } from "./views.js";
import { drawMap, highlight, resized } from "./map.js";
import { timeline } from "./timeline.js";
import { stockPanel } from "./stock.js";
import { openForecast } from "./forecast.js";
import { startLists, refreshAll } from "./lists.js";
import { warehousePanel } from "./warehouse.js";

const POLL_MS = 1000;
/** A job followed for at most this many polls (ten minutes), then the page stops asking. */
const MAX_JOB_POLLS = 600;
/** Most pages of the scenario's orders read (of 10,000 each). */
const MAX_ORDER_PAGES = 100;

// ---------------------------------------------------------------- tabs

function tabs(selector, onShow) {
  const buttons = [...document.querySelectorAll(selector)];
  const show = (asked) => {
    const name = buttons.some((b) => b.dataset.tab === asked) ? asked : buttons[0].dataset.tab;
    for (const b of buttons) {
      const on = b.dataset.tab === name;
      b.classList.toggle("active", on);
      b.setAttribute("aria-selected", String(on));
      $(b.getAttribute("aria-controls")).hidden = !on;
    }
    if (onShow) onShow(name);
  };
  for (const b of buttons) b.addEventListener("click", () => show(b.dataset.tab));
  return show;
}

let showSide = () => {};
let showDetail = () => {};

// ---------------------------------------------------------------- the opened view

let view = null;

function select(i) {
  document.querySelectorAll(".legend-item, .route-steps").forEach((el) => {
    el.classList.toggle("selected", el.dataset.route === String(i));
  });
  highlight(i);
  const r = view && view.routes[i];
  if (r) {
    $("timeline").replaceChildren(timeline(r, view.geo));
    $("timeline").dataset.route = String(i);
  }
  const steps = document.querySelector(`.route-steps[data-route="${i}"]`);
  if (steps && !$("steps-box").hidden) steps.scrollIntoView({ block: "nearest" });
}

function fill(dl, pairs) {
  dl.replaceChildren(...pairs.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { data: { k } }, v)]));
}

function render(next) {
  view = next;
  clearError();
  $("summary").hidden = false;
  fill($("figures"), [["problem", view.title], ...view.figures]);
  fill($("effort"), view.effort || []);
  $("legend-box").hidden = false;
  $("legend").replaceChildren(
    ...view.routes.map((r, i) => {
      const swatch = h("span", { class: "swatch" });
      swatch.style.backgroundColor = r.colour;
      return h(
        "li",
        { class: "legend-item", data: { route: String(i) }, tabindex: "0", onclick: () => select(i) },
        swatch,
        h("b", { class: "vehicle" }, r.label),
        " ",
        h("span", { data: { k: "distance" } }, r.distance),
        " · ",
        h("span", { data: { k: "duration" } }, r.duration),
        " · load ",
        h("span", { data: { k: "load" } }, r.load),
        " · ",
        h("span", { data: { k: "stops" } }, String(r.stops.length)),
        " stops",
      );
    }),
  );
  $("unserved-box").hidden = view.unserved.length === 0;
  $("unserved-count").textContent = String(view.unserved.length);
  $("unserved").replaceChildren(
    ...view.unserved.map((u) =>
      h("li", { class: "unserved-item" }, h("b", {}, u.id), ": ", h("span", { class: "reason" }, u.reason)),
    ),
  );
  $("details").hidden = false;
  $("steps").replaceChildren(...view.routes.map(stepTable));
  $("timeline").replaceChildren(
    h("p", { class: "hint" }, view.routes.length
      ? "Click a route (in the legend, on the map or in the step list) to see its timeline."
      : "No routes."),
  );
  delete $("timeline").dataset.route;
  const plan = view.plan;
  $("dtab-stock").hidden = !plan;
  $("dtab-forecast").hidden = !plan;
  if (plan) {
    $("stock").replaceChildren(...stockPanel(plan));
    openForecast(plan.forecast.run_id, plan);
  }
  showDetail("timeline");
  drawMap(view, $("tiles").checked, select);
}

function stepTable(r, i) {
  const swatch = h("span", { class: "swatch" });
  swatch.style.backgroundColor = r.colour;
  const head = h(
    "tr",
    {},
    ["#", "stop", "window", "arrival", "waiting", "service", "departure"].map((c) => h("th", {}, c)),
  );
  const rows = r.stops.map((s, k) =>
    h(
      "tr",
      { class: "step" },
      h("td", {}, String(k + 1)),
      h("td", {}, s.id),
      h("td", {}, s.window),
      h("td", { data: { k: "arrival" } }, clock(s.arrival)),
      h("td", { data: { k: "waiting" } }, minutes(s.start - s.arrival)),
      h("td", { data: { k: "service" } }, minutes(s.departure - s.start)),
      h("td", { data: { k: "departure" } }, clock(s.departure)),
    ),
  );
  return h(
    "section",
    { class: "route-steps", data: { route: String(i) } },
    h("h3", { onclick: () => select(i) }, swatch, r.label),
    h("table", {}, h("thead", {}, head), h("tbody", {}, rows)),
  );
}

// ---------------------------------------------------------------- talking to the API

function status(text) {
  $("status").textContent = text;
}

async function solve(event) {
  event.preventDefault();
  stopPolling();
  const text = $("problem").value;
  const roads = $("roads").checked;
  const url = roads ? "/v1/routes?roads=true&geometry=true" : "/v1/routes";
  $("solve").disabled = true;
  status("Solving…");
  // The text goes to the server as it is: a malformed problem gets the API's own error.
  const r = await call(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: text,
  });
  $("solve").disabled = false;
  if (!r.ok || !r.body) {
    status("");
    showError(r.status, r.body, r.text);
    return;
  }
  status(`Solved: ${r.body.routes.length} routes, ${r.body.unserved.length} unserved.`);
  render(fromRoutesAnswer(JSON.parse(text), r.body, roads));
}

/** The loaded scenario's orders by id (`GET /v1/scenario/orders`, every page), once. */
let ordersOnce = null;

function scenarioOrders() {
  if (!ordersOnce) {
    ordersOnce = (async () => {
      const byId = new Map();
      let scenario = null;
      for (let page = 0, offset = 0; page < MAX_ORDER_PAGES; page += 1) {
        const r = await call(`/v1/scenario/orders?limit=10000&offset=${offset}`);
        if (!r.ok || !r.body) return null;
        scenario = r.body.scenario;
        for (const o of r.body.items) byId.set(String(o.id), o);
        offset += r.body.items.length;
        if (r.body.items.length === 0 || offset >= r.body.total) break;
      }
      return { scenario, byId };
    })();
  }
  return ordersOnce;
}

let poll = null;
let polls = 0;

function stopPolling() {
  if (poll) clearTimeout(poll);
  poll = null;
  polls = 0;
}

/** Opens the job named in `#job-id`; `following`: a poll of the job already open. */
async function openJob(event, following = false) {
  if (event) event.preventDefault();
  if (poll) clearTimeout(poll);
  poll = null;
  if (!following) polls = 0;
  const id = $("job-id").value.trim();
  if (!id) return;
  const r = await call(`/v1/jobs/${encodeURIComponent(id)}`);
  if (!r.ok || !r.body) {
    status("");
    showError(r.status, r.body, r.text);
    return;
  }
  const job = r.body;
  const p = job.progress || {};
  const done = ["succeeded", "failed", "cancelled"].includes(job.state);
  const progress = p.total ? ` ${p.done}/${p.total}` : "";
  const box = $("status");
  // (replaceChildren writes a null as the text "null": the button only while it runs.)
  box.replaceChildren(
    h("span", { class: "job-state" }, `Job ${job.id} (${job.kind}): ${job.state}`),
    `${p.phase ? `, ${p.phase}` : ""}${progress}`,
    ...(done ? [] : [h("button", { type: "button", id: "cancel-job", onclick: () => cancelJob(job.id) }, "Cancel")]),
  );
  if (job.state === "failed" || job.state === "cancelled") {
    const e = job.error || {};
    showError(null, { error: { code: e.code, message: e.message } }, `job ${job.state}`);
    return;
  }
  if (!done) {
    polls += 1;
    if (polls < MAX_JOB_POLLS) poll = setTimeout(() => openJob(null, true), POLL_MS);
    else box.append(" — no longer followed (ten minutes); open it again to refresh.");
    return;
  }
  polls = 0;
  if (job.kind === "plan" && job.result && job.result.routing) {
    const orders = await scenarioOrders();
    const ofThisScenario = orders && orders.scenario === job.result.scenario ? orders.byId : null;
    render(fromPlanJob(job, ofThisScenario));
  } else if (job.kind === "picks" && job.result && job.result.view) {
    $("details").hidden = false;
    $("dtab-warehouse").hidden = false;
    $("warehouse").replaceChildren(...warehousePanel(job.result));
    showDetail("warehouse");
  } else {
    box.append(" — this kind of job has no routes to draw; its result is at ", h("a", { href: job.href }, job.href));
  }
}

async function cancelJob(id) {
  const r = await call(`/v1/jobs/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (!r.ok) showError(r.status, r.body, r.text);
  openJob(null);
  refreshAll();
}

function openById(id) {
  $("job-id").value = id;
  openJob(null);
}

/** A forecast run opened from the list: its panel alone, the rest of the view unchanged. */
function openRun(id) {
  $("details").hidden = false;
  $("dtab-forecast").hidden = false;
  showDetail("forecast");
  openForecast(id, null);
}

async function loadExample() {
  const r = await call("/ui/example.json");
  if (!r.ok) {
    showError(r.status, r.body, r.text);
    return;
  }
  $("problem").value = r.text;
  $("roads").checked = true;
}

function loadFile() {
  const file = $("problem-file").files[0];
  if (!file) return;
  file.text().then((text) => {
    $("problem").value = text;
  });
}

function start() {
  const query = new URLSearchParams(location.search);
  if (query.get("tiles") === "off") $("tiles").checked = false;
  showSide = tabs(".side-tab");
  showDetail = tabs(".detail-tab", resized);
  showSide(query.get("tab") || "lists");
  $("problem-form").addEventListener("submit", solve);
  $("job-form").addEventListener("submit", openJob);
  $("load-example").addEventListener("click", loadExample);
  $("problem-file").addEventListener("change", loadFile);
  startLists({ openJob: openById, openRun });
  const job = query.get("job");
  if (job) {
    $("job-id").value = job;
    openJob(null);
  }
}

start();
