//! The report page of a planning run: one self-contained HTML page.
//!
//! [`html`] renders a [`PlanOutcome`] as a single page with inline CSS and inline SVG
//! only: no script, no font, no tile server, nothing fetched, so it opens offline, can be
//! mailed as one file and looks the same in every browser. Maps are drawn from the road
//! geometry in the outcome (equirectangular lon/lat projection) and carry the
//! OpenStreetMap attribution. Every text from the scenario (names, ids) is escaped.
//!
//! The page is a pure function of the outcome: same outcome, same bytes.

use super::escape;
use super::svg::{Bar, Line, PALETTE, Projection, bars, line_chart};
use crate::plan::{DemandChart, PlanOutcome, UnservedCause};
use crate::roads::OSM_ATTRIBUTION;
use std::fmt::Write;

const STYLE: &str = "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222;max-width:1320px}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}\
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px}\
.card b{display:block;font-size:18px}table{border-collapse:collapse;margin:6px 0}\
td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:right}th{background:#f6f6f6}\
td:first-child,th:first-child,td.l,th.l{text-align:left}.tick{font-size:11px;fill:#555}\
.maps{display:flex;flex-wrap:wrap;gap:16px}.map{border:1px solid #ccc;background:#f8fbff}\
.charts{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}figcaption{font-weight:600}.attr{font-size:12px;color:#555}.bad{color:#b00}";

/// The report page of a plan.
pub fn html(o: &PlanOutcome) -> String {
    let mut s = String::with_capacity(256 * 1024);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>stockroute plan: {name}</title><style>{STYLE}</style></head><body>",
        name = escape(&o.scenario)
    );
    header(&mut s, o);
    maps(&mut s, o);
    forecast(&mut s, o);
    stock(&mut s, o);
    routes(&mut s, o);
    let _ = writeln!(
        s,
        "<p class=\"attr\">Map data {}, ODbL 1.0. Demand history and scenario data: see the scenario's own notes.</p></body></html>",
        escape(OSM_ATTRIBUTION)
    );
    s
}

/// Seconds since midnight as `HH:MM`, as every output shows it ([`super::clock`]).
fn clock(seconds: f64) -> String {
    super::clock::clock(seconds, super::clock::Precision::Minutes)
}

fn header(s: &mut String, o: &PlanOutcome) {
    let p = &o.placement.report;
    let fill = &o.placement.fill_rate;
    let r = &o.routing;
    let cur = escape(&o.currency);
    let _ = write!(
        s,
        "<h1>Plan for {}</h1><p>Forecast run <code>{}</code>, seed {}.</p><div class=\"cards\">",
        escape(&o.scenario),
        escape(o.forecast.run_id.as_str()),
        o.seed
    );
    let cards = [
        ("series forecast", format!("{}", o.forecast.series)),
        ("forecast units", format!("{:.0}", o.forecast.forecast_units)),
        ("placement cost", format!("{:.0} {cur}", p.kpis.cost.total)),
        ("fill rate expected (LP, mean forecast)", format!("{:.1} %", 100.0 * fill.expected)),
        ("fill rate replayed (last cycle of demand)", format!("{:.1} %", 100.0 * fill.replayed)),
        ("within promise", format!("{:.1} %", 100.0 * p.kpis.within_promise_share)),
        ("orders delivered", format!("{} / {}", r.served, r.orders)),
        ("vehicles", format!("{}", r.vehicles)),
        ("route km", format!("{:.1}", r.distance_km)),
        ("route cost", format!("{:.2} {cur}", r.cost)),
    ];
    for (label, value) in cards {
        let _ = write!(s, "<div class=\"card\">{label}<b>{value}</b></div>");
    }
    s.push_str("</div>");
    let window = match (fill.replay_from, fill.replay_to) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "no days".to_owned(),
    };
    let _ = write!(
        s,
        "<p class=\"attr\">Fill rate expected: the LP's share of the mean forecast demand it serves over the cycle. Fill rate replayed: the plan's stock serving the realised demand of {window} ({:.0} units) day by day, without replenishment.</p>",
        fill.replay_demand_units
    );
}

