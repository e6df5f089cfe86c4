/**
 * The planner's page: submits a routing problem to `POST /v1/routes` (or opens a plan job
 * at `GET /v1/jobs/{id}`) and shows the answer: routes on a map over the scenario's own
 * streets (`GET /v1/scenario/roads`), numbered stops, a legend per vehicle, a step list per
 * route, the unserved stops and the search effort.
 *
 * Why Leaflet and not MapLibre GL JS: Leaflet draws with SVG and plain DOM elements, no
 * WebGL, so the page works in headless Chromium (the tests, CI) and on machines without a
 * GPU; its `CRS.Simple` draws planar `[x, y]` problems with the same code as `[lon, lat]`
 * ones; raster OpenStreetMap tiles are one optional layer, and everything else draws on a
 * blank background when they fail to load (offline, or no tile server reachable). It is
 * small (the bundle, Leaflet and this file, is 161 KB minified, 48 KB with gzip -9)
 * and BSD-2-Clause licensed (see /ui/licenses.txt).
 *
 * Everything the server sends is put into the page as text (`textContent`, DOM nodes),
 * never as HTML: stop ids come from the client's own problem, but they are still data.
 * Every API error is shown with its status, code, field and message.
 *
 * Units: with `roads=true` (and for plans) distances are metres and times seconds since
 * midnight; times are shown as HH:MM rounded to the nearest minute (as the report does).
 * A planar problem's distances are in its own unit and its times are read as seconds.
 */
import * as L from "leaflet";
import "leaflet/dist/leaflet.css";
import "./app.css";

const COLOURS = [
  "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
  "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
];
const TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const OSM_ATTRIBUTION =
  '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
const POLL_MS = 1000;

const $ = (id) => document.getElementById(id);

