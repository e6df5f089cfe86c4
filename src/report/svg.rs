//! Inline SVG drawings for the report: a lon/lat map, a history + forecast chart and
//! horizontal bars. Plain strings, no script: the page must open offline and render the
//! same everywhere. Every text that comes from a scenario goes through [`escape`](super::escape).

use super::escape;
use std::fmt::Write;

/// Colours of routes, cycled.
pub const PALETTE: [&str; 10] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22",
];

/// An equirectangular projection of a lon/lat box onto a `width` x `height` pixel frame
/// (scaled at the box's mid latitude, so shapes keep their proportions at city scale).
#[derive(Debug, Clone, Copy)]
pub struct Projection {
    min_lon: f64,
    max_lat: f64,
    scale: f64,
    cos_lat: f64,
    pad: f64,
    /// Frame width, px.
    pub width: f64,
    /// Frame height, px.
    pub height: f64,
}

impl Projection {
    /// Fits the points into `width` px (height follows the box's aspect, at most
    /// `max_height`) with `pad` px of margin; `None` without any finite point.
    pub fn fit(
        points: impl IntoIterator<Item = [f64; 2]>,
        width: f64,
        max_height: f64,
        pad: f64,
    ) -> Option<Self> {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in points.into_iter().filter(|p| p[0].is_finite() && p[1].is_finite()) {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        if lo[0] > hi[0] {
            return None;
        }
        let cos_lat = ((lo[1] + hi[1]) / 2.0).to_radians().cos().max(0.01);
        let dx = ((hi[0] - lo[0]) * cos_lat).max(1e-6);
        let dy = (hi[1] - lo[1]).max(1e-6);
        let inner_w = width - 2.0 * pad;
        let scale = (inner_w / dx).min((max_height - 2.0 * pad) / dy);
        let height = dy * scale + 2.0 * pad;
        Some(Self { min_lon: lo[0], max_lat: hi[1], scale, cos_lat, pad, width, height })
    }

    /// Pixel position of a `[lon, lat]` point.
    pub fn xy(&self, p: [f64; 2]) -> (f64, f64) {
        (
            self.pad + (p[0] - self.min_lon) * self.cos_lat * self.scale,
            self.pad + (self.max_lat - p[1]) * self.scale,
        )
    }

    /// An SVG `points` attribute for a polyline or polygon.
    pub fn points(&self, line: &[[f64; 2]]) -> String {
        let mut out = String::new();
        for (i, &p) in line.iter().enumerate() {
            let (x, y) = self.xy(p);
            let sep = if i == 0 { "" } else { " " };
            let _ = write!(out, "{sep}{x:.1},{y:.1}");
        }
        out
    }
}

/// One series of a line chart: values per x position (`None` = gap).
pub struct Line<'a> {
    /// Legend text.
    pub label: &'a str,
    /// CSS colour.
    pub colour: &'a str,
    /// One value per x slot.
    pub values: Vec<Option<f64>>,
}

/// A shaded band: its colour and a (lower, upper) pair per x slot (`None` = gap).
pub type Band<'a> = (&'a str, &'a [Option<(f64, f64)>]);

