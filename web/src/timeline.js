/**
 * The selected route's timeline: one horizontal time axis, one row per stop in visit
 * order, and on each row the stop's delivery window (pale), the wait from arrival to the
 * service start (hatched), the service from start to departure (the route's colour) and the
 * arrival (a tick). A plan's route gets a first row from leaving the station to coming back.
 *
 * Plain SVG, a few rects per stop: no charting library is worth bundling for that. Each
 * shape carries the seconds it was drawn from (`data-from-s`, `data-to-s`) and the svg its
 * scale (`data-t0-s`, `data-px-per-s`, `data-left-px`), so the page test checks every
 * shape against the JSON answer. Driver breaks get a row of their own under the route's
 * (one bar per break, from its start to its end); a route without breaks has no such row.
 *
 * Units: seconds since midnight shown as HH:MM (plans, `roads=true`); a planar problem's
 * times are in its own unit and shown as plain numbers.
 */
import { h, svg, clock, minutes, num } from "./dom.js";

const WIDTH = 1000;
const LEFT = 150;
const RIGHT = 24;
const ROW = 20;
const AXIS = 22;

/**
 * `route`: `{label, colour, start, end, stops: [{id, arrival, start, departure, windowStart,
 * windowEnd}], breaks: [{id, after, start, end}]}` (start, end and the window may be null);
 * `geo`: times are seconds of a day.
 */
export function timeline(route, geo) {
  const at = geo ? clock : (t) => num(t, 1);
  const long = geo ? minutes : (t) => `${num(t, 1)} time units`;
  const times = [route.start, route.end];
  const breaks = route.breaks || [];
  for (const s of route.stops) times.push(s.arrival, s.start, s.departure, s.windowStart, s.windowEnd);
  for (const b of breaks) times.push(b.start, b.end);
  const known = times.filter((t) => typeof t === "number" && Number.isFinite(t));
  if (known.length === 0) return h("p", {}, "This route has no times to draw.");
  const step = geo ? 3600 : niceStep(Math.max(...known) - Math.min(...known));
  const t0 = Math.floor(Math.min(...known) / step) * step;
  const t1 = Math.max(t0 + step, Math.ceil(Math.max(...known) / step) * step);
  const scale = (WIDTH - LEFT - RIGHT) / (t1 - t0);
  const x = (t) => LEFT + (t - t0) * scale;
  const hasRoute = typeof route.start === "number" && typeof route.end === "number";
  const rows = route.stops.length + (hasRoute ? 1 : 0) + (breaks.length ? 1 : 0);
  const height = AXIS + rows * ROW + 4;
  const root = svg("svg", {
    class: "timeline",
    viewBox: `0 0 ${WIDTH} ${height}`,
    width: "100%",
    role: "img",
    "aria-label": `timeline of ${route.label}`,
    data: { t0S: String(t0), pxPerS: String(scale), leftPx: String(LEFT) },
  });
  root.append(
    svg("defs", {},
      svg("pattern", { id: "wait-hatch", width: "6", height: "6", patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
        svg("rect", { width: "6", height: "6", fill: "#fff3e0" }),
        svg("line", { x1: "0", y1: "0", x2: "0", y2: "6", stroke: "#ef6c00", "stroke-width": "2" }))),
  );
  for (let t = t0; t <= t1; t += step) {
    root.append(
      svg("line", { class: "tl-grid", x1: x(t), x2: x(t), y1: AXIS - 4, y2: height }),
      svg("text", { class: "tl-tick", x: x(t), y: AXIS - 8, "text-anchor": "middle" }, at(t)),
    );
  }
  const bar = (cls, from, to, y, tip) => {
    const w = Math.max(0, (to - from) * scale);
    return svg("rect", {
      class: cls, x: x(from), y, width: w, height: ROW - 6,
      data: { fromS: String(from), toS: String(to) },
    }, svg("title", {}, tip));
  };
  let y = AXIS;
  if (hasRoute) {
    root.append(
      svg("text", { class: "tl-label", x: LEFT - 6, y: y + ROW / 2 + 4, "text-anchor": "end" }, "on the road"),
      bar("tl-route", route.start, route.end, y + 3,
        `${route.label}: leaves ${at(route.start)}, back ${at(route.end)}`),
    );
    y += ROW;
  }
  if (breaks.length) {
    const row = svg("g", { class: "tl-breaks" },
      svg("text", { class: "tl-label", x: LEFT - 6, y: y + ROW / 2 + 4, "text-anchor": "end" }, "breaks"));
    for (const b of breaks) {
      const where = b.after === 0 ? "before the first stop" : `after stop ${b.after}`;
      row.append(bar("tl-break", b.start, b.end, y + 3,
        `${route.label}: break ${b.id} ${at(b.start)}–${at(b.end)} (${long(b.end - b.start)}), ${where}`));
    }
    root.append(row);
    y += ROW;
  }
  route.stops.forEach((s, k) => {
    const row = svg("g", { class: "tl-stop", data: { stop: String(k) } },
      svg("text", { class: "tl-label", x: LEFT - 6, y: y + ROW / 2 + 4, "text-anchor": "end" }, `${k + 1}. ${s.id}`));
    if (typeof s.windowStart === "number" && typeof s.windowEnd === "number") {
      row.append(bar("tl-window", s.windowStart, s.windowEnd, y + 1,
        `${s.id}: window ${at(s.windowStart)}–${at(s.windowEnd)}`));
    }
    if (s.start > s.arrival) {
      row.append(bar("tl-wait", s.arrival, s.start, y + 3,
        `${s.id}: waits ${long(s.start - s.arrival)} (${at(s.arrival)}–${at(s.start)})`));
    }
    const service = bar("tl-service", s.start, s.departure, y + 3,
      `${s.id}: service ${at(s.start)}–${at(s.departure)} (${long(s.departure - s.start)})`);
    service.setAttribute("fill", route.colour);
    row.append(
      service,
      svg("line", { class: "tl-arrival", x1: x(s.arrival), x2: x(s.arrival), y1: y + 1, y2: y + ROW - 1, data: { atS: String(s.arrival) } },
        svg("title", {}, `${s.id}: arrives ${at(s.arrival)}`)),
    );
    root.append(row);
    y += ROW;
  });
  return h("figure", { class: "timeline-figure" },
    h("figcaption", {},
      h("b", {}, route.label), ": ",
      h("span", { class: "key key-window" }), " window ",
      h("span", { class: "key key-wait" }), " waiting ",
      h("span", { class: "key key-service" }), " service ",
      h("span", { class: "key key-arrival" }), " arrival ",
      h("span", { class: "key key-break" }), breaks.length ? " driver break" : " driver break (none on this route)"),
    root);
}

/** A round step for a planar axis of `range` time units: about 6 to 12 ticks. */
function niceStep(range) {
  if (!(range > 0)) return 1;
  const raw = range / 8;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) || 10 * p;
}
