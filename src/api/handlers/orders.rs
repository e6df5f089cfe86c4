//! `GET /v1/scenario/orders`: the loaded scenario's delivery-day orders, with their place
//! and delivery window, a page at a time.
//!
//! Why: a plan's result (`GET /v1/jobs/{id}` of a plan job) carries each visit's times but
//! not the window the order asked for, nor where an unserved order is; the planner's page
//! draws a route's timeline against the windows and puts unserved orders on the map. The
//! windows belong to the scenario, not to the plan, so they are read here rather than copied
//! into every stored plan. The service plans only the scenario it was started with, and the
//! answer names it (`scenario`), so a client can tell whether a plan came from it.
//!
//! The orders never change while the server runs; a page is a slice of them in the
//! scenario's order (`offset`, `limit`), like the rows of a forecast run.

use super::out_of_range;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::AppQuery;
use crate::api::state::AppState;
use crate::scenario::Order;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

/// Most orders one page may hold.
pub const MAX_PAGE: u64 = 10_000;
/// Orders in a page when `limit` is not given.
const DEFAULT_PAGE: u64 = 1_000;

/// Query of `GET /v1/scenario/orders`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrdersQuery {
    /// Orders to skip (count, default 0).
    #[serde(default)]
    pub offset: u64,
    /// Orders in the page (count, 1-10000, default 1000).
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u64>,
}

/// One order of the delivery day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderItem {
    /// The order id (as in a plan's visits and unserved orders).
    pub id: String,
    /// Its zone, if the scenario gives one.
    pub zone: Option<String>,
    /// Latitude of the stop (degrees, WGS 84).
    pub lat: f64,
    /// Longitude of the stop (degrees, WGS 84).
    pub lon: f64,
    /// Earliest delivery (seconds since midnight); `null` when the order has no window.
    pub window_start_s: Option<u32>,
    /// Latest delivery (seconds since midnight); `null` when the order has no window.
    pub window_end_s: Option<u32>,
    /// Order lines (count of SKUs ordered).
    pub lines: u64,
    /// Units ordered over all lines (units).
    pub units: f64,
}

impl From<&Order> for OrderItem {
    fn from(o: &Order) -> Self {
        Self {
            id: o.id.0.clone(),
            zone: o.zone.as_ref().map(|z| z.0.clone()),
            lat: o.lat,
            lon: o.lon,
            window_start_s: o.time_window.map(|w| w.start.seconds()),
            window_end_s: o.time_window.map(|w| w.end.seconds()),
            lines: o.lines.len() as u64,
            units: o.lines.iter().map(|l| l.quantity).sum(),
        }
    }
}

/// A page of the loaded scenario's orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderPage {
    /// The loaded scenario's name (a plan's `result.scenario`).
    pub scenario: String,
    /// Orders in the scenario (count, all pages).
    pub total: u64,
    /// Orders skipped (count).
    pub offset: u64,
    /// Page size asked for (count of orders).
    pub limit: u64,
    /// This page, in the scenario's order.
    pub items: Vec<OrderItem>,
}

/// The loaded scenario's orders, with their place and delivery window, a page at a time.
#[utoipa::path(
    get,
    path = "/v1/scenario/orders",
    operation_id = "list_scenario_orders",
    params(OrdersQuery),
    responses(
        (status = 200, description = "A page of orders (times in seconds since midnight, degrees WGS 84)", body = OrderPage, example = json!({
            "scenario": "monaco",
            "total": 120,
            "offset": 0,
            "limit": 2,
            "items": [
                {"id": "20111014-12380", "zone": "06190-01", "lat": 43.751943, "lon": 7.4434223,
                 "window_start_s": 43200, "window_end_s": 50400, "lines": 3, "units": 60.0},
                {"id": "20111014-12381", "zone": "06240-05", "lat": 43.7311, "lon": 7.4196,
                 "window_start_s": null, "window_end_s": null, "lines": 1, "units": 12.0}
            ]
        })),
        (status = 422, description = "`limit` out of 1-10000, a bad query, or no scenario loaded (`no_scenario`: `serve --scenario DIR`)", body = ErrorBody),
    ),
    tag = "scenario"
)]
pub async fn list(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<OrdersQuery>,
) -> Result<Json<OrderPage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(out_of_range("limit", format!("must be 1-{MAX_PAGE}, got {limit}")));
    }
    let loaded = state.scenario().cloned().ok_or(ApiError::NoScenario { field: None })?;
    Ok(Json(page(&loaded.scenario.name, &loaded.scenario.orders, query.offset, limit)))
}

/// `limit` orders of `orders` from `offset` (fewer at the end, none past it).
fn page(scenario: &str, orders: &[Order], offset: u64, limit: u64) -> OrderPage {
    let skip = usize::try_from(offset).unwrap_or(usize::MAX);
    let take = usize::try_from(limit).unwrap_or(usize::MAX);
    OrderPage {
        scenario: scenario.to_owned(),
        total: orders.len() as u64,
        offset,
        limit,
        items: orders.iter().skip(skip).take(take).map(OrderItem::from).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{OrderId, SkuId};
    use crate::scenario::{OrderLine, TimeOfDay, TimeWindow};

    fn order(id: &str, window: Option<(u32, u32)>) -> Order {
        Order {
            id: OrderId(id.into()),
            zone: None,
            lat: 43.7,
            lon: 7.4,
            time_window: window.map(|(s, e)| TimeWindow {
                start: TimeOfDay::at_hour(s),
                end: TimeOfDay::at_hour(e),
            }),
            lines: vec![
                OrderLine { sku: SkuId("a".into()), quantity: 2.0 },
                OrderLine { sku: SkuId("b".into()), quantity: 3.5 },
            ],
        }
    }

    #[test]
    fn a_page_is_a_slice_with_windows_in_seconds() {
        let orders = [order("o1", Some((9, 11))), order("o2", None), order("o3", None)];
        let p = page("s", &orders, 0, 2);
        assert_eq!((p.total, p.items.len()), (3, 2));
        assert_eq!(p.items[0].window_start_s, Some(9 * 3600));
        assert_eq!(p.items[0].window_end_s, Some(11 * 3600));
        assert_eq!((p.items[0].lines, p.items[0].units), (2, 5.5));
        assert_eq!(p.items[1].window_start_s, None);
        assert_eq!(page("s", &orders, 2, 2).items[0].id, "o3");
        assert!(page("s", &orders, 3, 2).items.is_empty());
        assert!(page("s", &orders, u64::MAX, 2).items.is_empty());
    }
}
