//! Road graph, snapping and travel matrices on the real Monaco OSM extract.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use stockroute::SolveContext;
use stockroute::roads::ch::ContractionHierarchy;
use stockroute::roads::error::RoadError;
use stockroute::roads::graph::{RoadGraph, RoadOptions};
use stockroute::roads::matrix::TravelMatrix;
use stockroute::roads::oracle::{ArcCost, OracleOptions, RoadOracle};
use stockroute::roads::snap::{DEFAULT_MAX_SNAP_M, Snapped, UnreachableReason};
use stockroute::roads::traffic::TrafficProfile;

fn monaco_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/monaco/roads.osm.pbf")
}

fn monaco() -> &'static RoadGraph {
    static GRAPH: OnceLock<RoadGraph> = OnceLock::new();
    GRAPH.get_or_init(|| RoadGraph::from_pbf(monaco_path(), &RoadOptions::default()).unwrap())
}

/// Deterministic pseudo-random points in the Monaco town area (not the whole box: half
/// of that is sea or hillside).
fn town_points(n: usize, seed: u64) -> Vec<(usize, f64, f64)> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    (0..n).map(|i| (i, rng.random_range(43.727..43.748), rng.random_range(7.410..7.438))).collect()
}

/// The first `n` of those points that snap (the box holds some sea: those are skipped).
fn snapped_town(n: usize, seed: u64) -> Vec<Snapped> {
    let report = monaco().snap_all(town_points(3 * n, seed), DEFAULT_MAX_SNAP_M);
    assert!(report.snapped.len() >= n, "{:?}", report.unreachable);
    report.snapped.into_iter().take(n).map(|(_, s)| s).collect()
}

#[test]
fn monaco_graph_sizes_match_the_extract() {
    let g = monaco();
    let s = *g.stats();
    // The shared README counts ~16.4k nodes / 29.7k directed edges for motorway..service
    // before SCC filtering; this build also drops `access=no`, areas and reversible ways.
    assert!((15_000..17_500).contains(&s.nodes_before_scc), "{s:?}");
    assert!((26_000..31_000).contains(&s.edges_before_scc), "{s:?}");
    assert_eq!(s.nodes_before_scc - s.nodes_dropped, g.node_count());
    assert_eq!(s.edges_before_scc - s.edges_dropped, g.edge_count());
    assert!(s.nodes_dropped > 0 && s.nodes_dropped < s.nodes_before_scc / 5, "{s:?}");
    assert!(s.drivable_ways > 1_500 && s.drivable_ways < s.highway_ways, "{s:?}");
}

#[test]
fn monaco_50_by_50_matrix_is_complete_and_plausible() {
    let stops = snapped_town(50, 7);
    let ctx = SolveContext::new(7).with_threads(2);
    let m = TravelMatrix::compute(monaco(), &stops, &TrafficProfile::flat(), 10, &ctx).unwrap();
    assert_eq!(m.len(), 50);
    for i in 0..50 {
        for j in 0..50 {
            if i == j {
                continue;
            }
            let (t, d) = (m.time_s(i, j), m.distance_m(i, j));
            let crow = stockroute_crow_m(&stops[i], &stops[j]);
            // Monaco is ~3 km across: minutes, not hours; never shorter than the crow flies.
            assert!(t > 0 && t < 30 * 60, "{i}->{j}: {t} s");
            assert!(f64::from(d) + 1.0 >= crow, "{i}->{j}: {d} m < crow {crow:.0} m");
            assert!(d < 15_000, "{i}->{j}: {d} m");
            let kmh = f64::from(d) / f64::from(t) * 3.6;
            assert!((5.0..=90.0).contains(&kmh), "{i}->{j}: {kmh:.1} km/h");
        }
    }
}

fn stockroute_crow_m(a: &Snapped, b: &Snapped) -> f64 {
    use geo::{Distance, Haversine, Point};
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat))
}

#[test]
fn town_stops_snap_to_streets_not_tunnels() {
    let g = monaco();
    let stoppable = g.graph().node_weights().filter(|n| n.stoppable).count();
    // Monaco has tunnels and a trunk road, but most nodes are ordinary streets.
    assert!(stoppable > g.node_count() / 2 && stoppable < g.node_count(), "{stoppable}");
    for s in snapped_town(200, 13) {
        assert!(g.node(s.node).stoppable, "{s:?}");
    }
}

