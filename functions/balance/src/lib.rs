//! The seller's money: `GET /api/v1/sell/balance` (here) and the payout history
//! `GET /api/v1/sell/payouts` ([`payouts`]): both read-only views of the token's own seller, so
//! one function, one cold start and one policy serve them.
//!
//! `GET /api/v1/sell/balance`: the seller's Stripe balance, per currency, in minor units.
//!
//! The seller is always the token's `sub` (nothing in the path or query names one), so a token
//! can only ever reach its own account. Answers (all 200):
//! - no Stripe account: `{"status":"not_started","available":[],"pending":[]}`;
//! - onboarding not complete: `{"status":"pending"|"restricted","available":[],"pending":[]}`
//!   (the page shows "set up payouts");
//! - complete: `{"status":"complete","available":[{amount,currency}...],"pending":[...],
//!   "as_of":<unix>,"stale":false}`, from the cache (see [`cache`]) or Stripe; `stale: true`
//!   with the cached `as_of` when Stripe is unavailable and a previous value exists.
//!
//! Stripe unavailable with nothing cached: 503 `upstream_unavailable` (429 `rate_limited` when
//! Stripe rate-limited us), `retryable: true`, `Retry-After`.

pub mod cache;
pub mod payouts;

use std::sync::Arc;

use ::payouts::clock::Clock;
use ::payouts::ports::{BalanceCache, Balances, Ledger};
use ::payouts::seller_view::SellerView;
use ::payouts::{Money, OnboardingStatus};
use http::{Method, StatusCode};
use interceptors::{ApiError, Body, Ctx, Interceptors, Request, Response, Route};
use serde::Serialize;

pub use cache::CachePolicy;

/// The route, as API Gateway and the metrics name it.
pub const ROUTE: Route = Route::seller(Method::GET, "/api/v1/sell/balance");
/// Every route of the function (its main.rs builds the facade for them).
pub const ROUTES: [Route; 2] = [ROUTE, payouts::ROUTE];
/// The `Function` metric dimension.
pub const FUNCTION: &str = "balance";

/// Everything the handler needs; built once per cold start (tests build it by hand).
pub struct Deps {
    /// The seller's account and cached balance, read together (one round trip on a cache hit).
    pub view: Arc<dyn SellerView>,
    pub cache: Arc<dyn BalanceCache>,
    pub balances: Arc<dyn Balances>,
    /// The payout ledger (the history's shares).
    pub ledger: Arc<dyn Ledger>,
    pub policy: CachePolicy,
    /// Ages the cached balances (tests pass a `ManualClock` to move past the TTL).
    pub clock: Arc<dyn Clock>,
    pub interceptors: Interceptors,
}

/// The response body.
#[derive(Debug, Serialize)]
pub struct BalanceBody {
    pub status: OnboardingStatus,
    /// One entry per currency Stripe reports (never just the first).
    pub available: Vec<Money>,
    pub pending: Vec<Money>,
    /// When the figures were read from Stripe (unix seconds); absent without a balance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<i64>,
    /// True when Stripe could not be reached and `as_of` is older than the cache TTL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale: Option<bool>,
}

impl BalanceBody {
    fn without_balance(status: OnboardingStatus) -> BalanceBody {
        BalanceBody {
            status,
            available: Vec::new(),
            pending: Vec::new(),
            as_of: None,
            stale: None,
        }
    }
}

/// Serves one request of either route through the interceptor facade (auth: seller token).
pub async fn handle(deps: &Deps, req: Request) -> Response<Body> {
    let interceptors = &deps.interceptors;
    if req.uri().path().ends_with(payouts::ROUTE.template) {
        let ledger = deps.ledger.as_ref();
        return interceptors
            .handle(payouts::ROUTE, req, |ctx, req| {
                payouts::payouts(ledger, ctx, req)
            })
            .await;
    }
    interceptors
        .handle(ROUTE, req, |ctx, _req| balance(deps, ctx))
        .await
}

async fn balance(deps: &Deps, ctx: Ctx) -> Result<Response<Body>, ApiError> {
    let user_id = &ctx.seller()?.user_id;
    let seen = deps
        .view
        .seller_with_balance(user_id)
        .await
        .map_err(interceptors::error::ports::store)?;
    let body = match seen.account {
        None => BalanceBody::without_balance(OnboardingStatus::NotStarted),
        Some(a) if a.status() != OnboardingStatus::Complete => {
            BalanceBody::without_balance(a.status())
        }
        Some(a) => {
            let reader = cache::Reader {
                cache: deps.cache.as_ref(),
                balances: deps.balances.as_ref(),
                policy: deps.policy,
                clock: deps.clock.as_ref(),
                metrics: ctx.metrics(),
            };
            let served = reader
                .read(user_id, &a.stripe_account_id, seen.cached)
                .await?;
            BalanceBody {
                status: OnboardingStatus::Complete,
                available: served.cached.balance.available,
                pending: served.cached.balance.pending,
                as_of: Some(served.cached.fetched_at),
                stale: Some(served.stale),
            }
        }
    };
    interceptors::response::json(StatusCode::OK, &body)
}
