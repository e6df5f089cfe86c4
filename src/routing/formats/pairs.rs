//! Pickup-and-delivery pairs as the text formats write them (Li & Lim files, VRPLIB's
//! `PICKUP_AND_DELIVERY_SECTION`): each node names its partner. A pickup has `pickup = 0`
//! and `delivery` = its delivery's node, a delivery `pickup` = its pickup's node and
//! `delivery = 0`; the demand is positive at the pickup and its negation at the delivery.

use crate::routing::error::RoutingError;
use crate::routing::model::Shipment;

/// One node's pairing fields, as read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PairRow {
    /// The node's number in the file.
    pub node: usize,
    /// The line it was read on (1-based).
    pub line: usize,
    /// Its signed demand.
    pub demand: i64,
    /// Its pickup's node (0: none).
    pub pickup: usize,
    /// Its delivery's node (0: none).
    pub delivery: usize,
}

/// The shipments of `rows` (every node that is not a depot), each pair checked both ways;
/// `stop_of(node)` is the stop a node becomes. A node with neither partner is refused when
/// `plain` is false (Li & Lim: every task is in a pair) and kept as a depot delivery
/// otherwise.
///
/// # Errors
/// [`RoutingError::Parse`] in `format` at the line of a node whose partner does not exist,
/// does not name it back, or carries another demand.
pub(crate) fn pair_up(
    format: &'static str,
    rows: &[PairRow],
    stop_of: impl Fn(usize) -> Option<usize>,
    plain: bool,
) -> Result<Vec<Shipment>, RoutingError> {
    let find = |node: usize| rows.iter().find(|r| r.node == node);
    let mut shipments = Vec::new();
    for r in rows {
        let bad = |message: String| RoutingError::parse(format, r.line, message);
        match (r.pickup, r.delivery) {
            (0, 0) if plain => {}
            (0, d) if d > 0 => {
                let (Some(other), Some(pickup), Some(delivery)) =
                    (find(d), stop_of(r.node), stop_of(d))
                else {
                    return Err(bad(format!("delivery node {d} is not a task node of the file")));
                };
                if other.pickup != r.node || other.delivery != 0 {
                    return Err(bad(format!(
                        "node {d} does not name node {} as its pickup",
                        r.node
                    )));
                }
                if r.demand < 0 || other.demand != -r.demand {
                    let message = format!(
                        "pickup demand {} and delivery demand {} (node {d}) must be d >= 0 and -d",
                        r.demand, other.demand
                    );
                    return Err(bad(message));
                }
                shipments.push(Shipment { pickup, delivery });
            }
            (p, 0) if p > 0 => {
                let named_back = find(p).is_some_and(|o| o.delivery == r.node && o.pickup == 0);
                if !named_back {
                    return Err(bad(format!(
                        "node {p} does not name node {} as its delivery",
                        r.node
                    )));
                }
            }
            (p, d) => {
                let message = format!(
                    "node {} must be a pickup (pickup 0, delivery > 0) or a delivery (pickup > 0, \
                     delivery 0), got pickup {p} delivery {d}",
                    r.node
                );
                return Err(bad(message));
            }
        }
    }
    Ok(shipments)
}
