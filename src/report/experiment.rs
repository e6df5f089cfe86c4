//! Reports of an experiment: a terminal table, and a self-contained HTML page (no script,
//! no external file) with the metrics table and an inline SVG chart of the per-unit
//! improvements with the interval of their mean. The JSON report is the [`Outcome`] itself.

use super::escape;
use crate::experiment::stats::improvements;
use crate::experiment::{Measures, MetricSummary, Outcome, UnitResult};
use std::fmt::Write as _;

fn fmt_num(v: f64) -> String {
    if v == 0.0 || (v.abs() >= 0.01 && v.abs() < 1e5) {
        format!("{v:.4}")
    } else {
        format!("{v:.3e}")
    }
}

fn line(m: &MetricSummary) -> [String; 6] {
    let a = &m.analysis;
    [
        format!("{}{}", m.metric.name(), if m.lower_is_better { " (lower better)" } else { "" }),
        fmt_num(a.champion_mean),
        fmt_num(a.challenger_mean),
        fmt_num(a.improvement),
        format!("[{}, {}]", fmt_num(a.ci_low), fmt_num(a.ci_high)),
        m.decision.map_or("-", |d| d.name()).to_owned(),
    ]
}

const HEAD: [&str; 6] =
    ["metric", "champion", "challenger", "improvement", "CI of improvement", "decision"];

