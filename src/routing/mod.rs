//! Last-mile routing: the road network, travel matrices, and (separately) the VRP solver.

pub mod graph;
pub mod matrix;
pub mod roads_error;
pub mod snap;
pub mod traffic;
