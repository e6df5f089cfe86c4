//! The reader's tests: the CVRP files it always read, the explicit layouts on tiny
//! hand-made texts, time windows and service times, and every refusal.

use super::*;
use proptest::prelude::*;

const TINY: &str = "NAME : t\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\n\
    CAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n3 0 1\nDEMAND_SECTION\n1 0\n2 5\n3 4\n\
    DEPOT_SECTION\n1\n-1\nEOF\n";

#[test]
fn reads_a_small_instance() {
    let p = parse(TINY).unwrap();
    assert_eq!(p.stops.len(), 2);
    assert_eq!(p.stops[1].demand, vec![4]);
    assert_eq!(p.depots[0].location, 0);
    assert_eq!(p.locations.distance(0, 1), 5.0);
    assert_eq!(p.vehicle_types[0].capacity, vec![10]);
}

#[test]
fn a_bad_number_names_its_line() {
    let bad = TINY.replace("2 3 4", "2 x 4");
    let err = parse(&bad).unwrap_err();
    assert!(matches!(err, RoutingError::Parse { line: 8, .. }), "{err}");
}

#[test]
fn other_edge_weights_are_refused() {
    let bad = TINY.replace("EUC_2D", "GEO");
    assert!(matches!(parse(&bad), Err(RoutingError::Unsupported { .. })));
}

#[test]
fn r12_a_file_truncated_mid_section_is_refused() {
    let cut = TINY.split("3 0 1\n").next().unwrap();
    let err = parse(cut).unwrap_err();
    assert!(matches!(err, RoutingError::Parse { .. }), "{err}");
    assert!(err.to_string().contains("DIMENSION is 3"), "{err}");
    let no_demand = TINY.replace("3 4\nDEPOT", "DEPOT");
    assert!(parse(&no_demand).unwrap_err().to_string().contains("DEMAND_SECTION has 2"));
    let no_dim = TINY.replace("DIMENSION : 3\n", "");
    assert!(parse(&no_dim).unwrap_err().to_string().contains("missing DIMENSION"));
}

#[test]
fn r12_extra_fields_duplicates_and_non_finite_numbers_are_refused() {
    for (from, to, line) in [
        ("2 3 4", "2 3 4 5", 8),
        ("2 3 4", "2 NaN 4", 8),
        ("3 0 1", "2 0 1", 9),
        ("2 5\n", "2 5 1\n", 12),
        ("2 5\n", "2 5.5\n", 12),
    ] {
        let err = parse(&TINY.replace(from, to)).unwrap_err();
        assert!(matches!(err, RoutingError::Parse { line: l, .. } if l == line), "{to}: {err}");
    }
}

#[test]
fn r12_a_read_error_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.vrp");
    std::fs::write(&path, TINY.replace("2 3 4", "2 x 4")).unwrap();
    let err = read(&path).unwrap_err();
    assert!(err.to_string().contains("cut.vrp"), "{err}");
    assert!(matches!(err, RoutingError::Parse { line: 8, .. }), "{err}");
}

/// A 4-node VRPTW in the ORTEC shape: asymmetric full matrix, service times, windows.
const TW: &str = "NAME : tw\nCOMMENT : hand-made\nTYPE : VRPTW\nDIMENSION : 4\n\
    EDGE_WEIGHT_TYPE : EXPLICIT\nVEHICLES : 2\nEDGE_WEIGHT_FORMAT : FULL_MATRIX\nCAPACITY : 10\n\
    EDGE_WEIGHT_SECTION\n0\t5\t7\t9\n6\t0\t2\t4\n8\t3\t0\t1\n9\t4\t2\t0\n\
    NODE_COORD_SECTION\n1 0 0\n2 5 0\n3 7 0\n4 9 0\nDEMAND_SECTION\n1 0\n2 4\n3 5\n4 6\n\
    DEPOT_SECTION\n1\n-1\nSERVICE_TIME_SECTION\n1 0\n2 10\n3 20\n4 30\n\
    TIME_WINDOW_SECTION\n1 0 500\n2 0 100\n3 50 60\n4 0 400\nEOF\n";

