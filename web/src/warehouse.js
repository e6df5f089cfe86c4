/**
 * A picks job's building (`POST /v1/picks`, `result.view`): the layout drawn to scale in
 * metres (aisles, cross aisles, the depot), every pick point that holds a SKU coloured by
 * the velocity slotted there (picks per day, from pale yellow for the slowest to dark red
 * for `heat_max`), and one batch's pick path with its picks numbered in visiting order.
 * The list beside it holds the batches the result carries (the earliest planned); a click
 * draws that one. Above it the day's figures and, when the job inserted an urgent order,
 * when it is done re-planned against waiting for the next wave.
 *
 * Everything drawn keeps its JSON coordinates in `data-*` attributes (metres), and the SVG
 * says how its y axis is flipped (`data-top`: screen y = top - y, the front cross aisle and
 * the depot at the bottom), so scripts/page_test.py compares the drawing with the JSON.
 */
import "./warehouse.css";
import { h, svg, num, clock, span } from "./dom.js";

const MARGIN_M = 2;

/** The colour of a velocity share in [0, 1] (scripts/page_test.py restates it). */
export function heatColour(share) {
  const s = Math.min(1, Math.max(0, Number.isFinite(share) ? share : 0));
  return `hsl(${Math.round(55 - 55 * s)}, 90%, ${Math.round(85 - 45 * s)}%)`;
}

const pointsAttr = (pts, top) => pts.map(([x, y]) => `${x},${top - y}`).join(" ");

function drawing(v, batch) {
  const xs = v.layout.aisle_x_m;
  const ys = v.layout.cross_y_m;
  const pitch = v.layout.aisle_spacing_m;
  const left = xs[0] - pitch / 2 - MARGIN_M;
  const right = xs[xs.length - 1] + pitch / 2 + MARGIN_M;
  const bottom = ys[0] - MARGIN_M;
  const top = ys[ys.length - 1] + MARGIN_M;
  const r = Math.max(0.15, Math.min(0.45, pitch * 0.15));
  const parts = [];
  for (const [i, x] of xs.entries()) {
    parts.push(svg("line", { class: "aisle", data: { aisle: String(i), x: String(x) },
      x1: x, x2: x, y1: top - ys[0], y2: top - ys[ys.length - 1] }));
  }
  for (const [c, y] of ys.entries()) {
    parts.push(svg("line", { class: "cross-aisle", data: { cross: String(c), y: String(y) },
      x1: xs[0], x2: xs[xs.length - 1], y1: top - y, y2: top - y,
      "stroke-width": v.layout.cross_aisle_width_m }));
  }
  const max = v.heat_max > 0 ? v.heat_max : 1;
  for (const p of v.heat) {
    const [x, y] = p.at_m;
    parts.push(svg("circle", {
      class: "slot", cx: x, cy: top - y, r, fill: heatColour(p.picks_per_day / max),
      data: { x: String(x), y: String(y), picks: String(p.picks_per_day), skus: String(p.skus) },
    }, svg("title", {}, `${num(p.picks_per_day, 2)} picks per day, ${p.skus} SKU(s)`)));
  }
  const [dx, dy] = v.layout.depot_m;
  parts.push(svg("rect", { class: "depot", x: dx - 0.8, y: top - dy - 0.8, width: 1.6, height: 1.6,
    data: { x: String(dx), y: String(dy) } }, svg("title", {}, "depot")));
  if (batch) {
    parts.push(svg("polyline", { class: "pick-path", points: pointsAttr(batch.path_m, top),
      data: { batch: String(batch.index) }, "stroke-width": Math.max(0.2, r * 0.8) }));
    for (const [k, [x, y]] of batch.picks_m.entries()) {
      parts.push(svg("circle", { class: "pick", cx: x, cy: top - y, r: r * 1.3,
        data: { visit: String(k + 1), x: String(x), y: String(y) } }, svg("title", {}, `pick ${k + 1}`)));
    }
  }
  return svg("svg", {
    id: "wh-drawing", viewBox: `${left} 0 ${right - left} ${top - bottom}`,
    preserveAspectRatio: "xMidYMid meet", role: "img", "aria-label": "Warehouse layout, velocity heat and pick path",
    data: { top: String(top), batch: batch ? String(batch.index) : "" },
  }, parts);
}

function figures(result) {
  const pairs = [
    ["building", String(result.centre)],
    ["orders", String(result.orders)],
    ["lines", String(result.lines)],
    ["batches", String(result.batches)],
    ["policies", `${result.slotting} slotting, ${result.batching} batching, ${result.method} paths`],
    ["travel", `${num(result.travel_m, 1)} m`],
    ["makespan, planned", span(result.makespan_s)],
    ["makespan, with aisle waiting", span(result.congested_makespan_s)],
    ["waits", `${result.waits} (${span(result.wait_s)})`],
  ];
  const u = result.urgent;
  if (u) {
    pairs.push(
      ["urgent order", `${u.order}, arrives ${clock(u.arrives_s)}, ${u.joined ? "joined batch" : "own batch"} #${u.batch}`],
      ["urgent done, re-planned", clock(u.done_s)],
      ["urgent done, next wave", clock(u.next_wave_done_s)],
    );
  }
  return h("dl", { id: "wh-figures" }, pairs.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { data: { k } }, v)]));
}

/** The warehouse panel of a picks job's `result`. */
export function warehousePanel(result) {
  const v = result.view;
  const box = h("div", { id: "wh-box" });
  const urgent = result.urgent ? v.batches.find((b) => b.index === result.urgent.batch) : null;
  let shown = urgent || v.batches[0] || null;
  const list = h("ol", { id: "wh-batches", class: "items" });
  const select = (b) => {
    shown = b;
    box.replaceChildren(drawing(v, shown));
    for (const li of list.children) li.classList.toggle("selected", li.dataset.index === String(b.index));
  };
  list.append(...v.batches.map((b) => h("li", {
    class: "wh-batch", tabindex: "0", data: { index: String(b.index) }, onclick: () => select(b),
  }, `#${b.index} robot ${b.robot} at ${clock(b.start_s)}: `,
  h("span", { data: { k: "length" } }, `${num(b.length_m, 1)} m`), `, ${b.lines} lines, ${b.orders.length} order(s)`)));
  if (shown) select(shown);
  else box.replaceChildren(drawing(v, null));
  const note = v.batches_not_shown > 0
    ? h("p", { class: "note" }, `${v.batches_not_shown} later batches are not carried (max_paths).`)
    : null;
  return [
    figures(result),
    h("div", { class: "wh-row" }, box, h("div", { class: "wh-list" }, h("h3", {}, "Batches"), list, note)),
    h("p", { class: "note" }, "Slots coloured by velocity (picks per day): pale yellow slowest, dark red fastest; the front cross aisle and the depot at the bottom."),
  ];
}
