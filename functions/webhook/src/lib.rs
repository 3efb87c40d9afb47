//! The `webhook` function: Stripe event deliveries → exactly-once seller transfers, held shares,
//! refunds as proportional reversals, and seller account sync.
//!
//! A delivery: raw body → signature + livemode ([`verify`]) → de-dup on the event id → the event's
//! flow ([`payment`], [`refund`], [`account`]; transfers in [`settle`]) → mark processed → 200.
//! A Stripe or store failure answers 5xx so Stripe redelivers; every step is idempotent on its
//! own (conditional ledger writes, deterministic idempotency keys, look-up before a late
//! re-create), so correctness never depends on the de-dup, which only saves work.

pub mod account;
mod failure;
pub mod metrics;
pub mod payment;
pub mod refund;
pub mod settle;
pub mod verify;

use std::sync::Arc;

use interceptors::request::body_bytes;
use interceptors::{ApiError, Body, Ctx, Interceptors, Request, Response, Route, response};
use payouts::ports::{ConnectAccounts, EventLog, Ledger, SellerAccounts, Transfers};
use settings::Secret;
use stripe_webhook::{Event, EventObject};
use tracing::Instrument as _;

pub use failure::Failure;
pub use metrics::{Biz, Outcome};

/// The platform endpoint: payments and refunds, signed with `STRIPE_WEBHOOK_SECRET`.
pub const PLATFORM_ROUTE: Route = Route::public("/api/v1/webhooks/stripe");
/// The Connect endpoint: connected accounts' events, signed with `STRIPE_CONNECT_WEBHOOK_SECRET`.
pub const CONNECT_ROUTE: Route = Route::public("/api/v1/webhooks/stripe/connect");
/// The event types this function acts on (subscribe the endpoints to these only).
pub const HANDLED_EVENTS: [&str; 3] = [
    "payment_intent.succeeded",
    "charge.refunded",
    "account.updated",
];
/// The function name (the `Function` metric dimension).
pub const FUNCTION: &str = "webhook";

/// Which Stripe endpoint a delivery came to: each has its own signing secrets and events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Platform,
    Connect,
}

impl Endpoint {
    /// The endpoint for a request path (a stage prefix and a trailing slash are tolerated).
    pub fn from_path(path: &str) -> Option<Endpoint> {
        let path = path.trim_end_matches('/');
        if path.ends_with(CONNECT_ROUTE.template) {
            Some(Endpoint::Connect)
        } else if path.ends_with(PLATFORM_ROUTE.template) {
            Some(Endpoint::Platform)
        } else {
            None
        }
    }

    pub fn route(self) -> Route {
        match self {
            Endpoint::Platform => PLATFORM_ROUTE,
            Endpoint::Connect => CONNECT_ROUTE,
        }
    }
}

/// The route (metric dimension and auth) for a request; unknown paths get the platform route
/// and are answered 404 by [`handle`].
pub fn route_for(req: &Request) -> Route {
    Endpoint::from_path(req.uri().path()).map_or(PLATFORM_ROUTE, Endpoint::route)
}

/// What the webhook needs from configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Signing secrets of the platform endpoint (two during a roll).
    pub platform_secrets: Vec<Secret>,
    /// Signing secrets of the Connect endpoint (two during a roll).
    pub connect_secrets: Vec<Secret>,
    /// Only events of this mode are accepted.
    pub livemode: bool,
    /// The platform fee in basis points (see `payouts::plan`).
    pub fee_bps: u32,
}

impl Config {
    pub fn new(
        stripe: &settings::StripeSettings,
        secrets: &settings::WebhookSecrets,
        payout: &settings::PayoutSettings,
    ) -> Self {
        Config {
            platform_secrets: secrets.platform.clone(),
            connect_secrets: secrets.connect.clone(),
            livemode: stripe.livemode,
            fee_bps: u32::from(payout.platform_fee_bps),
        }
    }

    fn secrets(&self, endpoint: Endpoint) -> &[Secret] {
        match endpoint {
            Endpoint::Platform => &self.platform_secrets,
            Endpoint::Connect => &self.connect_secrets,
        }
    }
}

/// Everything a delivery is handled with; built once per cold start (tests build it by hand).
pub struct Deps {
    pub accounts: Arc<dyn SellerAccounts>,
    pub ledger: Arc<dyn Ledger>,
    pub events: Arc<dyn EventLog>,
    pub connect: Arc<dyn ConnectAccounts>,
    pub transfers: Arc<dyn Transfers>,
    pub config: Config,
    pub interceptors: Interceptors,
}

/// One event's working context: dependencies, business metrics, and the time it started.
pub struct Cx<'a> {
    pub deps: &'a Deps,
    pub biz: &'a Biz,
    pub now: i64,
}

/// Serves one delivery (either route) through the interceptor facade (public: the signature is
/// the authentication). Answers 200 for processed, duplicate, ignored and rejected events, 400
/// when the signature or payload is not acceptable (nothing stored), 5xx when a dependency
/// failed (Stripe redelivers).
pub async fn handle(deps: &Deps, req: Request) -> Response<Body> {
    let route = route_for(&req);
    deps.interceptors
        .handle(route, req, |ctx, req| delivery(deps, ctx, req))
        .await
}