/** Builds an element; string children become text nodes, never HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "class") el.className = v;
    else if (k === "data") for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = dv;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const pad = (n) => String(n).padStart(2, "0");

/** Seconds since midnight as HH:MM, rounded to the nearest minute. */
function clock(seconds) {
  const m = Math.max(0, Math.round(seconds / 60));
  return `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** A span of seconds as H:MM h, rounded to the nearest minute. */
function span(seconds) {
  const m = Math.max(0, Math.round(seconds / 60));
  return `${Math.floor(m / 60)}:${pad(m % 60)} h`;
}

/** A short span of seconds in whole minutes. */
function minutes(seconds) {
  return `${Math.max(0, Math.round(seconds / 60))} min`;
}

/** A number with `digits` decimals; "–" for what JSON could not carry (null for infinity). */
function num(x, digits) {
  return typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "–";
}

function metres(m) {
  return `${num(m / 1000, 2)} km`;
}

// ---------------------------------------------------------------- the view model

/**
 * What the page draws, from either source:
 * `{title, geo, figures: [[label, text]], effort: [[label, text]] | null,
 *   depots: [{id, at}], routes: [{label, colour, distance, duration, load, line,
 *   stops: [{id, at, arrival, start, departure, window}]}], unserved: [{id, reason, at}]}`
 * where `at` is `[lat, lng]` (or `[y, x]` on a planar map) or null.
 */
function fromRoutesAnswer(problem, answer, roads) {
  const points = (problem.locations && problem.locations.coordinates) || null;
  // [x, y] or [lon, lat] -> Leaflet's [lat, lng] (a planar map reads it as [y, x]).
  const at = (location) => {
    const p = points && points[location];
    return Array.isArray(p) && p.length === 2 ? [p[1], p[0]] : null;
  };
  const stopsById = new Map((problem.stops || []).map((s) => [String(s.id), s]));
  const vehicleById = new Map((problem.vehicles || []).map((v) => [String(v.id), v]));
  const distance = roads ? metres : (d) => `${num(d, 1)} (problem units)`;
  const lines = new Map();
  for (const f of (answer.geometry && answer.geometry.features) || []) {
    const p = f.properties || {};
    if (p.kind === "route" && f.geometry && f.geometry.type === "LineString") {
      lines.set(`${p.vehicle_type}#${p.vehicle}`, f.geometry.coordinates.map(([x, y]) => [y, x]));
    }
  }
  const depots = (problem.depots || []).map((d) => ({ id: String(d.id), at: at(d.location) }));
  const depotAt = new Map(depots.map((d) => [d.id, d.at]));
  const routes = answer.routes.map((r, i) => {
    const vehicle = vehicleById.get(r.vehicle_type) || {};
    const stops = r.stops.map((v) => {
      const s = stopsById.get(v.id) || {};
      const w = s.time_window;
      return {
        id: v.id,
        at: at(s.location),
        arrival: v.arrival,
        start: v.start,
        departure: v.departure,
        window: w ? `${clock(w.start)}–${clock(w.end)}` : "",
      };
    });
    const load = (vehicle.capacity || []).map((_, k) =>
      r.stops.reduce((sum, v) => sum + (((stopsById.get(v.id) || {}).demand || [])[k] || 0), 0),
    );
    const start = depotAt.get(String(vehicle.start_depot));
    const end = depotAt.get(String(vehicle.end_depot ?? vehicle.start_depot));
    const straight = [start, ...stops.map((s) => s.at), end].filter(Boolean);
    return {
      label: `${r.vehicle_type} ${r.vehicle + 1}`,
      colour: COLOURS[i % COLOURS.length],
      distance: distance(r.distance),
      duration: span(r.duration),
      load: `${load.join(", ")} / ${(vehicle.capacity || []).join(", ")}`,
      line: lines.get(`${r.vehicle_type}#${r.vehicle}`) || straight,
      stops,
    };
  });
  const e = answer.effort || {};
  return {
    title: answer.name || "routing problem",
    geo: Boolean(roads),
    figures: [
      ["feasible", answer.feasible ? "yes" : "no"],
      ["cost", num(answer.cost, 2)],
      ["distance", distance(answer.distance)],
      ["vehicles", String(answer.vehicles)],
      ["unserved penalty", num(answer.unserved_penalty, 2)],
      ["answered in", `${num(answer.seconds, 2)} s`],
    ],
    effort: [
      ["iterations", String(e.iterations)],
      ["stop reason", String(e.stop_reason)],
      ["degraded", e.degraded ? "yes: only the first plan" : "no"],
      ["queued", `${num(e.queued_s, 2)} s`],
      ["searched", `${num(e.searched_s, 2)} s`],
    ],
    depots,
    routes,
    unserved: answer.unserved.map((u) => ({
      id: u.id,
      reason: u.reason,
      at: at((stopsById.get(u.id) || {}).location),
    })),
  };
}

/** A succeeded plan job's routes, every station's on one map. */
function fromPlanJob(job) {
  const routing = job.result.routing;
  const depots = routing.stations.map((s) => ({ id: String(s.station), at: [s.lat, s.lon] }));
  const routes = [];
  for (const station of routing.stations) {
    for (const r of station.routes) {
      routes.push({
        // A plan numbers its vehicles from 1 already (plan.json, like every output).
        label: `${station.station} · ${r.vehicle_type} ${r.vehicle}`,
        colour: COLOURS[routes.length % COLOURS.length],
        distance: `${num(r.distance_km, 2)} km`,
        duration: span(r.end_s - r.start_s),
        load: `${num(r.weight_kg, 1)} kg, ${num(r.load_pct, 0)} %`,
        line: r.path.map(([lon, lat]) => [lat, lon]),
        stops: r.stops.map((v) => ({
          id: String(v.order),
          at: [v.lat, v.lon],
          arrival: v.arrival_s,
          start: v.start_s,
          departure: v.departure_s,
          window: "",
        })),
      });
    }
  }
  const reason = (r) => (r && typeof r === "object" && "code" in r ? r.code : JSON.stringify(r));
  return {
    title: `plan of ${job.result.scenario} (job ${job.id})`,
    geo: true,
    figures: [
      ["orders served", `${routing.served} of ${routing.orders}`],
      ["vehicles", String(routing.vehicles)],
      ["distance", `${num(routing.distance_km, 2)} km`],
      ["cost", num(routing.cost, 2)],
      ["seed", String(job.result.seed)],
    ],
    effort: [["iterations per station (budget)", String(routing.max_iterations)]],
    depots,
    routes,
    unserved: routing.unserved.map((u) => ({
      id: String(u.order),
      reason: reason(u.reason),
      at: null,
    })),
  };
}

