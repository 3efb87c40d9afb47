//! `GET /api/v1/sell/payouts?limit=&starting_after=`: the seller's payout history, newest first.
//!
//! Always the token's own shares (no seller in the path or query). Stripe-style cursor pages:
//! `starting_after` is the `order_id` of the last item of the previous page; `limit` 1..=100
//! (default 20). One page is one index Query (and one GetItem for the cursor), never a scan, and
//! no Stripe call: the ledger already holds what each share received and gave back
//! (`payouts::history`). A cursor that is not one of the seller's orders is a 400, so another
//! seller's order cannot even be probed.

use http::{Method, StatusCode};
use interceptors::request::query_param;
use interceptors::{ApiError, Body, Ctx, Request, Response, Route};
use payouts::history::PayoutItem;
use payouts::ports::Ledger;
use serde::Serialize;

/// The route, as API Gateway and the metrics name it.
pub const ROUTE: Route = Route::seller(Method::GET, "/api/v1/sell/payouts");
pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// One page.
#[derive(Debug, Serialize)]
pub struct PayoutPage {
    pub data: Vec<PayoutItem>,
    /// More items follow the last one (ask with `starting_after` = its `order_id`).
    pub has_more: bool,
}

pub async fn payouts(
    ledger: &dyn Ledger,
    ctx: Ctx,
    req: Request,
) -> Result<Response<Body>, ApiError> {
    let seller = &ctx.seller()?.user_id;
    let limit = limit(&req)?;
    let cursor_invalid = || {
        ApiError::validation(
            "cursor_invalid",
            "starting_after is not one of your orders.",
        )
        .with_param("starting_after")
    };
    let after = match query_param(&req, "starting_after") {
        None => None,
        // Not even an order id: never sent to DynamoDB as a key.
        Some(order) if !payouts::plan::is_valid_id(&order) => return Err(cursor_invalid()),
        Some(order) => Some(
            ledger
                .share(&order, seller)
                .await
                .map_err(interceptors::error::ports::store)?
                .ok_or_else(cursor_invalid)?,
        ),
    };
    let mut shares = ledger
        .seller_history(seller, after.as_ref(), limit + 1)
        .await
        .map_err(interceptors::error::ports::store)?;
    let has_more = shares.len() > limit;
    shares.truncate(limit);
    let page = PayoutPage {
        data: shares.iter().map(PayoutItem::of).collect(),
        has_more,
    };
    interceptors::response::json(StatusCode::OK, &page)
}

fn limit(req: &Request) -> Result<usize, ApiError> {
    let Some(raw) = query_param(req, "limit") else {
        return Ok(DEFAULT_LIMIT);
    };
    match raw.parse::<usize>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(ApiError::validation(
            "limit_invalid",
            format!("limit must be an integer from 1 to {MAX_LIMIT}."),
        )
        .with_param("limit")),
    }
}