fn maps(s: &mut String, o: &PlanOutcome) {
    s.push_str("<h2>Maps</h2><div class=\"maps\">");
    // Delivery map: zones, stations and routes (centres are usually far outside it).
    let mut pts: Vec<[f64; 2]> = o.zones.iter().flat_map(|z| z.ring.iter().copied()).collect();
    pts.extend(o.routing.stations.iter().map(|st| [st.lon, st.lat]));
    for st in &o.routing.stations {
        for r in &st.routes {
            pts.extend(r.path.iter().copied());
        }
    }
    if let Some(p) = Projection::fit(pts, 860.0, 900.0, 16.0) {
        open_map(s, &p, "Delivery routes on the road network");
        zones(s, o, &p);
        let mut colour = 0;
        for st in &o.routing.stations {
            for r in &st.routes {
                let c = PALETTE[colour % PALETTE.len()];
                colour += 1;
                let _ = write!(
                    s,
                    r#"<polyline points="{}" fill="none" stroke="{c}" stroke-width="2.5" stroke-opacity="0.85"><title>{} {} #{}</title></polyline>"#,
                    p.points(&r.path),
                    escape(st.station.as_str()),
                    escape(r.vehicle_type.as_str()),
                    r.vehicle
                );
                for (i, v) in r.stops.iter().enumerate() {
                    let (x, y) = p.xy([v.lon, v.lat]);
                    let _ = write!(
                        s,
                        r##"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="#fff" stroke="{c}" stroke-width="2"><title>{} stop {}: order {} at {}</title></circle>"##,
                        escape(r.vehicle_type.as_str()),
                        i + 1,
                        escape(v.order.as_str()),
                        clock(v.arrival_s)
                    );
                }
            }
        }
        for st in &o.routing.stations {
            marker(s, &p, [st.lon, st.lat], "#000", &st.station.to_string(), &st.name);
        }
        close_map(s, &p);
    }
    // Network map: centres, stations, zones.
    let mut pts: Vec<[f64; 2]> = o.zones.iter().map(|z| [z.lon, z.lat]).collect();
    pts.extend(o.placement.centres.iter().map(|c| [c.lon, c.lat]));
    pts.extend(o.routing.stations.iter().map(|st| [st.lon, st.lat]));
    if let Some(p) = Projection::fit(pts, 420.0, 420.0, 40.0) {
        open_map(s, &p, "Network: centres, stations and zones");
        zones(s, o, &p);
        for c in &o.placement.centres {
            marker(s, &p, [c.lon, c.lat], "#d62728", &c.centre.to_string(), &c.name);
        }
        for st in &o.routing.stations {
            marker(s, &p, [st.lon, st.lat], "#000", "", &st.name);
        }
        close_map(s, &p);
    }
    s.push_str("</div>");
}

fn open_map(s: &mut String, p: &Projection, title: &str) {
    let _ = write!(
        s,
        r#"<svg class="map" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" aria-label="{t}"><title>{t}</title>"#,
        w = p.width,
        h = p.height,
        t = escape(title)
    );
}

fn close_map(s: &mut String, p: &Projection) {
    let _ = write!(
        s,
        r#"<text x="{x:.0}" y="{y:.0}" text-anchor="end" class="tick">{}</text></svg>"#,
        escape(OSM_ATTRIBUTION),
        x = p.width - 6.0,
        y = p.height - 6.0
    );
}

fn zones(s: &mut String, o: &PlanOutcome, p: &Projection) {
    for z in &o.zones {
        if z.ring.len() >= 3 {
            let _ = write!(
                s,
                r##"<polygon points="{}" fill="#9ecae1" fill-opacity="0.18" stroke="#6baed6" stroke-width="0.8"><title>zone {}</title></polygon>"##,
                p.points(&z.ring),
                escape(z.zone.as_str())
            );
        } else {
            let (x, y) = p.xy([z.lon, z.lat]);
            let _ = write!(
                s,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="2" fill="#6baed6"><title>zone {}</title></circle>"##,
                escape(z.zone.as_str())
            );
        }
    }
}

