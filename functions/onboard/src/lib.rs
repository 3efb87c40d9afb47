//! `POST /api/v1/sell/connect/onboard`: starts (or resumes) a seller's Stripe Connect onboarding.
//!
//! 0. Spend one request of the seller's onboarding budget (429 `rate_limited` when spent).
//! 1. Find the seller's stored account; on first use create the Express account (deterministic
//!    idempotency key, user id in metadata) and store the mapping (conditional write) — before
//!    any link exists, so every retry and the callback reuse it.
//! 2. Refresh the flags from Stripe unless the stored account is already complete (or was just
//!    created: nothing can have been submitted yet, so that round trip is skipped).
//! 3. Complete → the status and an Express dashboard login link. Otherwise → a fresh Account
//!    Link whose refresh/return URLs carry a signed state naming the seller.

use std::sync::Arc;

use http::{Method, StatusCode};
use interceptors::{ApiError, Body, Ctx, Interceptors, Request, Response, Route, names};
use onboarding::{Onboarding, StatusBody, find_or_create_account, mint_link, refresh_flags};
use payouts::ports::{ConnectAccounts, NewExpressAccount, RateBuckets, SellerAccounts};
use serde::Deserialize;

/// The route, as API Gateway and the metrics name it.
pub const ROUTE: Route = Route::seller(Method::POST, "/api/v1/sell/connect/onboard");
/// Every route of the function (its main.rs builds the facade for them).
pub const ROUTES: [Route; 1] = [ROUTE];
/// The `Function` metric dimension.
pub const FUNCTION: &str = "onboard";

/// Everything the handler needs; built once per cold start (tests build it by hand).
pub struct Deps {
    pub accounts: Arc<dyn SellerAccounts>,
    pub connect: Arc<dyn ConnectAccounts>,
    /// Each seller's request budget (shared with the callback).
    pub budgets: Arc<dyn RateBuckets>,
    pub onboarding: Onboarding,
    pub interceptors: Interceptors,
}

/// The optional request body: nothing is configurable yet, and an unknown field is refused
/// rather than silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OnboardRequest {}

/// Serves one request through the interceptor facade (auth: seller token).
pub async fn handle(deps: &Deps, req: Request) -> Response<Body> {
    deps.interceptors
        .handle(ROUTE, req, |ctx, req| onboard(deps, ctx, req))
        .await
}

async fn onboard(deps: &Deps, ctx: Ctx, req: Request) -> Result<Response<Body>, ApiError> {
    if !interceptors::request::body_bytes(&req)
        .iter()
        .all(u8::is_ascii_whitespace)
    {
        interceptors::parse_json::<OnboardRequest>(&req)?;
    }
    let seller = ctx.seller()?;
    // The payout path carries the seller's id in the checkout's metadata, the ledger's keys and
    // Stripe's idempotency keys, which take `[A-Za-z0-9_-]{1,64}` only: a subject such as
    // `auth0|abc` could onboard but never be paid. Refuse it before anything exists.
    if !payouts::plan::is_valid_id(&seller.user_id) {
        return Err(ApiError::forbidden(
            "seller_id_unsupported",
            "This account's user id cannot receive payouts (only letters, digits, '_' and '-', at most 64); contact support.",
        ));
    }
    deps.onboarding
        .spend_budget(deps.budgets.as_ref(), &seller.user_id)
        .await?;
    let new = NewExpressAccount {
        user_id: seller.user_id.clone(),
        email: seller.email.as_deref().and_then(usable_email),
        country: seller.country.as_deref().and_then(usable_country),
    };
    let clock = deps.onboarding.clock.as_ref();
    let now = clock.now();
    let (account, created) =
        find_or_create_account(deps.accounts.as_ref(), deps.connect.as_ref(), &new, now).await?;
    let account = if created || account.status() == payouts::OnboardingStatus::Complete {
        account
    } else {
        refresh_flags(
            deps.accounts.as_ref(),
            deps.connect.as_ref(),
            &account,
            clock,
        )
        .await?
        .counted(ctx.metrics())
    };

    let body = StatusBody::of(&account);
    let body = if body.is_complete() {
        let dashboard = deps
            .connect
            .create_login_link(&account.stripe_account_id)
            .await
            .map_err(interceptors::error::ports::stripe)?;
        body.with_dashboard(dashboard)
    } else {
        let link = mint_link(deps.connect.as_ref(), &deps.onboarding, &account, now).await?;
        ctx.metrics().emit(
            &ctx.metrics()
                .record()
                .count(names::ONBOARDINGS_STARTED, 1.0),
        );
        body.with_link(link)
    };
    tracing::info!(
        stripe_account = %account.stripe_account_id,
        status = onboarding::urls::status_param(body.status),
        created,
        "onboarding answered"
    );
    interceptors::response::json(StatusCode::OK, &body)
}

/// The token's email, if it looks like one Stripe will accept (a bad prefill must not make
/// account creation fail: the seller can type it on Stripe's form instead).
fn usable_email(email: &str) -> Option<String> {
    let email = email.trim();
    let (local, domain) = email.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then(|| email.to_owned())
}

/// The token's country if it is an ISO 3166-1 alpha-2 code (Stripe refuses anything else).
fn usable_country(country: &str) -> Option<String> {
    let country = country.trim();
    (country.len() == 2 && country.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| country.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefills_are_sanitised() {
        assert_eq!(usable_email(" a@b.co ").as_deref(), Some("a@b.co"));
        for bad in ["", "a", "@b.co", "a@b", "a b@c.de", "a@b\u{0}.co"] {
            assert_eq!(usable_email(bad), None, "{bad:?}");
        }
        assert_eq!(usable_country("fr").as_deref(), Some("FR"));
        for bad in ["", "F", "FRA", "France", "1A"] {
            assert_eq!(usable_country(bad), None, "{bad:?}");
        }
    }
}
