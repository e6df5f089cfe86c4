//! Vehicle profiles on the real Monaco extract (issue 13, item 1): an e-cargo bike is never
//! routed on a motorway or trunk road, nor at car speed, and the van's graph is the one it
//! was before profiles existed.

use std::path::PathBuf;
use stockroute::roads::graph::{RoadClass, RoadGraph, RoadOptions, VehicleProfile};
use stockroute::roads::snap::DEFAULT_MAX_SNAP_M;

fn monaco(profile: VehicleProfile) -> RoadGraph {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/monaco/roads.osm.pbf");
    RoadGraph::from_pbf(path, &RoadOptions::default().with_profile(profile)).unwrap()
}

/// The fastest path from the Prince's Palace to the Casino: (time ms, length mm, classes).
fn palace_to_casino(g: &RoadGraph) -> (u64, u64, Vec<RoadClass>) {
    let palace = g.snap(43.7314, 7.4197, DEFAULT_MAX_SNAP_M).unwrap();
    let casino = g.snap(43.7393, 7.4286, DEFAULT_MAX_SNAP_M).unwrap();
    let path = g.shortest_path(palace.node, casino.node).unwrap();
    let classes = g.path_classes(&path).unwrap();
    assert_eq!(classes.len() + 1, path.nodes.len());
    (path.time_ms, path.length_mm, classes)
}

fn kmh(time_ms: u64, length_mm: u64) -> f64 {
    length_mm as f64 / time_ms as f64 * 3.6
}

#[test]
fn van_graph_is_the_one_before_profiles() {
    let van = monaco(VehicleProfile::Van);
    assert_eq!(van.profile(), VehicleProfile::Van);
    // Recorded on the code before profiles (commit 0162351).
    assert_eq!((van.node_count(), van.edge_count()), (14_782, 26_331));
    let s = van.stats();
    assert_eq!((s.nodes_before_scc, s.edges_before_scc, s.drivable_ways), (16_094, 28_286, 1_747));
    let (time_ms, length_mm, classes) = palace_to_casino(&van);
    assert_eq!((time_ms, length_mm), (113_520, 1_486_864));
    assert!(classes.iter().all(|c| c.is_motor_class()));
    // The default options are the van's.
    let default = RoadGraph::from_pbf(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/monaco/roads.osm.pbf"),
        &RoadOptions::default(),
    )
    .unwrap();
    assert!(default.graph().edge_weights().eq(van.graph().edge_weights()));
}

#[test]
fn bike_never_rides_motorways_or_trunks_nor_at_car_speed() {
    let bike = monaco(VehicleProfile::Bicycle);
    let van = monaco(VehicleProfile::Van);
    assert_eq!(bike.profile(), VehicleProfile::Bicycle);
    let edges = bike.graph().edge_indices();
    let classes: Vec<RoadClass> = edges.map(|e| bike.edge_class(e).unwrap()).collect();
    assert!(!classes.iter().any(|c| c.is_through_road()));
    // Monaco has cycle and pedestrian ways open to bikes: the bike's network is its own.
    assert!(classes.iter().any(|c| !c.is_motor_class()));
    for e in bike.graph().edge_weights() {
        // The time at 25 km/h, less the millisecond that rounding may take off.
        let fastest_ms = f64::from(e.length_mm) * 3.6 / 25.0;
        assert!(f64::from(e.time_ms) + 1.0 >= fastest_ms, "{e:?}");
    }

    let (bike_ms, bike_mm, bike_classes) = palace_to_casino(&bike);
    let (van_ms, van_mm, _) = palace_to_casino(&van);
    assert!(!bike_classes.iter().any(|c| c.is_through_road()), "{bike_classes:?}");
    let bike_kmh = kmh(bike_ms, bike_mm);
    assert!(bike_kmh <= 25.0 && bike_kmh > 5.0, "{bike_kmh:.1} km/h");
    assert!(van_ms < bike_ms, "van {van_ms} ms, bike {bike_ms} ms");
    eprintln!(
        "monaco bike: {} nodes, {} edges; palace->casino bike {bike_ms} ms {bike_mm} mm \
         ({bike_kmh:.1} km/h), van {van_ms} ms {van_mm} mm ({:.1} km/h)",
        bike.node_count(),
        bike.edge_count(),
        kmh(van_ms, van_mm)
    );
}

#[test]
fn walkers_and_trucks_get_their_own_monaco() {
    let foot = monaco(VehicleProfile::Foot);
    let truck = monaco(VehicleProfile::Truck);
    let van = monaco(VehicleProfile::Van);
    // Walkers ignore oneway and have steps and footways: more nodes than the van.
    assert!(foot.node_count() > van.node_count(), "{} vs {}", foot.node_count(), van.node_count());
    let (foot_ms, foot_mm, _) = palace_to_casino(&foot);
    assert!(kmh(foot_ms, foot_mm) <= 5.0 + 1e-9);
    // A truck has no more roads than the van and is never faster.
    assert!(truck.edge_count() <= van.edge_count());
    let (truck_ms, _, _) = palace_to_casino(&truck);
    let (van_ms, _, _) = palace_to_casino(&van);
    assert!(truck_ms >= van_ms);
    eprintln!(
        "monaco foot: {} nodes, {} edges, palace->casino {foot_ms} ms {foot_mm} mm; \
         truck: {} nodes, {} edges, {truck_ms} ms",
        foot.node_count(),
        foot.edge_count(),
        truck.node_count(),
        truck.edge_count()
    );
}