#[test]
fn reads_an_asymmetric_matrix_with_windows_and_service_times() {
    let p = parse(TW).unwrap();
    let Locations::Matrix { distance, duration } = &p.locations else { panic!("a matrix") };
    assert_eq!(distance, duration, "durations are the edge weights");
    assert_eq!((distance[0][1], distance[1][0], distance[2][3]), (5.0, 6.0, 1.0));
    assert_eq!(p.stops.len(), 3);
    let s = &p.stops[1];
    assert_eq!((s.id.as_str(), s.location, s.demand[0]), ("3", 2, 5));
    assert_eq!((s.service_time, s.time_window), (20.0, TimeWindow { start: 50.0, end: 60.0 }));
    let v = &p.vehicle_types[0];
    assert_eq!((v.count, v.capacity[0], v.shift), (2, 10, TimeWindow { start: 0.0, end: 500.0 }));
    assert!(!p.objective.vehicles_first);
    assert!(p.validate().is_ok());
}

#[test]
fn coordinates_are_optional_with_a_matrix_and_the_depot_may_be_any_node() {
    let text = TW.replace("NODE_COORD_SECTION\n1 0 0\n2 5 0\n3 7 0\n4 9 0\n", "");
    let p = parse(&text.replace("DEPOT_SECTION\n1\n", "DEPOT_SECTION\n3\n")).unwrap();
    assert_eq!(p.depots[0].location, 2);
    assert_eq!(p.stops.iter().map(|s| s.location).collect::<Vec<_>>(), [0, 1, 3]);
    assert_eq!(p.vehicle_types[0].shift, TimeWindow { start: 70.0, end: 60.0 });
    assert!(p.validate().is_err(), "the depot's own window ends before its service does");
}

/// The hand-made symmetric instance: node 1 the depot, a 4 x 4 matrix in `layout`.
fn symmetric(layout: &str, section: &str) -> String {
    format!(
        "NAME : sym\nTYPE : CVRP\nDIMENSION : 4\nEDGE_WEIGHT_TYPE : EXPLICIT\n\
         EDGE_WEIGHT_FORMAT : {layout}\nCAPACITY : 10\nEDGE_WEIGHT_SECTION\n{section}\n\
         DEMAND_SECTION\n1 0\n2 1\n3 1\n4 1\nDEPOT_SECTION\n1\n-1\nEOF\n"
    )
}

#[test]
fn every_layout_of_the_same_matrix_reads_the_same() {
    let texts = [
        ("FULL_MATRIX", "0 1 2 3\n1 0 4 5\n2 4 0 6\n3 5 6 0"),
        ("UPPER_ROW", "1 2 3\n4 5\n6"),
        ("LOWER_ROW", "1\n2 4\n3 5 6"),
        ("UPPER_DIAG_ROW", "0 1 2 3\n0 4 5\n0 6\n0"),
        ("LOWER_DIAG_ROW", "0\n1 0\n2 4 0\n3 5 6 0"),
        ("UPPER_COL", "1\n2 4\n3 5 6"),
        ("LOWER_COL", "1 2 3\n4 5\n6"),
        ("UPPER_DIAG_COL", "0\n1 0\n2 4 0\n3 5 6 0"),
        // Entries may wrap over lines anyhow: only their order counts.
        ("LOWER_DIAG_COL", "0 1 2 3 0\n4 5 0 6 0"),
    ];
    assert_eq!(texts.len(), Layout::ALL.len());
    let want = parse(&symmetric(texts[0].0, texts[0].1)).unwrap().locations;
    for (layout, section) in texts {
        let p = parse(&symmetric(layout, section)).unwrap();
        assert_eq!(p.locations, want, "{layout}");
    }
    let Locations::Matrix { distance, .. } = want else { panic!("a matrix") };
    assert_eq!(distance[3], [3.0, 5.0, 6.0, 0.0]);
}

