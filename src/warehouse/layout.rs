//! The building: blocks of parallel aisles between cross aisles, storage locations on both
//! sides of every aisle on several levels, the depot, and the robot fleet.
//!
//! A layout is written as a small TOML file per centre ([`LayoutSpec`], read by
//! [`load_layout`]) and compiled into a [`Layout`]: integer centimetres for every
//! coordinate, so a path's length is an exact sum and the exact method, the heuristics and
//! the checker agree to the centimetre (the routing stage's integer-measure rule).
//!
//! Geometry (the classic picker-routing model of Ratliff and Rosenthal 1983 and Roodbergen
//! and de Koster 2001): aisle `i` runs along `x = i * aisle_spacing`; cross aisle `c`
//! (`0..=blocks`) runs along `y = c * (aisle_length + cross_aisle_width)`; block `b` is the
//! stretch between cross aisles `b` and `b + 1`. Travel is along aisle and cross-aisle
//! centre lines (picking from either side costs no lateral travel); the depot sits where
//! aisle `depot_aisle` meets the front cross aisle (`y = 0`).

use super::error::WarehouseError;
use crate::issue::{Issue, IssueCode, Location as IssueLocation, Severity};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The most blocks a layout may have.
pub const MAX_BLOCKS: u32 = 20;
/// The most aisles per block.
pub const MAX_AISLES: u32 = 400;
/// The most storage slots along one side of an aisle in one block.
pub const MAX_SLOTS_PER_SIDE: u32 = 500;
/// The most storage levels.
pub const MAX_LEVELS: u32 = 20;
/// The most storage locations of a layout (bounds the memory of slotting).
pub const MAX_LOCATIONS: u64 = 2_000_000;

/// A point on an aisle's or a cross aisle's centre line.
///
/// # Units
/// Centimetres from the depot's front-left origin (`x` across aisles, `y` along them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Point {
    /// Across the aisles, cm.
    pub x_cm: i64,
    /// Along the aisles, cm (0 = the front cross aisle).
    pub y_cm: i64,
}

/// Which side of the aisle a location faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The left rack (lower x).
    Left,
    /// The right rack (higher x).
    Right,
}

/// A dense index into [`Layout::locations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct LocIdx(pub u32);

/// One storage location (a bin: one SKU).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StorageLocation {
    /// Aisle, 0-based from the left.
    pub aisle: u32,
    /// Block, 0-based from the front.
    pub block: u32,
    /// Slot along the aisle within the block, 0-based from the front.
    pub slot: u32,
    /// Rack side.
    pub side: Side,
    /// Level, 0 = floor.
    pub level: u32,
    /// Where a picker or robot stands to pick it.
    pub point: Point,
}

/// The robot fleet of a centre (one kind of robot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RobotSpec {
    /// Robots available in a wave.
    pub count: u32,
    /// Travel speed, m/s.
    pub speed_m_per_s: f64,
    /// Totes a robot carries (one order per tote or more; an order never shares a tote).
    pub totes: u32,
    /// Volume of one tote, m3.
    pub tote_volume_m3: f64,
    /// Time to pick one order line, s.
    pub pick_time_s_per_line: f64,
    /// Robot width, m: an aisle narrower than two robots holds one robot at a time.
    pub width_m: f64,
}

/// A centre's layout file, as written (`warehouses/<CENTRE>.toml` in a scenario folder).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutSpec {
    /// The centre this building belongs to (checked against the file's name by the caller).
    pub centre: String,
    /// Blocks along the aisles (cross aisles = blocks + 1).
    pub blocks: u32,
    /// Parallel aisles (every aisle crosses every block).
    pub aisles: u32,
    /// Length of an aisle within one block, between two cross aisles, m.
    pub aisle_length_m: f64,
    /// Centre-to-centre distance between neighbouring aisles, m.
    pub aisle_spacing_m: f64,
    /// Width of an aisle, m (decides whether it is narrow).
    pub aisle_width_m: f64,
    /// Width of a cross aisle, m (travelled along its centre line).
    pub cross_aisle_width_m: f64,
    /// Storage slots along each side of an aisle in one block.
    pub slots_per_side: u32,
    /// Storage levels per slot.
    pub levels: u32,
    /// The aisle whose front end is the depot (pack station), 0-based.
    #[serde(default)]
    pub depot_aisle: u32,
    /// The robots.
    pub robots: RobotSpec,
}