/// A line chart with an optional band (lower, upper per slot), x labels at both ends and a
/// marker where the forecast starts.
pub fn line_chart(
    title: &str,
    x_labels: (&str, &str),
    lines: &[Line<'_>],
    band: Option<Band<'_>>,
    split_at: Option<usize>,
) -> String {
    let (w, h, left, bottom, top) = (640.0, 220.0, 56.0, 28.0, 24.0);
    let slots = lines.iter().map(|l| l.values.len()).max().unwrap_or(0).max(2);
    let band_max = band.map_or(0.0, |(_, b)| b.iter().flatten().map(|v| v.1).fold(0.0, f64::max));
    let y_max = lines
        .iter()
        .flat_map(|l| l.values.iter().flatten().copied())
        .fold(band_max, f64::max)
        .max(1e-9);
    let x = |i: usize| left + (w - left - 8.0) * i as f64 / (slots - 1) as f64;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / y_max);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    );
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{yb}" x2="{xr}" y2="{yb}" stroke="#999"/><line x1="{left}" y1="{top}" x2="{left}" y2="{yb}" stroke="#999"/>"##,
        yb = h - bottom,
        xr = w - 8.0
    );
    let _ = write!(
        s,
        r#"<text x="{tx}" y="{ty}" class="tick" text-anchor="end">{max:.0}</text><text x="{tx}" y="{yb}" class="tick" text-anchor="end">0</text>"#,
        tx = left - 4.0,
        ty = top + 4.0,
        yb = h - bottom,
        max = y_max
    );
    let _ = write!(
        s,
        r#"<text x="{left}" y="{ly}" class="tick">{a}</text><text x="{xr}" y="{ly}" class="tick" text-anchor="end">{b}</text>"#,
        ly = h - 8.0,
        xr = w - 8.0,
        a = escape(x_labels.0),
        b = escape(x_labels.1)
    );
    if let Some(at) = split_at.filter(|&a| a < slots) {
        let _ = write!(
            s,
            r##"<line x1="{xa:.1}" y1="{top}" x2="{xa:.1}" y2="{yb}" stroke="#bbb" stroke-dasharray="4 3"/>"##,
            xa = x(at),
            yb = h - bottom
        );
    }
    if let Some((colour, band)) = band {
        let upper: Vec<(usize, f64)> =
            band.iter().enumerate().filter_map(|(i, b)| b.map(|b| (i, b.1))).collect();
        let lower: Vec<(usize, f64)> =
            band.iter().enumerate().filter_map(|(i, b)| b.map(|b| (i, b.0))).collect();
        if !upper.is_empty() {
            let mut pts = String::new();
            for &(i, v) in upper.iter().chain(lower.iter().rev()) {
                let _ = write!(pts, "{:.1},{:.1} ", x(i), y(v));
            }
            let _ = write!(
                s,
                r#"<polygon points="{}" fill="{}" fill-opacity="0.25" stroke="none"/>"#,
                pts.trim_end(),
                escape(colour)
            );
        }
    }
    for l in lines {
        let mut d = String::new();
        let mut pen_down = false;
        for (i, v) in l.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ =
                        write!(d, "{}{:.1},{:.1} ", if pen_down { "L" } else { "M" }, x(i), y(*v));
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            s,
            r#"<path d="{}" fill="none" stroke="{}" stroke-width="1.5"/>"#,
            d.trim_end(),
            escape(l.colour)
        );
    }
    let mut lx = left + 8.0;
    for l in lines {
        let _ = write!(
            s,
            r#"<rect x="{lx:.0}" y="6" width="10" height="10" fill="{c}"/><text x="{tx:.0}" y="15" class="tick">{t}</text>"#,
            c = escape(l.colour),
            tx = lx + 14.0,
            t = escape(l.label)
        );
        lx += 24.0 + 7.0 * l.label.len() as f64;
    }
    if let Some((colour, _)) = band {
        let _ = write!(
            s,
            r#"<rect x="{lx:.0}" y="6" width="10" height="10" fill="{c}" fill-opacity="0.25"/><text x="{tx:.0}" y="15" class="tick">mean to P90</text>"#,
            c = escape(colour),
            tx = lx + 14.0
        );
    }
    s.push_str("</svg>");
    s
}

/// One bar: label, filled share (0..=1, clamped) and the text right of the bar.
pub struct Bar {
    /// Left label.
    pub label: String,
    /// Filled share of the track.
    pub share: f64,
    /// Text after the bar.
    pub note: String,
}

/// Horizontal bars on a common 0-100 % track.
pub fn bars(title: &str, bars: &[Bar]) -> String {
    let (w, row, left, track) = (1100.0, 30.0, 230.0, 360.0);
    let h = row * bars.len() as f64 + 10.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="bars" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let share = if b.share.is_finite() { b.share.clamp(0.0, 1.0) } else { 0.0 };
        let fill = if share > 0.98 { "#d62728" } else { "#1f77b4" };
        let _ = write!(
            s,
            r##"<text x="{tx}" y="{ty:.0}" text-anchor="end" class="tick">{label}</text><rect x="{left}" y="{y:.0}" width="{track}" height="18" fill="#eee"/><rect x="{left}" y="{y:.0}" width="{fw:.1}" height="18" fill="{fill}"/><text x="{nx}" y="{ty:.0}" class="tick">{note}</text>"##,
            tx = left - 8.0,
            ty = y + 13.0,
            label = escape(&b.label),
            fw = track * share,
            nx = left + track + 8.0,
            note = escape(&b.note)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_keeps_points_inside_the_frame_and_north_up() {
        let p = Projection::fit([[7.40, 43.72], [7.45, 43.76]], 800.0, 600.0, 10.0).unwrap();
        let (x0, y0) = p.xy([7.40, 43.72]);
        let (x1, y1) = p.xy([7.45, 43.76]);
        assert!(x0 >= 10.0 - 1e-9 && x1 <= 790.0 + 1e-9 && x1 > x0);
        assert!(y1 < y0, "north is up");
        assert!(y0 <= p.height - 10.0 + 1e-9 && y1 >= 10.0 - 1e-9);
        assert!(Projection::fit(Vec::<[f64; 2]>::new(), 800.0, 600.0, 10.0).is_none());
    }

    proptest::proptest! {
        #[test]
        fn every_fitted_point_lands_inside_the_frame(
            pts in proptest::collection::vec((-179.0..179.0f64, -80.0..80.0f64), 1..40),
        ) {
            let pts: Vec<[f64; 2]> = pts.into_iter().map(|(x, y)| [x, y]).collect();
            let p = Projection::fit(pts.iter().copied(), 640.0, 480.0, 12.0).unwrap();
            proptest::prop_assert!(p.height <= 480.0 + 1e-6);
            for &q in &pts {
                let (x, y) = p.xy(q);
                proptest::prop_assert!((12.0 - 1e-6..=640.0 - 12.0 + 1e-6).contains(&x), "x {}", x);
                proptest::prop_assert!((12.0 - 1e-6..=p.height - 12.0 + 1e-6).contains(&y), "y {}", y);
            }
        }
    }
}