async fn delivery(deps: &Deps, ctx: Ctx, req: Request) -> Result<Response<Body>, ApiError> {
    let endpoint = Endpoint::from_path(req.uri().path()).ok_or_else(|| {
        ApiError::not_found("route_not_found", "No webhook endpoint at this path.")
    })?;
    if req.method() != http::Method::POST {
        return Err(ApiError::method_not_allowed("POST"));
    }
    let signature = req.headers().get("stripe-signature").map(|v| v.as_bytes());
    let verified = verify::verify(
        body_bytes(&req),
        signature,
        deps.config.secrets(endpoint),
        deps.config.livemode,
    );
    let event = match verified {
        Ok(event) => event,
        // Authentic but unreadable, and of a type we do not act on: a 400 would only make
        // Stripe retry it for days (and eventually disable the endpoint).
        Err(verify::Rejection::PayloadInvalid {
            event_id: Some(id),
            event_type: Some(kind),
        }) if !HANDLED_EVENTS.contains(&kind.as_str()) => {
            tracing::info!(event_id = %id, event_type = %kind, "unreadable event of a type we ignore");
            Biz::new(ctx.metrics().clone(), &id, &kind)
                .webhook_event(Outcome::Ignored("unhandled_event"));
            return ack(false);
        }
        Err(rejection) => {
            tracing::warn!(
                code = rejection.code(),
                event_id = rejection.event_id(),
                ?endpoint,
                "webhook delivery refused"
            );
            return Err(ApiError::validation(rejection.code(), rejection.detail()));
        }
    };
    let event_id = event.id.as_str().to_owned();
    let event_type = event.type_.as_str().to_owned();
    let biz = Biz::new(ctx.metrics().clone(), &event_id, &event_type);
    let span = tracing::info_span!("event", event_id = %event_id, event_type = %event_type);
    receive(deps, &biz, endpoint, event).instrument(span).await
}

/// De-dup, the event's flow, then mark processed.
async fn receive(
    deps: &Deps,
    biz: &Biz,
    endpoint: Endpoint,
    event: Event,
) -> Result<Response<Body>, ApiError> {
    let event_id = event.id.as_str().to_owned();
    if deps
        .events
        .is_processed(&event_id)
        .await
        .map_err(Failure::from)?
    {
        biz.webhook_event(Outcome::Duplicate);
        return ack(true);
    }
    let cx = Cx {
        deps,
        biz,
        now: now(),
    };
    let outcome = match dispatch(&cx, endpoint, event).await {
        Ok(outcome) => outcome,
        Err(failure) => {
            biz.webhook_event(Outcome::Failed);
            return Err(failure.into());
        }
    };
    // Only now: a crash before this line means Stripe redelivers and the flow runs again.
    // Ignored events are not remembered: a resend after the cause is fixed (e.g. an account
    // mapping healed) is processed then.
    if !matches!(outcome, Outcome::Ignored(_))
        && let Err(err) = deps
            .events
            .mark_processed(&event_id, biz.event_type(), now())
            .await
    {
        // Everything is done and idempotent: a redelivery would only repeat no-ops.
        tracing::warn!(error = %err, "event handled but not marked processed");
    }
    match outcome {
        Outcome::Ignored(why) => {
            tracing::info!(outcome = outcome.as_str(), why, "webhook event handled")
        }
        _ => tracing::info!(outcome = outcome.as_str(), "webhook event handled"),
    }
    biz.webhook_event(outcome);
    ack(false)
}

/// Routes a verified event to its flow. Platform events are the platform's own payments and
/// refunds; the Connect endpoint carries connected accounts' events (`event.account` set).
async fn dispatch(cx: &Cx<'_>, endpoint: Endpoint, event: Event) -> Result<Outcome, Failure> {
    match (endpoint, event.data.object) {
        (Endpoint::Platform, EventObject::PaymentIntentSucceeded(pi))
            if event.account.is_none() =>
        {
            // The event's own (signed) copy of the PaymentIntent, converted as a re-read would be.
            payment::on_payment(cx, &stripe_adapter::payment_facts(&pi)).await
        }
        (Endpoint::Platform, EventObject::ChargeRefunded(charge)) if event.account.is_none() => {
            refund::on_refund(cx, &refund::RefundFacts::of(&charge)).await
        }
        (Endpoint::Connect, EventObject::AccountUpdated(account)) => {
            let id = event
                .account
                .unwrap_or_else(|| account.id.as_str().to_owned());
            account::on_account_updated(cx, &id).await
        }
        _ => Ok(Outcome::Ignored("unhandled_event")),
    }
}

fn ack(duplicate: bool) -> Result<Response<Body>, ApiError> {
    let body = if duplicate {
        serde_json::json!({"received": true, "duplicate": true})
    } else {
        serde_json::json!({"received": true})
    };
    response::json(http::StatusCode::OK, &body)
}

/// Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