/// A compiled, validated layout: integer geometry and every storage location.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The spec it came from.
    pub spec: LayoutSpec,
    /// `x` of every aisle, cm.
    pub aisle_x_cm: Vec<i64>,
    /// `y` of every cross aisle (`blocks + 1` of them), cm.
    pub cross_y_cm: Vec<i64>,
    /// The depot.
    pub depot: Point,
    /// Every storage location, aisle-major.
    pub locations: Vec<StorageLocation>,
    /// Whether aisles hold one robot at a time.
    pub narrow: bool,
}

fn cm(m: f64) -> i64 {
    (m * 100.0).round() as i64
}

impl Layout {
    /// Validates `spec` (every problem at once, located in `file`) and compiles it.
    ///
    /// # Errors
    /// [`WarehouseError::Invalid`] listing every out-of-range value.
    pub fn new(spec: LayoutSpec, file: &str, text: Option<&str>) -> Result<Self, WarehouseError> {
        let issues = validate(&spec, file, text);
        if !issues.is_empty() {
            return Err(WarehouseError::Invalid { file: file.to_owned(), issues });
        }
        let spacing = cm(spec.aisle_spacing_m);
        let length = cm(spec.aisle_length_m);
        let pitch = length + cm(spec.cross_aisle_width_m);
        let half_cross = cm(spec.cross_aisle_width_m) / 2;
        let aisle_x_cm: Vec<i64> = (0..i64::from(spec.aisles)).map(|i| i * spacing).collect();
        let cross_y_cm: Vec<i64> = (0..=i64::from(spec.blocks)).map(|c| c * pitch).collect();
        let slots = i64::from(spec.slots_per_side);
        let mut locations = Vec::new();
        for (aisle, &x_cm) in (0..).zip(&aisle_x_cm) {
            for (block, &y0) in (0..spec.blocks).zip(&cross_y_cm) {
                for slot in 0..spec.slots_per_side {
                    // Slot centres spread evenly over the racked length of the block.
                    let y_cm = y0 + half_cross + ((2 * i64::from(slot) + 1) * length) / (2 * slots);
                    let point = Point { x_cm, y_cm };
                    for side in [Side::Left, Side::Right] {
                        for level in 0..spec.levels {
                            locations.push(StorageLocation {
                                aisle,
                                block,
                                slot,
                                side,
                                level,
                                point,
                            });
                        }
                    }
                }
            }
        }
        let depot_x = aisle_x_cm.get(spec.depot_aisle as usize).copied().unwrap_or(0);
        let narrow = spec.aisle_width_m < 2.0 * spec.robots.width_m;
        Ok(Self {
            depot: Point { x_cm: depot_x, y_cm: 0 },
            aisle_x_cm,
            cross_y_cm,
            locations,
            narrow,
            spec,
        })
    }

    /// Blocks of the layout.
    pub fn blocks(&self) -> u32 {
        self.spec.blocks
    }

    /// The location at `idx`.
    pub fn location(&self, idx: LocIdx) -> Option<&StorageLocation> {
        self.locations.get(idx.0 as usize)
    }

    /// The aisle whose centre line is at `x`, if any.
    pub fn aisle_at(&self, x_cm: i64) -> Option<u32> {
        self.aisle_x_cm.binary_search(&x_cm).ok().map(|i| i as u32)
    }

    /// The cross aisle whose centre line is at `y`, if any.
    pub fn cross_at(&self, y_cm: i64) -> Option<u32> {
        self.cross_y_cm.binary_search(&y_cm).ok().map(|i| i as u32)
    }

    /// The block a point inside an aisle lies in (`None` on a cross aisle or outside).
    pub fn block_of(&self, y_cm: i64) -> Option<u32> {
        let c = self.cross_y_cm.partition_point(|&y| y < y_cm);
        (c >= 1 && c < self.cross_y_cm.len() && self.cross_y_cm[c] != y_cm).then(|| (c - 1) as u32)
    }