#[test]
fn palace_to_casino_takes_minutes() {
    let g = monaco();
    // Prince's Palace (Monaco-Ville) and the Casino (Monte-Carlo), ~1.2 km apart.
    let palace = g.snap(43.7314, 7.4197, DEFAULT_MAX_SNAP_M).unwrap();
    let casino = g.snap(43.7393, 7.4286, DEFAULT_MAX_SNAP_M).unwrap();
    assert!(palace.snap_distance_m < 100.0 && casino.snap_distance_m < 100.0);
    let m = TravelMatrix::compute(
        g,
        &[palace, casino],
        &TrafficProfile::flat(),
        9,
        &SolveContext::new(0),
    )
    .unwrap();
    for (i, j) in [(0, 1), (1, 0)] {
        assert!((120..=900).contains(&m.time_s(i, j)), "{}", m.time_s(i, j));
        assert!((1_100..=4_000).contains(&m.distance_m(i, j)), "{}", m.distance_m(i, j));
    }
}

#[test]
fn triangle_inequality_holds_up_to_rounding() {
    let stops = snapped_town(40, 11);
    let m =
        TravelMatrix::compute(monaco(), &stops, &TrafficProfile::flat(), 0, &SolveContext::new(0))
            .unwrap();
    for i in 0..40 {
        for j in 0..40 {
            for k in 0..40 {
                assert!(m.time_s(i, k) <= m.time_s(i, j) + m.time_s(j, k) + 1, "{i} {j} {k}");
            }
        }
    }
}

#[test]
fn points_at_sea_or_far_away_are_unreachable_not_dropped() {
    let g = monaco();
    // Open sea ~2 km south of Port Hercule, inside the extract's box.
    match g.snap(43.712, 7.44, DEFAULT_MAX_SNAP_M) {
        Err(UnreachableReason::TooFarFromRoad { distance_m, .. }) => {
            assert!(distance_m > DEFAULT_MAX_SNAP_M, "{distance_m}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(g.snap(48.8566, 2.3522, DEFAULT_MAX_SNAP_M), Err(UnreachableReason::OutsideGraph));
    let mut points = town_points(5, 3);
    points.push((5, 43.712, 7.44));
    let report = g.snap_all(points, DEFAULT_MAX_SNAP_M);
    assert_eq!(report.snapped.len(), 5);
    assert_eq!(report.unreachable.len(), 1);
    assert_eq!(report.unreachable[0].id, 5);
}

#[test]
fn path_geometry_follows_graph_edges_and_matches_the_matrix() {
    let g = monaco();
    let stops = snapped_town(2, 5);
    let line = g.path_geometry(&stops[0], &stops[1]).unwrap();
    assert_eq!(line[0], (stops[0].lon, stops[0].lat));
    assert_eq!(line[line.len() - 1], (stops[1].lon, stops[1].lat));
    let path = g.shortest_path(stops[0].node, stops[1].node).unwrap();
    assert_eq!(line.len(), path.nodes.len() + 2);
    let mut time_ms = 0u64;
    for w in path.nodes.windows(2) {
        let e = g.graph().find_edge(w[0], w[1]).expect("consecutive path nodes share an edge");
        time_ms += u64::from(g.graph()[e].time_ms);
    }
    assert_eq!(time_ms, path.time_ms);
    let m = TravelMatrix::compute(g, &stops, &TrafficProfile::flat(), 0, &SolveContext::new(0))
        .unwrap();
    let legs_ms =
        (stops[0].snap_distance_m + stops[1].snap_distance_m) * 3600.0 / g.access_speed_kmh();
    let expected = (path.time_ms as f64 + legs_ms).round() as u32;
    assert_eq!(m.free_flow_ms(0, 1), expected);
}

#[test]
fn rush_hour_on_monaco_scales_every_entry() {
    let stops = snapped_town(20, 9);
    let mut hourly = [1.0; 24];
    hourly[8] = 0.5;
    let profile = TrafficProfile::hourly(hourly);
    let ctx = SolveContext::new(0);
    let free = TravelMatrix::compute(monaco(), &stops, &profile, 3, &ctx).unwrap();
    let rush = TravelMatrix::compute(monaco(), &stops, &profile, 8, &ctx).unwrap();
    for i in 0..20 {
        for j in 0..20 {
            let (f, r) = (free.time_s(i, j), rush.time_s(i, j));
            assert!(r.abs_diff(2 * f) <= 1, "{i}->{j}: free {f}, rush {r}");
            assert_eq!(free.distance_m(i, j), rush.distance_m(i, j));
        }
    }
}

#[test]
fn bad_files_are_clear_errors() {
    let e = RoadGraph::from_pbf(
        monaco_path().with_file_name("atlantis.osm.pbf"),
        &RoadOptions::default(),
    );
    assert!(matches!(e, Err(RoadError::Io { .. })), "{e:?}");
    // A file that exists but is not PBF (the scenario's own TOML).
    let toml = monaco_path().with_file_name("scenario.toml");
    let e = RoadGraph::from_pbf(toml, &RoadOptions::default());
    assert!(matches!(e, Err(RoadError::NotPbf { .. })), "{e:?}");
}

#[test]
fn roads_subcommand_reports_graph_snapping_and_matrix() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["roads", "--stops", "30", "--threads", "1"])
        .arg(monaco_path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("strongly connected components"), "{stdout}");
    assert!(stdout.contains("snap: 30 points on the graph"), "{stdout}");
    assert!(stdout.contains("matrix: 30 x 30 on 1 threads"), "{stdout}");
}

/// Issue 13: `--profile` builds another vehicle's graph; an unknown profile is refused.
#[test]
fn r13_roads_subcommand_builds_the_graph_of_a_profile() {
    let run = |profile: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_stockroute"))
            .args(["roads", "--stops", "10", "--threads", "1", "--profile", profile])
            .arg(monaco_path())
            .output()
            .unwrap()
    };
    let out = run("bike");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("graph: 15329 nodes, 27609 edges"), "{stdout}");
    let out = run("hovercraft");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is no profile"));
}