fn marker(s: &mut String, p: &Projection, at: [f64; 2], colour: &str, label: &str, name: &str) {
    let (x, y) = p.xy(at);
    let _ = write!(
        s,
        r##"<rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{colour}" stroke="#fff"><title>{}</title></rect>"##,
        x - 5.0,
        y - 5.0,
        escape(name)
    );
    if !label.is_empty() {
        // Labels right of the marker, or left of it in the right half of the frame.
        let (lx, anchor) = if x > p.width / 2.0 { (x - 8.0, "end") } else { (x + 8.0, "start") };
        let _ = write!(
            s,
            r#"<text x="{lx:.1}" y="{:.1}" class="tick" text-anchor="{anchor}">{}</text>"#,
            y - 6.0,
            escape(label)
        );
    }
}

fn forecast(s: &mut String, o: &PlanOutcome) {
    let f = &o.forecast;
    let _ = write!(
        s,
        "<h2>Demand: history and forecast</h2><p>{} series, {:.0} units of history; {:.0} units forecast over {} periods. The band runs from the mean to the P90 of the sum (the series taken as independent, their sum as normal), not the sum of their P90s.</p><div class=\"charts\">",
        f.series, f.history_units, f.forecast_units, f.horizon
    );
    s.push_str(&demand_chart("All SKUs and zones", &f.total));
    for sku in &f.top_skus {
        s.push_str(&demand_chart(&format!("SKU {}", sku.sku), &sku.chart));
    }
    s.push_str("</div>");
}

fn demand_chart(title: &str, c: &DemandChart) -> String {
    let n_hist = c.history.len();
    let mut history: Vec<Option<f64>> = c.history.iter().map(|h| Some(h.units)).collect();
    history.extend(c.forecast.iter().map(|_| None));
    let mut mean: Vec<Option<f64>> = vec![None; n_hist];
    mean.extend(c.forecast.iter().map(|p| Some(p.mean)));
    let mut band: Vec<Option<(f64, f64)>> = vec![None; n_hist];
    band.extend(c.forecast.iter().map(|p| Some((p.mean, p.p90))));
    let first = c.history.first().map(|h| h.period).or(c.forecast.first().map(|p| p.period));
    let last = c.forecast.last().map(|p| p.period).or(c.history.last().map(|h| h.period));
    let label = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let (a, b) = (label(first), label(last));
    let lines = [
        Line { label: "history", colour: "#555", values: history },
        Line { label: "forecast mean", colour: "#1f77b4", values: mean },
    ];
    format!(
        "<figure><figcaption>{}</figcaption>{}</figure>",
        escape(title),
        line_chart(title, (&a, &b), &lines, Some(("#1f77b4", &band)), Some(n_hist))
    )
}

fn stock(s: &mut String, o: &PlanOutcome) {
    let p = &o.placement;
    let cur = escape(&o.currency);
    let _ = write!(
        s,
        "<h2>Stock by centre</h2><p>Cycle of {} periods; placement objective {:.2} {cur} (holding {:.2}, transport {:.2}, late {:.2}, lost sales {:.2}); {} centre-zone pairs priced by road.</p>",
        p.cycle_periods,
        p.report.objective,
        p.report.kpis.cost.holding,
        p.report.kpis.cost.transport,
        p.report.kpis.cost.late,
        p.report.kpis.cost.lost_sales,
        p.road_pairs
    );
    let share = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let mut rows = Vec::new();
    for c in &p.centres {
        rows.push(Bar {
            label: format!("{} storage", c.centre),
            share: share(c.storage_used_m3, c.storage_m3),
            note: format!(
                "{:.1} of {:.1} m3 ({:.0} %), shadow price {:.2} {}/m3",
                c.storage_used_m3,
                c.storage_m3,
                100.0 * share(c.storage_used_m3, c.storage_m3),
                c.storage_shadow_price,
                o.currency
            ),
        });
        rows.push(Bar {
            label: format!("{} outbound", c.centre),
            share: share(c.shipped_units, c.throughput_units),
            note: format!(
                "{:.0} of {:.0} units ({:.0} %), shadow price {:.4} {}/unit",
                c.shipped_units,
                c.throughput_units,
                100.0 * share(c.shipped_units, c.throughput_units),
                c.throughput_shadow_price,
                o.currency
            ),
        });
    }
    s.push_str(&bars("Capacity use by centre", &rows));
    s.push_str("<table><tr><th>centre</th><th class=\"l\">name</th><th>stock units</th><th>storage m3</th><th>shipped units</th></tr>");
    for c in &p.centres {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"l\">{}</td><td>{:.0}</td><td>{:.2}</td><td>{:.0}</td></tr>",
            escape(c.centre.as_str()),
            escape(&c.name),
            c.stock_units,
            c.storage_used_m3,
            c.shipped_units
        );
    }
    s.push_str("</table>");
    if !p.check_violations.is_empty() {
        let _ = write!(
            s,
            "<p class=\"bad\">placement check: {}</p>",
            escape(&p.check_violations.join("; "))
        );
    }
}