    /// The shortest travel between two points on aisle centre lines (both `x` on an aisle).
    ///
    /// In one aisle it is straight; otherwise the walker leaves its aisle at some cross
    /// aisle and enters the other one at a cross aisle, and since every aisle crosses every
    /// block the best cross aisle is one between the two points (straight through) or, when
    /// both lie in one block, the nearer end of that block.
    ///
    /// # Units
    /// Centimetres.
    ///
    /// # Complexity
    /// O(log blocks).
    pub fn distance_cm(&self, p: Point, q: Point) -> i64 {
        let dx = (p.x_cm - q.x_cm).abs();
        if dx == 0 {
            return (p.y_cm - q.y_cm).abs();
        }
        dx + self.vertical_via_cross_cm(p.y_cm, q.y_cm).0
    }

    /// The vertical part of a trip between two aisles and the cross aisle to change at.
    fn vertical_via_cross_cm(&self, y1: i64, y2: i64) -> (i64, i64) {
        let (lo, hi) = (y1.min(y2), y1.max(y2));
        let c = self.cross_y_cm.partition_point(|&y| y < lo);
        match self.cross_y_cm.get(c) {
            Some(&y) if y <= hi => (hi - lo, y),
            above => {
                let up = above.map(|&y| (2 * y - lo - hi, y));
                let down = c
                    .checked_sub(1)
                    .map(|i| (lo + hi - 2 * self.cross_y_cm[i], self.cross_y_cm[i]));
                match (up, down) {
                    (Some(u), Some(d)) => {
                        if d.0 <= u.0 {
                            d
                        } else {
                            u
                        }
                    }
                    (Some(u), None) => u,
                    (None, Some(d)) => d,
                    (None, None) => (hi - lo, lo),
                }
            }
        }
    }

    /// The corner points of a shortest trip from `p` to `q` (excluding `p`, including `q`):
    /// each consecutive pair is one straight run along an aisle or a cross aisle.
    pub fn leg(&self, p: Point, q: Point, out: &mut Vec<Point>) {
        if p == q {
            return;
        }
        if p.x_cm != q.x_cm {
            let (_, y) = self.vertical_via_cross_cm(p.y_cm, q.y_cm);
            for corner in [Point { x_cm: p.x_cm, y_cm: y }, Point { x_cm: q.x_cm, y_cm: y }] {
                if corner != p && out.last() != Some(&corner) {
                    out.push(corner);
                }
            }
        }
        if out.last() != Some(&q) {
            out.push(q);
        }
    }

    /// Travel time of a distance at the robots' speed.
    ///
    /// # Units
    /// Seconds.
    pub fn travel_s(&self, distance_cm: i64) -> f64 {
        distance_cm as f64 / 100.0 / self.spec.robots.speed_m_per_s
    }
}

/// Reads and validates a layout file.
///
/// # Errors
/// [`WarehouseError::Io`] when the file cannot be read, [`WarehouseError::Invalid`] with every
/// problem (bad TOML, unknown or missing keys, values out of range) otherwise.
pub fn load_layout(path: &Path, shown_as: &str) -> Result<Layout, WarehouseError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| WarehouseError::Io { path: path.to_path_buf(), source })?;
    parse_layout(&text, shown_as)
}

/// Parses and validates the text of a layout file named `file` in issues.
///
/// # Errors
/// [`WarehouseError::Invalid`] with every problem found.
pub fn parse_layout(text: &str, file: &str) -> Result<Layout, WarehouseError> {
    match toml::from_str::<LayoutSpec>(text) {
        Ok(spec) => Layout::new(spec, file, Some(text)),
        Err(err) => {
            let line = err.span().map(|s| line_of_offset(text, s.start));
            let message = err.message().trim().to_owned();
            let (code, action) = if message.starts_with("unknown field") {
                ("E-WH-UNKNOWN-KEY", "remove the key or fix its spelling (see docs of LayoutSpec)")
            } else if message.starts_with("missing field") {
                ("E-WH-MISSING-KEY", "add the key")
            } else {
                ("E-WH-TOML", "give the value the type the format expects")
            };
            let issue = issue_at(file, line, None, code, None, message, action);
            Err(WarehouseError::Invalid { file: file.to_owned(), issues: vec![issue] })
        }
    }
}