#[test]
fn a_truncated_or_overlong_matrix_names_its_line() {
    let cut = TW.replace("9\t4\t2\t0\n", "9\t4\n");
    let err = parse(&cut).unwrap_err();
    assert!(matches!(err, RoutingError::Parse { line: 14, .. }), "{err}");
    assert!(err.to_string().contains("after 14 of the 16 entries of a FULL_MATRIX"), "{err}");
    let long = TW.replace("9\t4\t2\t0\n", "9\t4\t2\t0\t1\n");
    assert!(matches!(parse(&long), Err(RoutingError::Parse { line: 13, .. })));
    let at_the_end =
        symmetric("LOWER_ROW", "1\n2 4\n3 5").split("DEMAND").next().unwrap().to_owned();
    let err = parse(&at_the_end).unwrap_err();
    assert!(err.to_string().contains("after 5 of the 6 entries"), "{err}");
}

#[test]
fn bad_negative_and_oversized_weights_are_refused_by_line() {
    for (to, why) in
        [("x", "bad edge weight"), ("-1", "outside"), ("1e13", "outside"), ("inf", "not finite")]
    {
        let err = parse(&TW.replace("6\t0\t2\t4", &format!("6\t0\t{to}\t4"))).unwrap_err();
        assert!(matches!(err, RoutingError::Parse { line: 11, .. }), "{to}: {err}");
        assert!(err.to_string().contains(why), "{to}: {err}");
    }
}

#[test]
fn unknown_layouts_types_and_sections_are_refused_by_name() {
    let err = parse(&TW.replace("FULL_MATRIX", "FUNCTION")).unwrap_err();
    assert!(
        matches!(&err, RoutingError::Unsupported { value, .. } if value == "FUNCTION"),
        "{err}"
    );
    let err =
        parse(&TW.replace("EDGE_WEIGHT_TYPE : EXPLICIT", "EDGE_WEIGHT_TYPE : EUC_2D")).unwrap_err();
    assert!(err.to_string().contains("needs EDGE_WEIGHT_TYPE : EXPLICIT"), "{err}");
    let no_layout = TW.replace("EDGE_WEIGHT_FORMAT : FULL_MATRIX\n", "");
    assert!(parse(&no_layout).unwrap_err().to_string().contains("missing EDGE_WEIGHT_FORMAT"));
    let pickups = TW.replace("EOF\n", "PICKUP_SECTION\n1 0\nEOF\n");
    let err = parse(&pickups).unwrap_err();
    assert!(
        matches!(&err, RoutingError::Unsupported { key, .. } if key == "PICKUP_SECTION"),
        "{err}"
    );
    let no_matrix = symmetric("FULL_MATRIX", "").replace("EDGE_WEIGHT_SECTION\n", "");
    assert!(parse(&no_matrix).unwrap_err().to_string().contains("missing EDGE_WEIGHT_SECTION"));
}

#[test]
fn windows_service_times_and_nodes_are_checked_row_by_row() {
    for (from, to, line, why) in [
        ("3 50 60", "3 60 50", 35, "after due"),
        ("3 50 60", "3 50", 35, "expected `node ready due`"),
        ("3 20\n", "3 -20\n", 30, "outside"),
        ("4 30\n", "5 30\n", 31, "outside 1..=4"),
        ("2 0 100", "3 0 100", 35, "time window of node 3 twice"),
    ] {
        let err = parse(&TW.replace(from, to)).unwrap_err();
        assert!(matches!(err, RoutingError::Parse { line: l, .. } if l == line), "{to}: {err}");
        assert!(err.to_string().contains(why), "{to}: {err}");
    }
    let short = TW.replace("4 0 400\n", "");
    assert!(parse(&short).unwrap_err().to_string().contains("TIME_WINDOW_SECTION has 3"));
}

#[test]
fn sizes_are_bounded_before_anything_is_allocated() {
    let huge = TW.replace("DIMENSION : 4", "DIMENSION : 1000001");
    assert!(parse(&huge).unwrap_err().to_string().contains("over the limit"));
    // 20,000 nodes: two matrices of 3.2 GB each, over the default 4 GB.
    let big = TW.replace("DIMENSION : 4", "DIMENSION : 20000");
    assert!(matches!(parse(&big), Err(RoutingError::TooLarge { locations: 20000, .. })));
    let late = TW.replace("DIMENSION : 4\n", "").replace("EOF", "DIMENSION : 4\nEOF");
    assert!(parse(&late).unwrap_err().to_string().contains("missing DIMENSION before"));
}