/// The metrics as an aligned text table, primary metric first.
pub fn table(outcome: &Outcome) -> String {
    let rows: Vec<[String; 6]> = std::iter::once(&outcome.verdict.primary)
        .chain(&outcome.verdict.secondary)
        .map(line)
        .collect();
    let mut width = HEAD.map(str::len);
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut put = |cells: &[String]| {
        let parts: Vec<String> = cells.iter().zip(width).map(|(c, w)| format!("{c:<w$}")).collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    put(&HEAD.map(str::to_owned));
    put(&width.map(|w| "-".repeat(w)));
    for r in &rows {
        put(r);
    }
    out
}

/// The per-unit improvements of the primary metric, in unit order.
fn primary_improvements(outcome: &Outcome) -> Vec<f64> {
    let m = outcome.spec.metric;
    let get = |side: fn(&UnitResult) -> &Measures| {
        outcome.units.iter().map(|u| side(u).get(&m).copied().unwrap_or(0.0)).collect::<Vec<_>>()
    };
    improvements(&get(|u| &u.champion), &get(|u| &u.challenger), m.lower_is_better())
}

/// An SVG dot chart: one row per unit (sorted by improvement), the 0 line, the minimum
/// effect (dashed), the interval of the mean improvement (band) and the mean (line).
pub fn svg(outcome: &Outcome) -> String {
    let mut d = primary_improvements(outcome);
    d.sort_by(f64::total_cmp);
    let a = &outcome.verdict.primary.analysis;
    let min_effect = outcome.spec.decision.min_effect;
    let n = d.len().max(1);
    let row = (420.0 / n as f64).clamp(2.0, 14.0);
    let (w, left, top) = (760.0, 45.0, 30.0);
    let plot_h = row * n as f64;
    let h = plot_h + top + 56.0;
    let lo = d.iter().copied().chain([a.ci_low, 0.0, -min_effect]).fold(f64::INFINITY, f64::min);
    let hi =
        d.iter().copied().chain([a.ci_high, 0.0, min_effect]).fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.05).max(1e-9);
    let (lo, hi) = (lo - pad, hi + pad);
    let x = |v: f64| left + (v - lo) / (hi - lo) * (w - 2.0 * left);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h:.0}" viewBox="0 0 {w} {h:.0}" font-family="sans-serif" font-size="11">"##
    );
    let _ = write!(
        s,
        r##"<text x="{left}" y="16">per-unit improvement of {} (challenger better &gt; 0), sorted; band: {:.0} % interval of the mean</text>"##,
        outcome.spec.metric.name(),
        a.confidence * 100.0
    );
    let bottom = top + plot_h;
    let _ = write!(
        s,
        r##"<rect x="{:.1}" y="{top}" width="{:.1}" height="{plot_h:.1}" fill="#9cc3e6" fill-opacity="0.45"/>"##,
        x(a.ci_low),
        (x(a.ci_high) - x(a.ci_low)).max(1.0)
    );
    let vline = |s: &mut String, v: f64, style: &str| {
        let _ = write!(
            s,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="{top}" y2="{bottom:.1}" {style}/>"##,
            x(v)
        );
    };
    vline(&mut s, 0.0, r##"stroke="#000""##);
    vline(&mut s, a.improvement, r##"stroke="#1f5fa8" stroke-width="2""##);
    if min_effect > 0.0 {
        vline(&mut s, min_effect, r##"stroke="#2a8a2a" stroke-dasharray="4 3""##);
    }
    for (i, v) in d.iter().enumerate() {
        let colour = if *v > 0.0 {
            "#2a8a2a"
        } else if *v < 0.0 {
            "#c0392b"
        } else {
            "#777"
        };
        let cy = top + row * (i as f64 + 0.5);
        let r = (row / 2.0).clamp(1.2, 3.5);
        let _ =
            write!(s, r##"<circle cx="{:.1}" cy="{cy:.1}" r="{r:.1}" fill="{colour}"/>"##, x(*v));
    }
    for k in 0..=4 {
        let v = lo + (hi - lo) * f64::from(k) / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="{bottom:.1}" y2="{1:.1}" stroke="#000"/><text x="{0:.1}" y="{2:.1}" text-anchor="middle">{3}</text>"##,
            x(v),
            bottom + 4.0,
            bottom + 16.0,
            escape(&fmt_num(v))
        );
    }
    let _ = write!(
        s,
        r##"<text x="{left}" y="{:.1}">black: 0; blue: mean improvement {}; dashed green: minimum effect {}; dots: units (green better, red worse)</text></svg>"##,
        bottom + 34.0,
        escape(&fmt_num(a.improvement)),
        escape(&fmt_num(min_effect))
    );
    s
}

/// The HTML page: spec, decision, metrics table, chart and per-unit table.
pub fn html(outcome: &Outcome) -> String {
    let spec = &outcome.spec;
    let p = &outcome.verdict.primary;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>experiment {}</title>\
         <style>body{{font-family:sans-serif;margin:2em;max-width:60em}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 8px;\
         text-align:right}}th{{background:#eee}}.d{{font-size:1.4em;font-weight:bold}}</style>\
         </head><body><h1>{}</h1><p>{}</p>",
        escape(&spec.name),
        escape(&spec.name),
        escape(&spec.description)
    );
    let _ = write!(
        s,
        "<p>stage <b>{:?}</b>; champion <b>{}</b> vs challenger <b>{}</b>; {} units; decision \
         rule fixed in advance: minimum effect {} on <b>{}</b>, {:.0} % {:?} bootstrap \
         interval ({} resamples, seed {}).</p><p class=\"d\">decision: {}</p>",
        spec.stage,
        escape(&spec.champion.label),
        escape(&spec.challenger.label),
        outcome.units.len(),
        spec.decision.min_effect,
        spec.metric.name(),
        spec.decision.confidence * 100.0,
        spec.decision.interval,
        spec.decision.resamples,
        spec.seed,
        outcome.decision().name()
    );
    if let Some(id) = &outcome.experiment {
        let _ = write!(s, "<p>stored as experiment <code>{}</code></p>", escape(id.as_str()));
    }
    s.push_str("<table><tr>");
    for h in HEAD {
        let _ = write!(s, "<th>{h}</th>");
    }
    s.push_str("</tr>");
    for m in std::iter::once(p).chain(&outcome.verdict.secondary) {
        s.push_str("<tr>");
        for c in line(m) {
            let _ = write!(s, "<td>{}</td>", escape(&c));
        }
        s.push_str("</tr>");
    }
    s.push_str("</table><h2>Per-unit improvements</h2>");
    s.push_str(&svg(outcome));
    let _ = write!(
        s,
        "<h2>Units</h2><table><tr><th>unit</th><th>seed</th><th>champion {0}</th>\
         <th>challenger {0}</th><th>improvement</th></tr>",
        spec.metric.name()
    );
    let d = primary_improvements(outcome);
    for (u, imp) in outcome.units.iter().zip(d) {
        let get = |m: &Measures| m.get(&spec.metric).copied().unwrap_or(f64::NAN);
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&u.unit),
            u.seed,
            fmt_num(get(&u.champion)),
            fmt_num(get(&u.challenger)),
            fmt_num(imp)
        );
    }
    s.push_str("</table></body></html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{MetricKind, Spec, summarise};

    fn outcome() -> Outcome {
        let text = r#"
            name = "a <b> & c"
            stage = "routing"
            metric = "cost_per_order"
            [decision]
            min_effect = 0.5
            units = 3
            [units]
            instances = ["x.vrp"]
            seeds = [1, 2, 3]
            [champion]
            max_iterations = 1
            [challenger]
            max_iterations = 2
        "#;
        let spec = Spec::from_toml(text).unwrap();
        let m = |v: f64| Measures::from([(MetricKind::CostPerOrder, v)]);
        let units: Vec<UnitResult> = [(10.0, 9.0), (12.0, 11.0), (14.0, 13.0)]
            .iter()
            .enumerate()
            .map(|(i, &(a, b))| UnitResult {
                unit: format!("u{i}"),
                seed: i as u64,
                champion: m(a),
                challenger: m(b),
            })
            .collect();
        let verdict = summarise(&spec, &units);
        Outcome { experiment: None, spec, units, verdict }
    }

    #[test]
    fn table_lists_the_primary_metric_with_its_decision() {
        let t = table(&outcome());
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("metric") && lines[0].ends_with("decision"));
        assert!(lines[2].contains("cost_per_order") && lines[2].ends_with("win"), "{t}");
        assert!(lines[2].contains("[1.0000, 1.0000]"), "{t}");
    }

    #[test]
    fn html_is_escaped_and_has_one_dot_per_unit() {
        let page = html(&outcome());
        assert!(page.contains("a &lt;b&gt; &amp; c") && !page.contains("a <b>"));
        assert_eq!(page.matches("<circle").count(), 3);
        assert_eq!(page.matches("<svg").count(), 1);
        assert!(page.contains("decision: win"));
    }
}