// ---------------------------------------------------------------- drawing

let map = null;
let routeLayers = [];
/** The scenario's roads (`GET /v1/scenario/roads`), fetched once: the GeoJSON or null. */
let roadsOnce = null;

function scenarioRoads() {
  if (!roadsOnce) {
    roadsOnce = fetch("/v1/scenario/roads", { headers: { accept: "application/geo+json" } })
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);
  }
  return roadsOnce;
}

/**
 * The base map: the loaded scenario's own streets, drawn under the routes (no tile server
 * is needed). A server without a scenario (422) or whose scenario has no roads (404): no base map.
 */
function drawRoads(target) {
  scenarioRoads().then((roads) => {
    if (!roads || map !== target) return;
    const layer = L.geoJSON(roads, {
      interactive: false,
      style: { color: "#9aa0a6", weight: 1.2, opacity: 0.9, className: "road-base" },
    }).addTo(target);
    layer.bringToBack();
    target.getContainer().dataset.roads = "drawn";
  });
}

function marker(at, className, text, colour, tip) {
  const el = h("span", {}, text);
  if (colour) el.style.backgroundColor = colour;
  const icon = L.divIcon({ className, html: el, iconSize: [22, 22], iconAnchor: [11, 11] });
  return L.marker(at, { icon, keyboard: false }).bindTooltip(h("span", {}, tip));
}

function drawMap(view) {
  if (map) map.remove();
  map = null;
  routeLayers = [];
  const note = $("map-note");
  note.hidden = true;
  const anywhere = [
    ...view.depots.map((d) => d.at),
    ...view.routes.flatMap((r) => [...r.line, ...r.stops.map((s) => s.at)]),
    ...view.unserved.map((u) => u.at),
  ].filter(Boolean);
  if (anywhere.length === 0) {
    note.textContent = "This problem has no coordinates (a matrix problem): no map to draw.";
    note.hidden = false;
    return;
  }
  const options = view.geo
    ? { zoomSnap: 0.25 }
    : { crs: L.CRS.Simple, minZoom: -20, maxZoom: 20, zoomSnap: 0.25 };
  map = L.map("map", options);
  if (view.geo) {
    map.attributionControl.addAttribution(OSM_ATTRIBUTION);
    drawRoads(map);
    if ($("tiles").checked) {
      let warned = false;
      L.tileLayer(TILE_URL, { maxZoom: 19 })
        .on("tileerror", () => {
          if (warned) return;
          warned = true;
          note.textContent = "Map tiles could not be loaded: the routes are drawn without a base map.";
          note.hidden = false;
        })
        .addTo(map);
    }
  }
  view.routes.forEach((r, i) => {
    const group = L.featureGroup();
    if (r.line.length >= 2) {
      L.polyline(r.line, { color: r.colour, weight: 4, opacity: 0.85, className: "route-line" })
        .on("click", () => select(i))
        .addTo(group);
    }
    r.stops.forEach((s, k) => {
      if (!s.at) return;
      const tip = `${r.label}, stop ${k + 1}: ${s.id}, arrival ${clock(s.arrival)}`;
      marker(s.at, "stop-marker", String(k + 1), r.colour, tip)
        .on("click", () => select(i))
        .addTo(group);
    });
    group.addTo(map);
    routeLayers.push(group);
  });
  for (const d of view.depots) {
    if (d.at) marker(d.at, "depot-marker", "D", null, `depot ${d.id}`).addTo(map);
  }
  for (const u of view.unserved) {
    if (u.at) marker(u.at, "unserved-marker", "×", null, `${u.id}: unserved (${u.reason})`).addTo(map);
  }
  // The routes and depots fill the map; an unserved stop far away (at sea, off the roads)
  // may lie outside it, it is listed beside the map anyway.
  const served = [
    ...view.depots.map((d) => d.at),
    ...view.routes.flatMap((r) => [...r.line, ...r.stops.map((s) => s.at)]),
  ].filter(Boolean);
  const bounds = L.latLngBounds(served.length > 0 ? served : anywhere);
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: view.geo ? 17 : 20 });
}