#[test]
fn a_truncated_matrix_read_from_a_file_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.txt");
    std::fs::write(&path, TW.split("\t2\t0\n").next().unwrap()).unwrap();
    let err = read(&path).unwrap_err();
    assert!(err.to_string().contains("cut.txt line 13"), "{err}");
}

fn matrix() -> impl Strategy<Value = Vec<Vec<f64>>> {
    (1usize..8).prop_flat_map(|n| {
        prop::collection::vec(prop::collection::vec(0u32..2_000_000, n), n).prop_map(|rows| {
            rows.iter().map(|r| r.iter().map(|&x| f64::from(x) / 8.0).collect()).collect()
        })
    })
}

proptest! {
    /// A random matrix written in each layout (its upper triangle mirrored for the
    /// symmetric ones, its diagonal cleared for those without it) reads back equal.
    #[test]
    fn a_random_matrix_written_in_each_layout_reads_back_equal(m in matrix()) {
        let n = m.len();
        for layout in Layout::ALL {
            let mut want = m.clone();
            for (i, j) in (0..n).flat_map(|i| (0..n).map(move |j| (i, j))) {
                if layout.symmetric() && j < i {
                    want[i][j] = want[j][i];
                }
                if i == j && !layout.has_diagonal() {
                    want[i][j] = 0.0;
                }
            }
            let demands: String = (1..=n).map(|i| format!("{i} 1\n")).collect();
            let text = format!(
                "DIMENSION : {n}\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : {}\n\
                 CAPACITY : 9\nEDGE_WEIGHT_SECTION\n{}DEMAND_SECTION\n{demands}EOF\n",
                layout.name(),
                layout.write(&want),
            );
            let p = parse(&text).unwrap();
            prop_assert_eq!(
                p.locations,
                Locations::Matrix { distance: want.clone(), duration: want },
                "{}", layout.name()
            );
        }
    }
}

/// Five nodes on a line, the depots at 1 and 5: `node x`, 10 apart.
const FLEET: &str = "NAME : f\nTYPE : CVRP\nDIMENSION : 5\nEDGE_WEIGHT_TYPE : EUC_2D\n\
    VEHICLES : 3\nNODE_COORD_SECTION\n1 0 0\n2 10 0\n3 20 0\n4 30 0\n5 40 0\n\
    LINEHAUL_SECTION\n1 0\n2 4\n3 4\n4 4\n5 0\nDEPOT_SECTION\n1\n5\n-1\n";

#[test]
fn r13_vehicles_one_by_one_become_types_with_their_depots_capacities_and_limits() {
    let text = format!(
        "{FLEET}CAPACITY_SECTION\n1 8\n2 8\n3 12\nVEHICLES_DEPOT_SECTION\n1 1\n2 1\n3 5\n\
         VEHICLES_MAX_DISTANCE_SECTION\n1 100\n2 100\n3 60\nEOF\n"
    )
    .replace("VEHICLES : 3\n", "VEHICLES : 3\nVEHICLES_FIXED_COST : 7\n");
    let p = parse(&text).unwrap();
    p.validate().unwrap();
    // Vehicles 1 and 2 are the same: one type of two.
    assert_eq!(p.vehicle_types.len(), 2);
    let (a, b) = (&p.vehicle_types[0], &p.vehicle_types[1]);
    assert_eq!((a.count, a.capacity[0], a.start_depot, a.max_distance), (2, 8, 0, Some(100.0)));
    assert_eq!((b.count, b.capacity[0], b.start_depot, b.max_distance), (1, 12, 1, Some(60.0)));
    assert_eq!((a.fixed_cost, b.fixed_cost, a.cost_per_distance), (7.0, 7.0, 1.0));
    // Both depots are depots, three clients are stops.
    assert_eq!(p.stops.len(), 3);
    // A section that does not list every vehicle is refused.
    let short = format!("{FLEET}CAPACITY_SECTION\n1 8\n2 8\nEOF\n");
    assert!(parse(&short).unwrap_err().to_string().contains("CAPACITY_SECTION has 2"));
    let far = format!("{FLEET}CAPACITY_SECTION\n1 8\n2 8\n4 12\nEOF\n");
    assert!(parse(&far).unwrap_err().to_string().contains("vehicle 4 is outside 1..=3"));
    let huge = format!("{FLEET}CAPACITY_SECTION\n1 8\nEOF\n")
        .replace("VEHICLES : 3", "VEHICLES : 99999999999");
    assert!(parse(&huge).unwrap_err().to_string().contains("over the limit"));
}

