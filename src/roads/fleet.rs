//! The road graphs a fleet drives: one per vehicle profile its vehicles use.
//!
//! A scenario whose stations run vans and e-cargo bikes needs two graphs of the same
//! extract, since a bike may take cycleways a van may not and never a motorway, at its own
//! speeds ([`VehicleProfile`]). The van's graph is always there and comes first: stations
//! are matched to orders on it, and callers that ask one graph (placement's promise
//! distances, the service's `roads=true`) get it.

use crate::roads::error::RoadError;
use crate::roads::graph::{RoadGraph, RoadOptions, VehicleProfile};
use std::path::Path;

/// Road graphs by vehicle profile, the van's first.
#[derive(Debug)]
pub struct FleetRoads {
    graphs: Vec<RoadGraph>,
}

impl FleetRoads {
    /// Builds the van's graph and one graph per other profile in `profiles` from the
    /// extract at `path` (each reads the file once).
    ///
    /// # Errors
    /// As [`RoadGraph::from_pbf`], for the first graph that cannot be built.
    pub fn from_pbf(
        path: impl AsRef<Path>,
        profiles: impl IntoIterator<Item = VehicleProfile>,
    ) -> Result<Self, RoadError> {
        let path = path.as_ref();
        let mut wanted = vec![VehicleProfile::Van];
        for p in profiles {
            if !wanted.contains(&p) {
                wanted.push(p);
            }
        }
        let graphs = wanted
            .into_iter()
            .map(|p| RoadGraph::from_pbf(path, &RoadOptions::default().with_profile(p)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { graphs })
    }

    /// One graph for every vehicle (whatever its profile): what callers with a single
    /// network (tests, a hand-made graph) pass.
    pub fn single(graph: RoadGraph) -> Self {
        Self { graphs: vec![graph] }
    }

    /// The first graph: the van's, on which stations are matched to orders.
    pub fn primary(&self) -> &RoadGraph {
        &self.graphs[0]
    }

    /// The graph a vehicle of `profile` drives: its own, else the primary one (a
    /// [`FleetRoads::single`] network serves every profile).
    pub fn of(&self, profile: VehicleProfile) -> &RoadGraph {
        self.graphs.iter().find(|g| g.profile() == profile).unwrap_or(self.primary())
    }

    /// Whether `profile` drives a graph of its own, apart from the primary one.
    pub fn has_own(&self, profile: VehicleProfile) -> bool {
        self.graphs.iter().skip(1).any(|g| g.profile() == profile)
    }

    /// The graphs, the primary first.
    pub fn graphs(&self) -> &[RoadGraph] {
        &self.graphs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monaco_has_a_van_graph_first_and_one_bike_graph() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/monaco/roads.osm.pbf");
        let roads =
            FleetRoads::from_pbf(path, [VehicleProfile::Bicycle, VehicleProfile::Van]).unwrap();
        assert_eq!(roads.graphs().len(), 2);
        assert_eq!(roads.primary().profile(), VehicleProfile::Van);
        assert_eq!(roads.of(VehicleProfile::Bicycle).profile(), VehicleProfile::Bicycle);
        assert!(roads.has_own(VehicleProfile::Bicycle) && !roads.has_own(VehicleProfile::Van));
        // A profile without a graph of its own drives the primary one.
        assert_eq!(roads.of(VehicleProfile::Foot).profile(), VehicleProfile::Van);
    }
}
