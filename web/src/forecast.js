/**
 * A forecast run per SKU and zone with its band: pick a SKU, then a zone, and see the
 * mean per period and the band between the run's lowest and highest quantile (the levels
 * are the run's own, `run.quantile_levels`, e.g. P50 and P90), as a chart and a table,
 * from `GET /v1/forecasts/{id}?sku=&zone=`. Opened from a plan, the SKUs its report charts
 * (`result.forecast.top_skus`) come first, and "all SKUs and zones" shows the plan's own
 * total chart (`result.forecast.total`: history, mean and the P90 of the sum).
 *
 * The SKU choices are the run's SKUs in its first page of rows (up to 2000 rows; the note
 * says when the run holds more); the zones are those the run has for the chosen SKU.
 * Plain SVG: a polygon for the band, two polylines, a few labels.
 */
import { $, h, svg, call, num, showError } from "./dom.js";

const FIRST_ROWS = 2000;
const MAX_ROWS = 10000;
const W = 1000;
const H = 190;
const PAD = { left: 56, right: 12, top: 10, bottom: 24 };

const level = (q) => `P${num(q * 100, 0)}`;

/** The band chart: `history: [{period, units}]`, `forecast: [{period, mean, lo, hi}]`. */
function chart(history, forecast, bandLabel) {
  const periods = [...history.map((p) => p.period), ...forecast.map((p) => p.period)];
  const values = [...history.map((p) => p.units), ...forecast.flatMap((p) => [p.mean, p.lo, p.hi])]
    .filter((v) => typeof v === "number" && Number.isFinite(v));
  const top = Math.max(1, ...values);
  const n = Math.max(1, periods.length - 1);
  const x = (i) => PAD.left + (i / n) * (W - PAD.left - PAD.right);
  const y = (v) => PAD.top + (1 - v / top) * (H - PAD.top - PAD.bottom);
  const pts = (list) => list.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const off = history.length;
  const root = svg("svg", { class: "band-chart", viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-label": "forecast chart" });
  root.append(
    svg("line", { class: "fc-axis", x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0) }),
    svg("text", { class: "fc-label", x: PAD.left - 4, y: y(top) + 4, "text-anchor": "end" }, num(top, 1)),
    svg("text", { class: "fc-label", x: PAD.left - 4, y: y(0) + 4, "text-anchor": "end" }, "0"),
    svg("text", { class: "fc-label", x: x(0), y: H - 6, "text-anchor": "start" }, periods[0] || ""),
    svg("text", { class: "fc-label", x: x(n), y: H - 6, "text-anchor": "end" }, periods[periods.length - 1] || ""),
  );
  const banded = forecast.filter((p) => Number.isFinite(p.lo) && Number.isFinite(p.hi));
  if (banded.length > 0) {
    const upper = forecast.map((p, i) => [off + i, p.hi]);
    const lower = forecast.map((p, i) => [off + i, p.lo]).reverse();
    root.append(svg("polygon", { class: "fc-band", points: pts([...upper, ...lower]) }, svg("title", {}, bandLabel)));
  }
  if (history.length > 0) {
    root.append(svg("polyline", { class: "fc-history", points: pts(history.map((p, i) => [i, p.units])) }, svg("title", {}, "history")));
  }
  root.append(svg("polyline", { class: "fc-mean", points: pts(forecast.map((p, i) => [off + i, p.mean])) }, svg("title", {}, "mean forecast")));
  if (off > 0 && forecast.length > 0) {
    root.append(svg("line", { class: "fc-now", x1: x(off - 0.5), x2: x(off - 0.5), y1: PAD.top, y2: y(0) }));
  }
  return root;
}

function table(head, rows) {
  return h("table", { id: "fc-table" },
    h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c)))),
    h("tbody", {}, rows.map((cells) => h("tr", { class: "fc-row" }, cells.map((c) => h("td", {}, c))))));
}

function options(select, values, labels) {
  select.replaceChildren(...values.map((v, i) => h("option", { value: v }, labels ? labels[i] : v)));
}

let current = null;