#[test]
fn roads_subcommand_fails_cleanly_on_a_missing_file() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["roads", "no/such/extract.osm.pbf"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read road extract"), "{stderr}");
}

#[test]
fn oracle_arcs_and_neighbour_lists_equal_the_dense_matrix_on_monaco() {
    use rand::{Rng, SeedableRng};
    let g = monaco();
    let stops = snapped_town(300, 21);
    let mut hourly = [1.0; 24];
    hourly[8] = 0.6;
    let profile = TrafficProfile::hourly(hourly).with_weather(1.2);
    let ctx = SolveContext::new(3).with_threads(2);
    let m = TravelMatrix::compute(g, &stops, &profile, 8, &ctx).unwrap();
    let hierarchy = Arc::new(ContractionHierarchy::build(g.graph(), &ctx).unwrap());
    let k = 12;
    let options = OracleOptions::default().with_neighbours(k);
    let oracle = RoadOracle::build(g, hierarchy, &stops, &profile, 8, &options, &ctx).unwrap();

    for i in 0..stops.len() {
        let mut row: Vec<(u32, u32, usize)> = (0..stops.len())
            .filter(|&j| j != i)
            .map(|j| (m.free_flow_ms(i, j), m.distance_m(i, j), j))
            .collect();
        row.sort_unstable();
        let expected: Vec<(usize, u32, u32)> =
            row.iter().take(k).map(|&(_, d, j)| (j, m.time_s(i, j), d)).collect();
        let got: Vec<(usize, u32, u32)> = oracle
            .neighbours(i)
            .iter()
            .map(|n| (n.stop as usize, n.time_s, n.distance_m))
            .collect();
        assert_eq!(got, expected, "neighbours of stop {i}");
    }

    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(5);
    for _ in 0..500 {
        let (i, j) = (rng.random_range(0..stops.len()), rng.random_range(0..stops.len()));
        let expected = ArcCost { time_s: m.time_s(i, j), distance_m: m.distance_m(i, j) };
        assert_eq!(oracle.arc(i, j).unwrap(), expected, "{i} -> {j}");
    }
    let s = oracle.stats();
    assert_eq!(s.queries, 500);
    // Random pairs on 300 stops with 12 neighbours each: most need the hierarchy.
    assert!(s.hierarchy_queries > 400, "{s:?}");
    assert!(s.neighbour_hits > 0 || s.hierarchy_queries == 500, "{s:?}");
}

#[test]
fn roads_subcommand_times_the_oracle() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["roads", "--oracle-points", "200", "--neighbours", "10", "--queries", "3000"])
        .args(["--threads", "1"])
        .arg(monaco_path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("snap: 200 points on the graph"), "{stdout}");
    assert!(stdout.contains("hierarchy: "), "{stdout}");
    assert!(stdout.contains("neighbours: 200 points x 10 on 1 threads"), "{stdout}");
    assert!(stdout.contains("queries (random): 3000 arcs"), "{stdout}");
    assert!(stdout.contains("queries (two-hop): 3000 arcs"), "{stdout}");
    assert!(!stdout.contains("matrix:"), "{stdout}");
}
