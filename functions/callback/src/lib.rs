//! `GET /api/v1/sell/connect/callback?mode=refresh|return&state=...`: where Stripe sends the
//! seller's browser back. No bearer token (it is a redirect): the signed `state` names the seller,
//! and nothing is read or stored before it verifies.
//!
//! - `refresh` (the link expired or was revisited): mint a new Account Link, 302 to it.
//! - `return` (the seller left Stripe's flow, finished or not): re-fetch the account from Stripe
//!   (landing here proves nothing), store flags and requirements, 302 to
//!   `FRONTEND_URL?onboarding=complete|pending|restricted`.
//!
//! The only redirect targets are the URL Stripe returned for the link and the configured front
//! end: no destination is ever taken from the request (no open redirect).

use std::sync::Arc;

use http::Method;
use interceptors::{ApiError, Body, Ctx, Interceptors, Request, Response, Route, names};
use lambda_http::RequestExt as _;
use onboarding::{CallbackMode, Onboarding, mint_link, refresh_flags};
use payouts::OnboardingStatus;
use payouts::ports::{ConnectAccounts, SellerAccounts};

/// The route, as API Gateway and the metrics name it.
pub const ROUTE: Route = Route::public(onboarding::urls::CALLBACK_PATH);
/// The `Function` metric dimension.
pub const FUNCTION: &str = "callback";

/// Everything the handler needs; built once per cold start (tests build it by hand).
pub struct Deps {
    pub accounts: Arc<dyn SellerAccounts>,
    pub connect: Arc<dyn ConnectAccounts>,
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
    if req.method() != Method::GET {
        return Err(ApiError::method_not_allowed("GET"));
    }
    let mode = query_param(&req, "mode")
        .as_deref()
        .and_then(CallbackMode::parse)
        .ok_or_else(|| {
            ApiError::validation("mode_invalid", "mode must be refresh or return.")
                .with_param("mode")
        })?;
    let state = query_param(&req, "state").unwrap_or_default();
    let user_id = deps
        .onboarding
        .signer
        .verify(&state)
        .map_err(|e| ApiError::validation(e.code(), e.to_string()).with_param("state"))?;

    let account = deps
        .accounts
        .find_by_user(&user_id)
        .await
        .map_err(onboarding::problem::store)?
        .ok_or_else(|| {
            ApiError::not_found(
                "seller_account_not_found",
                "No Stripe account is linked to this seller; start onboarding from the seller page.",
            )
        })?;
    let now = onboarding::unix_now();
    let location = match mode {
        // A complete seller revisiting an old link goes back to the page instead of Stripe.
        CallbackMode::Refresh if account.status() == OnboardingStatus::Complete => deps
            .onboarding
            .urls
            .frontend_return(OnboardingStatus::Complete),
        CallbackMode::Refresh => {
            mint_link(deps.connect.as_ref(), &deps.onboarding, &account, now)
                .await?
                .url
        }
        CallbackMode::Return => {
            let refreshed =
                refresh_flags(deps.accounts.as_ref(), deps.connect.as_ref(), &account).await?;
            if refreshed.became_complete {
                ctx.metrics().emit(
                    &ctx.metrics()
                        .record()
                        .count(names::ONBOARDINGS_COMPLETED, 1.0),
                );
            }
            deps.onboarding
                .urls
                .frontend_return(refreshed.account.status())
        }
    };
    tracing::info!(
        mode = mode.as_str(),
        stripe_account = %account.stripe_account_id,
        "onboarding callback redirects"
    );
    interceptors::response::redirect(&location)
}

/// The one value of `name`; absent, empty or repeated (ambiguous) → `None`.
/// API Gateway v2 events carry the parsed query; a request built from a bare URI (local tools)
/// only has it in the URI.
fn query_param(req: &Request, name: &str) -> Option<String> {
    let values: Vec<String> = match req.query_string_parameters_ref() {
        Some(map) => map
            .all(name)
            .unwrap_or_default()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        None => url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect(),
    };
    match values.as_slice() {
        [one] if !one.is_empty() => Some(one.clone()),
        _ => None,
    }
}