fn routes(s: &mut String, o: &PlanOutcome) {
    let r = &o.routing;
    let cur = escape(&o.currency);
    let _ = write!(
        s,
        "<h2>Routes of the delivery day</h2><p>{} of {} orders delivered by {} vehicles, {:.1} km, {:.2} {cur}; travel times for a departure at {:02}:00, {} search iterations per station.</p>",
        r.served, r.orders, r.vehicles, r.distance_km, r.cost, r.departure_hour, r.max_iterations
    );
    s.push_str("<table><tr><th>station</th><th class=\"l\">vehicle</th><th>stops</th><th>km</th><th>out</th><th>back</th><th>duration</th><th class=\"l\">breaks</th><th>load %</th><th>cost</th></tr>");
    let mut colour = 0;
    for st in &r.stations {
        for route in &st.routes {
            let c = PALETTE[colour % PALETTE.len()];
            colour += 1;
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=\"l\"><span style=\"color:{c}\">&#9632;</span> {} #{}</td><td>{}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td><td>{:.0}</td><td>{:.2}</td></tr>",
                escape(st.station.as_str()),
                escape(route.vehicle_type.as_str()),
                route.vehicle,
                route.stops.len(),
                route.distance_km,
                clock(route.start_s),
                clock(route.end_s),
                clock(route.end_s - route.start_s),
                breaks(route),
                route.load_pct,
                route.cost
            );
        }
        if !st.check_violations.is_empty() {
            let _ = write!(
                s,
                "<tr><td colspan=\"10\" class=\"l bad\">routing check, {}: {}</td></tr>",
                escape(st.station.as_str()),
                escape(&st.check_violations.join("; "))
            );
        }
    }
    s.push_str("</table>");
    if r.unserved.is_empty() {
        s.push_str("<p>Every order is delivered.</p>");
        return;
    }
    s.push_str(
        "<h3>Not delivered</h3><table><tr><th>order</th><th class=\"l\">station</th><th class=\"l\">reason</th></tr>",
    );
    for u in &r.unserved {
        let reason = match &u.reason {
            UnservedCause::Unrouted(why) => serde_json::to_string(why).unwrap_or_default(),
            UnservedCause::Solver { code } => serde_json::to_string(code).unwrap_or_default(),
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"l\">{}</td><td class=\"l\"><code>{}</code></td></tr>",
            escape(u.order.as_str()),
            escape(u.station.as_ref().map_or("", |x| x.as_str())),
            escape(&reason)
        );
    }
    s.push_str("</table>");
}

/// A route's driver breaks as `lunch 13:32-14:02`, comma-separated (a dash for none).
fn breaks(route: &crate::plan::PlannedRoute) -> String {
    if route.breaks.is_empty() {
        return "-".into();
    }
    let each = route.breaks.iter().map(|b| {
        format!("{} {}&ndash;{}", escape(b.id.as_str()), clock(b.start_s), clock(b.end_s))
    });
    each.collect::<Vec<_>>().join(", ")
}
