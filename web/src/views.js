/**
 * The view model: what the page draws, built from either answer.
 *
 * `{title, geo, figures: [[label, text]], effort: [[label, text]] | null,
 *   depots: [{id, at}], routes: [{label, colour, distance, duration, load, line, start, end,
 *   stops: [{id, at, arrival, start, departure, window, windowStart, windowEnd}],
 *   breaks: [{id, after, start, end}]}],
 *   unserved: [{id, reason, at}], plan: result | null}`
 * where `at` is `[lat, lng]` (or `[y, x]` on a planar map) or null, times are the
 * answer's (seconds since midnight with roads and for plans), and `start`/`end` of a route
 * are when it leaves and is back (known for plans only).
 *
 * A routing answer's windows come from the problem the page sent; a plan's from the loaded
 * scenario's orders (`GET /v1/scenario/orders`), used only when the plan was made from
 * that scenario (a stored plan may come from a server started on another).
 */
import { clock, span, num, metres } from "./dom.js";

export const COLOURS = [
  "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
  "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
];

const windowText = (start, end) =>
  typeof start === "number" && typeof end === "number" ? `${clock(start)}–${clock(end)}` : "";

export function fromRoutesAnswer(problem, answer, roads) {
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
      const w = s.time_window || {};
      return {
        id: v.id,
        at: at(s.location),
        arrival: v.arrival,
        start: v.start,
        departure: v.departure,
        window: roads ? windowText(w.start, w.end) : w.start !== undefined ? `${w.start}–${w.end}` : "",
        windowStart: w.start,
        windowEnd: w.end,
      };
    });
    const load = (vehicle.capacity || []).map((_, k) =>
      r.stops.reduce((sum, v) => sum + (((stopsById.get(v.id) || {}).demand || [])[k] || 0), 0),
    );
    const start = depotAt.get(String(vehicle.start_depot));
    const end = depotAt.get(String(vehicle.end_depot ?? vehicle.start_depot));
    const straight = [start, ...stops.map((s) => s.at), end].filter(Boolean);
    return {
      label: `${r.vehicle_type} ${r.vehicle}`,
      colour: COLOURS[i % COLOURS.length],
      distance: distance(r.distance),
      duration: span(r.duration),
      load: `${load.join(", ")} / ${(vehicle.capacity || []).join(", ")}`,
      line: lines.get(`${r.vehicle_type}#${r.vehicle}`) || straight,
      start: null,
      end: null,
      stops,
      breaks: (r.breaks || []).map((b) => ({ id: String(b.id), after: b.after, start: b.start, end: b.end })),
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
    plan: null,
  };
}

/** A value of an unserved order's reason, as text (numbers to 1 decimal). */
function detail(v) {
  if (v && typeof v === "object") {
    return Object.entries(v).map(([k, x]) => `${k} ${detail(x)}`).join(", ");
  }
  return typeof v === "number" ? num(v, 1) : String(v);
}

/** Why a plan left an order out: its code, then the reason's other fields, then the station. */
export function planReason(u) {
  const r = u.reason;
  let text;
  if (r && typeof r === "object" && "code" in r) {
    const rest = Object.entries(r).filter(([k]) => k !== "code");
    text = rest.length ? `${r.code} (${rest.map(([k, x]) => `${k} ${detail(x)}`).join(", ")})` : String(r.code);
  } else {
    text = JSON.stringify(r);
  }
  return u.station ? `${text}, station ${u.station}` : text;
}

/**
 * A succeeded plan job's routes, every station's on one map; `orders` maps an order id to
 * the scenario's order (window, place), or is null when the plan is not of the loaded
 * scenario.
 */
export function fromPlanJob(job, orders) {
  const result = job.result;
  const routing = result.routing;
  const order = (id) => (orders && orders.get(String(id))) || null;
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
        start: r.start_s,
        end: r.end_s,
        breaks: (r.breaks || []).map((b) => ({ id: String(b.id), after: b.after, start: b.start_s, end: b.end_s })),
        stops: r.stops.map((v) => {
          const o = order(v.order) || {};
          return {
            id: String(v.order),
            at: [v.lat, v.lon],
            arrival: v.arrival_s,
            start: v.start_s,
            departure: v.departure_s,
            window: windowText(o.window_start_s, o.window_end_s),
            windowStart: o.window_start_s,
            windowEnd: o.window_end_s,
          };
        }),
      });
    }
  }
  return {
    title: `plan of ${result.scenario} (job ${job.id})`,
    geo: true,
    figures: [
      ["orders served", `${routing.served} of ${routing.orders}`],
      ["vehicles", String(routing.vehicles)],
      ["distance", `${num(routing.distance_km, 2)} km`],
      ["cost", `${num(routing.cost, 2)} ${result.currency}`],
      ["seed", String(result.seed)],
      ["windows", orders ? "from the scenario's orders" : "not shown: the plan is not of the loaded scenario"],
    ],
    effort: [["iterations per station (budget)", String(routing.max_iterations)]],
    depots,
    routes,
    unserved: routing.unserved.map((u) => {
      const o = order(u.order);
      return { id: String(u.order), reason: planReason(u), at: o ? [o.lat, o.lon] : null };
    }),
    plan: result,
  };
}