function select(i) {
  document.querySelectorAll(".legend-item, .route-steps").forEach((el) => {
    el.classList.toggle("selected", el.dataset.route === String(i));
  });
  routeLayers.forEach((g, k) => {
    g.eachLayer((l) => {
      if (l instanceof L.Polyline) l.setStyle({ weight: k === i ? 7 : 4, opacity: k === i ? 1 : 0.35 });
    });
    if (k === i) g.bringToFront();
  });
  const steps = document.querySelector(`.route-steps[data-route="${i}"]`);
  if (steps) steps.scrollIntoView({ block: "nearest" });
}

function fill(dl, pairs) {
  dl.replaceChildren(
    ...pairs.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { data: { k } }, v)]),
  );
}

function render(view) {
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
  $("unserved").replaceChildren(
    ...view.unserved.map((u) =>
      h("li", { class: "unserved-item" }, h("b", {}, u.id), ": ", h("span", { class: "reason" }, u.reason)),
    ),
  );
  $("steps-box").hidden = view.routes.length === 0;
  $("steps").replaceChildren(...view.routes.map(stepTable));
  drawMap(view);
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

function clearError() {
  $("error").hidden = true;
  $("error").replaceChildren();
}

/** Shows an API error: its status, code, field and message, as the server sent them. */
function showError(status, body, fallback) {
  const e = body && body.error;
  const box = $("error");
  box.replaceChildren(
    h("h2", {}, `Error${status ? ` ${status}` : ""}${e && e.code ? `: ${e.code}` : ""}`),
    h("p", { class: "message" }, e && e.message ? e.message : fallback || "no message"),
    e && e.field ? h("p", { class: "field" }, "field: ", h("code", {}, e.field)) : null,
  );
  box.hidden = false;
}

function status(text) {
  $("status").textContent = text;
}

/** fetch + JSON; returns `{ok, status, body, text}` and never throws. */
async function call(url, init) {
  try {
    const r = await fetch(url, init);
    const text = await r.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { ok: r.ok, status: r.status, body, text };
  } catch (err) {
    return { ok: false, status: 0, body: null, text: `network error: ${err.message}` };
  }
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

let poll = null;

function stopPolling() {
  if (poll) clearTimeout(poll);
  poll = null;
}

async function openJob(event) {
  if (event) event.preventDefault();
  stopPolling();
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
  box.replaceChildren(
    h("span", { class: "job-state" }, `Job ${job.id} (${job.kind}): ${job.state}`),
    `${p.phase ? `, ${p.phase}` : ""}${progress}`,
    done ? null : h("button", { type: "button", id: "cancel-job", onclick: () => cancelJob(job.id) }, "Cancel"),
  );
  if (job.state === "failed" || job.state === "cancelled") {
    const e = job.error || {};
    showError(null, { error: { code: e.code, message: e.message } }, `job ${job.state}`);
    return;
  }
  if (!done) {
    poll = setTimeout(() => openJob(null), POLL_MS);
    return;
  }
  if (job.kind === "plan" && job.result && job.result.routing) {
    render(fromPlanJob(job));
  } else {
    box.append(" — this kind of job has no routes to draw; its result is at ", h("a", { href: job.href }, job.href));
  }
}

async function cancelJob(id) {
  const r = await call(`/v1/jobs/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (!r.ok) showError(r.status, r.body, r.text);
  openJob(null);
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
  $("problem-form").addEventListener("submit", solve);
  $("job-form").addEventListener("submit", openJob);
  $("load-example").addEventListener("click", loadExample);
  $("problem-file").addEventListener("change", loadFile);
  const job = query.get("job");
  if (job) {
    $("job-id").value = job;
    openJob(null);
  }
}

start();
