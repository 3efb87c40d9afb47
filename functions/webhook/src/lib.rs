//! The `webhook` function: Stripe event deliveries → the payout flows (`payout_flows`: exactly-once
//! seller transfers, held shares, refunds as proportional reversals, seller account sync).
//!
//! A delivery: raw body → signature + livemode ([`verify`]) → the event's facts → the flows
//! (de-dup, flow, mark processed) → 200. A Stripe or store failure answers 5xx so Stripe
//! redelivers; the scheduled reconciler runs the same flows on what deliveries missed.

pub mod verify;

use interceptors::request::body_bytes;
use interceptors::{ApiError, Body, Ctx, Interceptors, Request, Response, Route, response};
use payout_flows::{FlowContext, FlowDeps, Handled};
use payouts::ports::{EventFacts, StripeEvent};
use settings::Secret;
use stripe_webhook::{Event, EventObject};
use tracing::Instrument as _;

pub use payout_flows::{BusinessMetrics, CONNECT_EVENTS, Failure, Outcome, PLATFORM_EVENTS};

/// The platform endpoint: payments and refunds, signed with `STRIPE_WEBHOOK_SECRET`.
pub const PLATFORM_ROUTE: Route = Route::public(http::Method::POST, "/api/v1/webhooks/stripe");
/// The Connect endpoint: connected accounts' events, signed with `STRIPE_CONNECT_WEBHOOK_SECRET`.
pub const CONNECT_ROUTE: Route =
    Route::public(http::Method::POST, "/api/v1/webhooks/stripe/connect");
/// Every route of the function (its main.rs builds the facade for them).
pub const ROUTES: [Route; 2] = [PLATFORM_ROUTE, CONNECT_ROUTE];
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
}

impl Config {
    pub fn new(stripe: &settings::StripeSettings, secrets: &settings::WebhookSecrets) -> Self {
        Config {
            platform_secrets: secrets.platform.clone(),
            connect_secrets: secrets.connect.clone(),
            livemode: stripe.livemode,
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
    pub flows: FlowDeps,
    pub config: Config,
    pub interceptors: Interceptors,
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
        }) if !payout_flows::handles(kind.as_str()) => {
            tracing::info!(event_id = %id, event_type = %kind, "unreadable event of a type we ignore");
            BusinessMetrics::new(ctx.metrics().clone(), &id, &kind)
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
    let event = facts_of(endpoint, event);
    let metrics = BusinessMetrics::new(ctx.metrics().clone(), &event.id, &event.kind);
    let span = tracing::info_span!("event", event_id = %event.id, event_type = %event.kind);
    receive(deps, &metrics, &event).instrument(span).await
}

/// The flows, then the answer: 200 unless the event must be delivered again.
async fn receive(
    deps: &Deps,
    metrics: &BusinessMetrics,
    event: &StripeEvent,
) -> Result<Response<Body>, ApiError> {
    let cx = FlowContext {
        deps: &deps.flows,
        metrics,
        now: deps.flows.clock.now(),
    };
    let outcome = match payout_flows::handle_event(&cx, event).await {
        Ok(Handled::Duplicate) => {
            metrics.webhook_event(Outcome::Duplicate);
            return ack(true);
        }
        Ok(Handled::Now(outcome)) => outcome,
        Err(failure) => {
            metrics.webhook_event(Outcome::Failed);
            return Err(failure.into());
        }
    };
    match outcome {
        Outcome::Ignored(why) => {
            tracing::info!(outcome = outcome.as_str(), why, "webhook event handled")
        }
        _ => tracing::info!(outcome = outcome.as_str(), "webhook event handled"),
    }
    metrics.webhook_event(outcome);
    ack(false)
}

/// What a verified event means to the flows. Platform events are the platform's own payments,
/// refunds and disputes (`event.account` unset); the Connect endpoint carries connected accounts' events.
/// Anything else, e.g. a payment event sent to the Connect endpoint, is not acted on.
fn facts_of(endpoint: Endpoint, event: Event) -> StripeEvent {
    let on_platform = event.account.is_none();
    let kind = event.type_.as_str().to_owned();
    let facts = match (endpoint, event.data.object) {
        (Endpoint::Platform, EventObject::PaymentIntentSucceeded(pi)) if on_platform => {
            EventFacts::Payment(stripe_adapter::payment_facts(&pi))
        }
        (Endpoint::Platform, EventObject::ChargeRefunded(charge)) if on_platform => {
            EventFacts::Refund(stripe_adapter::refund_facts(&charge))
        }
        (
            Endpoint::Platform,
            EventObject::RefundCreated(refund)
            | EventObject::RefundUpdated(refund)
            | EventObject::RefundFailed(refund)
            | EventObject::ChargeRefundUpdated(refund),
        ) if on_platform => stripe_adapter::refund_event_facts(&refund)
            .map_or(EventFacts::Unhandled, EventFacts::Refund),
        (
            Endpoint::Platform,
            EventObject::ChargeDisputeCreated(dispute)
            | EventObject::ChargeDisputeFundsWithdrawn(dispute)
            | EventObject::ChargeDisputeFundsReinstated(dispute)
            | EventObject::ChargeDisputeClosed(dispute)
            | EventObject::ChargeDisputeUpdated(dispute),
        ) if on_platform => EventFacts::Dispute(stripe_adapter::dispute_facts(&kind, &dispute)),
        (Endpoint::Connect, EventObject::AccountUpdated(account)) => EventFacts::AccountUpdated {
            stripe_account_id: event
                .account
                .clone()
                .unwrap_or_else(|| account.id.as_str().to_owned()),
        },
        _ => EventFacts::Unhandled,
    };
    StripeEvent {
        id: event.id.as_str().to_owned(),
        kind,
        created: event.created,
        account: event.account,
        facts,
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