fn line_of_offset(text: &str, offset: usize) -> u64 {
    text.get(..offset).map_or(1, |t| t.matches('\n').count() as u64 + 1)
}

/// The line of `key = ...` (first occurrence), for issues about a value.
fn line_of_key(text: Option<&str>, key: &str) -> Option<u64> {
    let text = text?;
    text.lines()
        .position(|l| {
            l.trim_start().strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i as u64 + 1)
}

fn issue_at(
    file: &str,
    line: Option<u64>,
    field: Option<&str>,
    code: &'static str,
    value: Option<String>,
    cause: impl Into<String>,
    action: impl Into<String>,
) -> Issue {
    Issue {
        code: IssueCode(code),
        severity: Severity::Error,
        location: IssueLocation::File {
            file: file.to_owned(),
            line,
            field: field.map(str::to_owned),
        },
        value,
        cause: cause.into(),
        action: action.into(),
    }
}

/// Every bound of a layout, as `E-WH-OUT-OF-RANGE` issues (all of them at once).
fn validate(spec: &LayoutSpec, file: &str, text: Option<&str>) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut real = |key: &'static str, v: f64, lo: f64, hi: f64, lo_open: bool| {
        let ok = v.is_finite() && (if lo_open { v > lo } else { v >= lo }) && v <= hi;
        if !ok {
            let open = if lo_open { "(" } else { "[" };
            let cause = format!("{key} must lie in {open}{lo}, {hi}]");
            let action = "check the unit (metres, seconds, m3) and the digits";
            issues.push(issue_at(
                file,
                line_of_key(text, key),
                Some(key),
                "E-WH-OUT-OF-RANGE",
                Some(v.to_string()),
                cause,
                action,
            ));
        }
    };
    let r = &spec.robots;
    real("aisle_length_m", spec.aisle_length_m, 0.5, 500.0, false);
    real("aisle_spacing_m", spec.aisle_spacing_m, 0.5, 50.0, false);
    real("aisle_width_m", spec.aisle_width_m, 0.3, 20.0, false);
    real("cross_aisle_width_m", spec.cross_aisle_width_m, 0.3, 50.0, false);
    real("speed_m_per_s", r.speed_m_per_s, 0.0, 10.0, true);
    real("tote_volume_m3", r.tote_volume_m3, 0.0, 10.0, true);
    real("pick_time_s_per_line", r.pick_time_s_per_line, 0.0, 3600.0, false);
    real("width_m", r.width_m, 0.0, 10.0, true);
    let mut int = |key: &'static str, v: u32, lo: u32, hi: u32| {
        if v < lo || v > hi {
            let cause = format!("{key} must lie in [{lo}, {hi}]");
            issues.push(issue_at(
                file,
                line_of_key(text, key),
                Some(key),
                "E-WH-OUT-OF-RANGE",
                Some(v.to_string()),
                cause,
                "give a count within the bounds",
            ));
        }
    };
    int("blocks", spec.blocks, 1, MAX_BLOCKS);
    int("aisles", spec.aisles, 1, MAX_AISLES);
    int("slots_per_side", spec.slots_per_side, 1, MAX_SLOTS_PER_SIDE);
    int("levels", spec.levels, 1, MAX_LEVELS);
    int("count", r.count, 1, 10_000);
    int("totes", r.totes, 1, 100);
    if spec.depot_aisle >= spec.aisles.max(1) {
        let cause = format!("depot_aisle must name one of the {} aisles (0-based)", spec.aisles);
        issues.push(issue_at(
            file,
            line_of_key(text, "depot_aisle"),
            Some("depot_aisle"),
            "E-WH-OUT-OF-RANGE",
            Some(spec.depot_aisle.to_string()),
            cause,
            "give an aisle index below `aisles`",
        ));
    }
    let locations = u64::from(spec.aisles)
        * u64::from(spec.blocks)
        * u64::from(spec.slots_per_side)
        * 2
        * u64::from(spec.levels);
    if locations > MAX_LOCATIONS {
        let cause =
            format!("the layout has {locations} storage locations, more than {MAX_LOCATIONS}");
        issues.push(issue_at(
            file,
            None,
            None,
            "E-WH-TOO-LARGE",
            Some(locations.to_string()),
            cause,
            "fewer aisles, slots or levels",
        ));
    }
    // A slot narrower than a centimetre cannot be told apart from its neighbour.
    if spec.aisle_length_m.is_finite()
        && spec.slots_per_side > 0
        && spec.aisle_length_m * 100.0 < f64::from(spec.slots_per_side)
    {
        let cause = "slots would be shorter than 1 cm";
        issues.push(issue_at(
            file,
            line_of_key(text, "slots_per_side"),
            Some("slots_per_side"),
            "E-WH-OUT-OF-RANGE",
            Some(spec.slots_per_side.to_string()),
            cause,
            "fewer slots per side or longer aisles",
        ));
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
centre = "FC-T"
blocks = 2
aisles = 4
aisle_length_m = 10.0
aisle_spacing_m = 3.0
aisle_width_m = 1.2
cross_aisle_width_m = 2.0
slots_per_side = 5
levels = 2
depot_aisle = 1

[robots]
count = 2
speed_m_per_s = 1.0
totes = 4
tote_volume_m3 = 0.05
pick_time_s_per_line = 10.0
width_m = 0.8
"#;

    #[test]
    fn a_layout_compiles_into_integer_geometry() {
        let l = parse_layout(EXAMPLE, "w.toml").unwrap();
        assert_eq!(l.aisle_x_cm, vec![0, 300, 600, 900]);
        assert_eq!(l.cross_y_cm, vec![0, 1200, 2400]);
        assert_eq!(l.depot, Point { x_cm: 300, y_cm: 0 });
        assert_eq!(l.locations.len(), 4 * 2 * 5 * 2 * 2);
        assert!(l.narrow);
        for loc in &l.locations {
            let b = l.block_of(loc.point.y_cm).unwrap();
            assert_eq!(b, loc.block);
        }
        // Same block, different aisles: out through the nearer end.
        let p = Point { x_cm: 0, y_cm: 100 };
        let q = Point { x_cm: 600, y_cm: 300 };
        assert_eq!(l.distance_cm(p, q), 600 + 100 + 300);
        // Different blocks: straight through a cross aisle.
        let r = Point { x_cm: 900, y_cm: 2000 };
        assert_eq!(l.distance_cm(p, r), 900 + 1900);
        let mut legs = Vec::new();
        l.leg(p, q, &mut legs);
        assert_eq!(legs, vec![Point { x_cm: 0, y_cm: 0 }, Point { x_cm: 600, y_cm: 0 }, q]);
    }

    #[test]
    fn every_bad_value_is_reported_with_its_line() {
        let bad = EXAMPLE
            .replace("aisles = 4", "aisles = 0")
            .replace("speed_m_per_s = 1.0", "speed_m_per_s = -1.0");
        let Err(WarehouseError::Invalid { issues, .. }) = parse_layout(&bad, "w.toml") else {
            panic!("accepted")
        };
        let fields: Vec<_> =
            issues.iter().map(|i| (i.field().unwrap().to_owned(), i.line())).collect();
        assert!(fields.contains(&("aisles".into(), Some(4))), "{fields:?}");
        assert!(fields.iter().any(|(f, l)| f == "speed_m_per_s" && l.is_some()));
        assert!(fields.iter().any(|(f, _)| f == "depot_aisle"));
        let unknown = EXAMPLE.replace("levels = 2", "levels = 2\nfloors = 3");
        let Err(WarehouseError::Invalid { issues, .. }) = parse_layout(&unknown, "w.toml") else {
            panic!("accepted")
        };
        assert_eq!(issues[0].code, "E-WH-UNKNOWN-KEY");
        assert_eq!(issues[0].line(), Some(11));
    }
}
