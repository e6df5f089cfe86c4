/**
 * An opened plan's stock by centre: what each centre holds, how full its storage and its
 * outbound capacity are, and the LP's shadow prices of both (what one more m3, one more
 * unit of outbound capacity, would save), from the plan job's `result.placement.centres`;
 * above it the plan's fill rate two ways, expected (the LP) and replayed (realised demand
 * day by day), labelled as the plan states them (`result.placement.fill_rate`).
 *
 * Every figure is the JSON's, rounded for reading: units to 1 decimal, m3 to 2, shadow
 * prices to 4 (they are often small), shares to 1 decimal of a percent.
 */
import { h, num } from "./dom.js";

const pct = (x) => `${num(x * 100, 1)} %`;
const use = (used, cap) => (cap > 0 ? ` (${num((used / cap) * 100, 1)} %)` : "");

/** The stock panel of plan `result` (a plan job's result). */
export function stockPanel(result) {
  const p = result.placement;
  const f = p.fill_rate;
  const currency = result.currency;
  const figures = [
    ["fill rate, expected (LP)", pct(f.expected)],
    ["fill rate, replayed", `${pct(f.replayed)} of ${num(f.replay_demand_units, 1)} units, ${f.replay_from || "–"} to ${f.replay_to || "–"}`],
    ["stock covers", `${num(p.cycle_periods, 1)} periods`],
    ["placement objective", `${num(p.report.objective, 2)} ${currency}`],
  ];
  const head = [
    "centre", "name", "stock (units)", "storage used / capacity (m3)", "shipped / outbound capacity (units)",
    `storage shadow price (${currency} per m3 per cycle)`, `outbound shadow price (${currency} per unit)`,
  ];
  const rows = p.centres.map((c) =>
    h("tr", { class: "centre", data: { centre: String(c.centre) } },
      h("td", {}, String(c.centre)),
      h("td", {}, c.name),
      h("td", { data: { k: "stock" } }, num(c.stock_units, 1)),
      h("td", { data: { k: "storage" } }, `${num(c.storage_used_m3, 2)} / ${num(c.storage_m3, 2)}${use(c.storage_used_m3, c.storage_m3)}`),
      h("td", { data: { k: "throughput" } }, `${num(c.shipped_units, 1)} / ${num(c.throughput_units, 1)}${use(c.shipped_units, c.throughput_units)}`),
      h("td", { data: { k: "storage-price" } }, num(c.storage_shadow_price, 4)),
      h("td", { data: { k: "throughput-price" } }, num(c.throughput_shadow_price, 4)),
    ));
  return [
    h("dl", { id: "stock-figures" }, figures.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { data: { k } }, v)])),
    h("table", { id: "stock-table" },
      h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c)))),
      h("tbody", {}, rows)),
    h("p", { class: "note" }, "A shadow price of 0: that capacity does not bind; a larger one says where more room would pay."),
  ];
}