/** Opens run `runId` in `#forecast-box`; `plan` is the plan's result when opened from one. */
export async function openForecast(runId, plan) {
  current = runId;
  const box = $("forecast-body");
  box.replaceChildren(h("p", {}, `Loading forecast run ${runId}…`));
  const r = await call(`/v1/forecasts/${encodeURIComponent(runId)}?limit=${FIRST_ROWS}`);
  if (current !== runId) return;
  if (!r.ok || !r.body) {
    box.replaceChildren(h("p", {}, `Forecast run ${runId} could not be read.`));
    showError(r.status, r.body, r.text);
    return;
  }
  const run = r.body.run;
  const levels = run.quantile_levels || [];
  const seen = new Set();
  const skus = [];
  const add = (s) => {
    if (!seen.has(s)) {
      seen.add(s);
      skus.push(s);
    }
  };
  if (plan) plan.forecast.top_skus.forEach((s) => add(String(s.sku)));
  r.body.rows.forEach((row) => add(String(row.sku)));
  const sku = h("select", { id: "fc-sku", "aria-label": "SKU" });
  const zone = h("select", { id: "fc-zone", "aria-label": "zone" });
  const values = plan ? ["", ...skus] : skus;
  options(sku, values, values.map((v) => v || "all SKUs and zones (the plan's total)"));
  const zoneLabel = h("label", {}, "zone ", zone);
  const out = h("div", { id: "fc-out" });
  box.replaceChildren(
    h("p", { class: "run" }, "Run ", h("code", { data: { k: "run" } }, run.id), `: ${run.horizon} ${run.frequency} periods, `,
      `${run.row_count} rows, quantiles ${levels.map(level).join(", ") || "none"}`,
      r.body.total > r.body.rows.length ? ` (SKUs listed from its first ${r.body.rows.length} rows of ${r.body.total})` : ""),
    h("div", { class: "row" }, h("label", {}, "SKU ", sku), zoneLabel),
    out,
  );
  const lo = levels.length ? levels.indexOf(Math.min(...levels)) : -1;
  const hi = levels.length ? levels.indexOf(Math.max(...levels)) : -1;
  const bandLabel = lo >= 0 ? `band ${level(levels[lo])}–${level(levels[hi])}` : "no quantiles";

  const showSeries = async () => {
    const q = `sku=${encodeURIComponent(sku.value)}&zone=${encodeURIComponent(zone.value)}&limit=${MAX_ROWS}`;
    const s = await call(`/v1/forecasts/${encodeURIComponent(runId)}?${q}`);
    if (current !== runId) return;
    if (!s.ok || !s.body) {
      showError(s.status, s.body, s.text);
      return;
    }
    const rows = s.body.rows;
    const points = rows.map((row) => ({ period: row.period, mean: row.mean, lo: row.quantiles[lo], hi: row.quantiles[hi] }));
    out.replaceChildren(
      h("p", { class: "caption" }, `${sku.value} in ${zone.value}: mean per period and the ${bandLabel} (units)`),
      chart([], points, bandLabel),
      table(["period", "mean", ...levels.map(level)],
        rows.map((row) => [row.period, num(row.mean, 2), ...row.quantiles.map((v) => num(v, 2))])),
    );
    out.dataset.series = `${sku.value}|${zone.value}`;
  };
  const showTotal = () => {
    const t = plan.forecast.total;
    zoneLabel.hidden = true;
    out.replaceChildren(
      h("p", { class: "caption" }, "All SKUs and zones: history, mean forecast and the P90 of the sum (units per period)"),
      chart(t.history, t.forecast.map((p) => ({ period: p.period, mean: p.mean, lo: p.mean, hi: p.p90 })), "band mean–P90 of the sum"),
      table(["period", "mean", "P90"], t.forecast.map((p) => [p.period, num(p.mean, 2), num(p.p90, 2)])),
    );
    out.dataset.series = "total";
  };
  const pickSku = async () => {
    if (!sku.value) {
      showTotal();
      return;
    }
    zoneLabel.hidden = false;
    const z = await call(`/v1/forecasts/${encodeURIComponent(runId)}?sku=${encodeURIComponent(sku.value)}&limit=${MAX_ROWS}`);
    if (current !== runId) return;
    if (!z.ok || !z.body) {
      showError(z.status, z.body, z.text);
      return;
    }
    options(zone, [...new Set(z.body.rows.map((row) => String(row.zone)))]);
    await showSeries();
  };
  sku.addEventListener("change", pickSku);
  zone.addEventListener("change", showSeries);
  await pickSku();
}