#[test]
fn r13_allowed_clients_are_skills_and_the_solver_keeps_to_them() {
    // Vehicle 1 may serve node 2 only; vehicles 2 and 3 any client.
    let text = format!(
        "{FLEET}CAPACITY_SECTION\n1 20\n2 20\n3 20\nVEHICLES_ALLOWED_CLIENTS_SECTION\n1 2\n\
         2 2 3 4\n3 2 3 4\nEOF\n"
    );
    let p = parse(&text).unwrap();
    p.validate().unwrap();
    assert_eq!(p.vehicle_types.len(), 2);
    // Node 2 needs nothing (every type may serve it), nodes 3 and 4 the second type's skill.
    assert!(p.stops[0].skills.is_empty());
    assert_eq!(p.stops[1].skills, p.stops[2].skills);
    assert!(p.vehicle_types[0].skills.is_empty());
    assert_eq!(p.vehicle_types[1].skills, p.stops[1].skills);
    let config = SolverConfig::default().with_max_iterations(200);
    let s = crate::routing::solve(&p, &config, &crate::SolveContext::new(1)).unwrap();
    assert!(crate::routing::check(&p, &s).is_ok());
    for r in s.routes.iter().filter(|r| r.vehicle_type == 0) {
        assert!(r.stops.iter().all(|&x| x == 0), "type 1 serves only node 2: {:?}", r.stops);
    }
}

#[test]
fn r13_a_prize_makes_a_client_optional() {
    // Node 5 is the farthest (20 more there and back than node 4) and worth only 1.
    let text = format!("{FLEET}PRIZE_SECTION\n1 0\n2 0\n3 0\n4 0\n5 1\nEOF\n")
        .replace("VEHICLES : 3\n", "VEHICLES : 3\nCAPACITY : 20\n")
        .replace("DEPOT_SECTION\n1\n5\n-1\n", "DEPOT_SECTION\n1\n-1\n");
    let p = parse(&text).unwrap();
    assert_eq!(p.stops.len(), 4);
    assert_eq!(
        p.stops.iter().map(|s| s.unserved_penalty).collect::<Vec<_>>(),
        [None, None, None, Some(1.0)]
    );
    let config = SolverConfig::default().with_max_iterations(200);
    let s = crate::routing::solve(&p, &config, &crate::SolveContext::new(1)).unwrap();
    assert!(crate::routing::check(&p, &s).is_ok());
    let left: Vec<usize> = s.unserved.iter().map(|u| u.stop).collect();
    assert_eq!(left, [3], "{s:?}");
}

#[test]
fn r13_specifications_and_sections_it_does_not_model_are_refused_by_name() {
    for (extra, key) in [
        ("VEHICLES_MAX_RELOADS : 2\n", "VEHICLES_MAX_RELOADS"),
        ("RELEASE_TIME : 5\n", "RELEASE_TIME"),
    ] {
        let text = TINY.replace("CAPACITY : 10\n", &format!("CAPACITY : 10\n{extra}"));
        let err = parse(&text).unwrap_err();
        assert!(matches!(&err, RoutingError::Unsupported { key: k, .. } if k == key), "{err}");
    }
    for section in ["RELEASE_TIME_SECTION", "MUTUALLY_EXCLUSIVE_GROUP_SECTION"] {
        let text = TINY.replace("EOF\n", &format!("{section}\n1 0\nEOF\n"));
        let err = parse(&text).unwrap_err();
        assert!(matches!(&err, RoutingError::Unsupported { key, .. } if key == section), "{err}");
    }
}

