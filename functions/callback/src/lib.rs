//! `GET /api/v1/sell/connect/callback?mode=refresh|return&state=...`: where Stripe sends the
//! seller's browser back. No bearer token (it is a redirect): the signed `state` names the seller,
//! and nothing is read or stored before its signature verifies.
//!
//! - `refresh` (the link expired or was revisited): mint a new Account Link, 302 to it. Each state
//!   mints at most once (its nonce is claimed first, conditionally): a replayed refresh URL mints
//!   nothing, and an expired state mints nothing.
//! - `return` (the seller left Stripe's flow, finished or not): re-fetch the account from Stripe
//!   (landing here proves nothing), store flags and requirements, 302 to
//!   `FRONTEND_URL?onboarding=complete|pending|restricted`. It mints nothing, so an authentic
//!   state is accepted even expired or replayed: the seller still gets their status.
//! - Both modes call Stripe for the seller: each spends one request of the seller's onboarding
//!   budget (shared with onboard) once the state verifies; over it, the error redirect below
//!   with `code=rate_limited`.
//! - Any failure (a bad, expired or used state, no account, Stripe unavailable) 302s to
//!   `FRONTEND_URL?onboarding=error&code=<code>`: a browser never lands on JSON. Only a method
//!   other than GET (never a browser following Stripe) gets a problem+json answer.
//!
//! The only redirect targets are the URL Stripe returned for the link and the configured front
//! end: no destination is ever taken from the request (no open redirect).

use std::sync::Arc;

use http::Method;
use interceptors::{ApiError, Body, Ctx, Interceptors, Request, Response, Route, names};
use onboarding::{CallbackMode, Onboarding, StateError, VerifiedState, mint_link, refresh_flags};
use payouts::OnboardingStatus;
use payouts::ports::{ConnectAccounts, EventLog, RateBuckets, SellerAccounts};

/// The route, as API Gateway and the metrics name it.
pub const ROUTE: Route = Route::public(Method::GET, onboarding::urls::CALLBACK_PATH);
/// Every route of the function (its main.rs builds the facade for them).
pub const ROUTES: [Route; 1] = [ROUTE];
/// The `Function` metric dimension.
pub const FUNCTION: &str = "callback";
/// The kind under which a refresh state's nonce is recorded as used.
const STATE_USE: &str = "onboarding.refresh";

/// Everything the handler needs; built once per cold start (tests build it by hand).
pub struct Deps {
    pub accounts: Arc<dyn SellerAccounts>,
    pub connect: Arc<dyn ConnectAccounts>,
    /// Where refresh states are claimed once (the processed-events table: one-time records).
    pub used_states: Arc<dyn EventLog>,
    /// Each seller's request budget (shared with onboard).
    pub budgets: Arc<dyn RateBuckets>,
    pub onboarding: Onboarding,
    pub interceptors: Interceptors,
}

/// Serves one request through the interceptor facade (public route: the state is the proof).
pub async fn handle(deps: &Deps, req: Request) -> Response<Body> {
    deps.interceptors
        .handle(ROUTE, req, |ctx, req| callback(deps, ctx, req))
        .await
}

async fn callback(deps: &Deps, ctx: Ctx, req: Request) -> Result<Response<Body>, ApiError> {
    let location = match land(deps, &ctx, &req).await {
        Ok(location) => location,
        Err(error) => {
            // Logged as the problem would have been (its cause included); the seller sees the
            // code on the page. A server-side failure is an error log line for the alarms.
            let cause = std::error::Error::source(&error).map(ToString::to_string);
            if error.status().is_server_error() {
                tracing::error!(
                    code = error.code(),
                    status = error.status().as_u16(),
                    cause,
                    "onboarding callback failed: back to the seller page"
                );
                // The answer is a 302, which the request's record counts as no error: count the
                // server-side failure in the function's `Errors` roll-up, which the seller-route
                // 5xx alarm watches.
                ctx.metrics()
                    .emit(&ctx.metrics().record().count(names::ERRORS, 1.0));
            } else {
                tracing::info!(
                    code = error.code(),
                    status = error.status().as_u16(),
                    cause,
                    "onboarding callback refused: back to the seller page"
                );
            }
            deps.onboarding.urls.frontend_error(error.code())
        }
    };
    interceptors::response::redirect(&location)
}

/// Where the seller's browser goes next, or why the callback failed.
async fn land(deps: &Deps, ctx: &Ctx, req: &Request) -> Result<String, ApiError> {
    let mode = interceptors::request::query_param(req, "mode")
        .as_deref()
        .and_then(CallbackMode::parse)
        .ok_or_else(|| {
            ApiError::validation("mode_invalid", "mode must be refresh or return.")
                .with_param("mode")
        })?;
    let state = interceptors::request::query_param(req, "state").unwrap_or_default();
    let verified = deps
        .onboarding
        .signer
        .verify_authentic(&state)
        .map_err(state_problem)?;
    deps.onboarding
        .spend_budget(deps.budgets.as_ref(), &verified.user_id)
        .await?;
    let account = deps
        .accounts
        .find_by_user(&verified.user_id)
        .await
        .map_err(interceptors::error::ports::store)?
        .ok_or_else(|| {
            ApiError::not_found(
                "seller_account_not_found",
                "No Stripe account is linked to this seller; start onboarding from the seller page.",
            )
        })?;
    let location = match mode {
        CallbackMode::Refresh => {
            claim_refresh(deps, &verified).await?;
            if account.status() == OnboardingStatus::Complete {
                // A complete seller revisiting an old link goes back to the page, not to Stripe.
                deps.onboarding
                    .urls
                    .frontend_return(OnboardingStatus::Complete)
            } else {
                let now = deps.onboarding.clock.now();
                mint_link(deps.connect.as_ref(), &deps.onboarding, &account, now)
                    .await?
                    .url
            }
        }
        CallbackMode::Return => {
            let clock = deps.onboarding.clock.as_ref();
            let account = refresh_flags(
                deps.accounts.as_ref(),
                deps.connect.as_ref(),
                &account,
                clock,
            )
            .await?
            .counted(ctx.metrics());
            deps.onboarding.urls.frontend_return(account.status())
        }
    };
    tracing::info!(
        mode = mode.as_str(),
        stripe_account = %account.stripe_account_id,
        "onboarding callback redirects"
    );
    Ok(location)
}

/// A refresh mints a link: only with an unexpired state, and only once per state (its nonce is
/// recorded with a conditional write before anything is minted).
async fn claim_refresh(deps: &Deps, state: &VerifiedState) -> Result<(), ApiError> {
    if state.expired {
        return Err(state_problem(StateError::Expired));
    }
    let first = deps
        .used_states
        .mark_processed(
            &format!("state:{}", state.nonce),
            STATE_USE,
            deps.onboarding.clock.now(),
        )
        .await
        .map_err(interceptors::error::ports::store)?;
    if first {
        Ok(())
    } else {
        Err(state_problem(StateError::Used))
    }
}

fn state_problem(error: StateError) -> ApiError {
    ApiError::validation(error.code(), error.to_string()).with_param("state")
}