#[test]
fn r13_backhauls_ride_back_to_the_depot_and_the_load_is_checked_along_the_route() {
    // Nodes 2 and 3 each take 4 out and send 6 back; one vehicle of 10: out 8, after the
    // first stop 8 - 4 + 6 = 10, after the second 12: over. Two vehicles are needed.
    let text = "NAME : b\nTYPE : VRPB\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n\
        VEHICLES : 2\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n3 3 5\nLINEHAUL_SECTION\n1 0\n2 4\n3 4\n\
        BACKHAUL_SECTION\n1 0\n2 6\n3 6\nDEPOT_SECTION\n1\n-1\nEOF\n";
    let p = parse(text).unwrap();
    p.validate().unwrap();
    assert_eq!((p.stops[0].backhaul.clone(), p.stops[0].demand.clone()), (vec![6], vec![4]));
    let config = SolverConfig::default().with_max_iterations(200);
    let s = crate::routing::solve(&p, &config, &crate::SolveContext::new(1)).unwrap();
    let report = crate::routing::check(&p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    assert_eq!((s.routes.len(), s.unserved.len()), (2, 0), "{s:?}");
    // Both on one route breaks the capacity after the second stop, and the checker says so.
    let mut one = s.clone();
    let second = one.routes.remove(1).stops;
    one.routes[0].stops.extend(second);
    let v = crate::routing::check(&p, &one).violations;
    assert!(
        v.iter().any(|x| matches!(x, crate::routing::CheckViolation::Capacity { load: 12, .. })),
        "{v:?}"
    );
}

/// A depot and two pairs on a line: 2 -> 3 and 4 -> 5 (`node demand ready due service
/// pickup delivery`).
const PAIRS: &str = "NAME : pd\nTYPE : PDPTW\nDIMENSION : 5\nEDGE_WEIGHT_TYPE : EUC_2D\n\
    CAPACITY : 10\nVEHICLES : 2\nNODE_COORD_SECTION\n1 0 0\n2 10 0\n3 20 0\n4 0 10\n5 0 20\n\
    PICKUP_AND_DELIVERY_SECTION\n1 0 0 1000 0 0 0\n2 6 0 1000 5 0 3\n3 -6 0 1000 5 2 0\n\
    4 7 0 1000 5 0 5\n5 -7 0 1000 5 4 0\nDEPOT_SECTION\n1\n-1\nEOF\n";

#[test]
fn r13_pickup_and_delivery_rows_are_shipments() {
    let p = parse(PAIRS).unwrap();
    p.validate().unwrap();
    assert_eq!(p.shipments.len(), 2);
    assert_eq!((p.shipments[0].pickup, p.shipments[0].delivery), (0, 1));
    assert_eq!((p.stops[1].demand.clone(), p.stops[1].service_time), (vec![6], 5.0));
    assert_eq!(p.vehicle_types[0].shift, TimeWindow { start: 0.0, end: 1000.0 });
    let config = SolverConfig::default().with_max_iterations(200);
    let s = crate::routing::solve(&p, &config, &crate::SolveContext::new(1)).unwrap();
    let report = crate::routing::check(&p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    // Both pairs cannot share a vehicle of 10 (6 + 7 on board at once) unless one ends
    // before the other starts: each route serves its pickups before their deliveries.
    for r in &s.routes {
        for sh in &p.shipments {
            let at = |x: usize| r.stops.iter().position(|&y| y == x);
            if let (Some(a), Some(b)) = (at(sh.pickup), at(sh.delivery)) {
                assert!(a < b, "{r:?}");
            }
        }
    }
    // A partner that does not name the node back, or carries another demand, names its line.
    let bad = PAIRS.replace("3 -6 0 1000 5 2 0", "3 -6 0 1000 5 4 0");
    assert!(
        parse(&bad)
            .unwrap_err()
            .to_string()
            .contains("line 15: node 3 does not name node 2 as its pickup"),
        "{}",
        parse(&bad).unwrap_err()
    );
    let bad = PAIRS.replace("3 -6 0 1000 5 2 0", "3 -5 0 1000 5 2 0");
    let e = parse(&bad).unwrap_err().to_string();
    assert!(e.contains("line 15") && e.contains("must be d >= 0 and -d"), "{e}");
    // The rows give the demands: a DEMAND_SECTION beside them repeats a node.
    let twice =
        PAIRS.replace("DEPOT_SECTION", "DEMAND_SECTION\n1 0\n2 6\n3 6\n4 7\n5 7\nDEPOT_SECTION");
    assert!(parse(&twice).unwrap_err().to_string().contains("twice"));
}
