//! What the traffic needs beyond `harness`: the deployed stack's environment, tokens with
//! chosen roles, and Stripe-signed webhook deliveries as API Gateway events.

use harness::apigw::{Event, body_json};
use interceptors::{Body, Request, Response};
use serde_json::json;

pub use harness::jwt::unix_now;

pub const PLATFORM_SECRET: &str = "whsec_metrics_proof_platform";
pub const CONNECT_SECRET: &str = "whsec_metrics_proof_connect";
const STATE_SECRET: &str = "metrics-proof-state-secret-0123456789abcd";

/// The environment a deployed stack gives the functions (template.yaml's variables), with the
/// local Stripe server as the API base. Tables come from `harness::tables`.
pub fn env(stripe_base: &str) -> impl Fn(&str) -> Option<String> + use<> {
    let stripe_base = stripe_base.to_owned();
    move |var: &str| {
        let value = match var {
            "FRONTEND_URL" => "https://app.example.com/sell",
            "PUBLIC_API_URL" => "https://api.example.com",
            "ONBOARDING_STATE_SECRET" => STATE_SECRET,
            "JWT_ALGORITHM" => "HS256",
            "JWT_SECRET" => harness::jwt::SECRET,
            "STRIPE_CONNECT_SECRET" => stripe_local::DEFAULT_API_KEY,
            "STRIPE_API_BASE" => stripe_base.as_str(),
            "STRIPE_WEBHOOK_SECRET" => PLATFORM_SECRET,
            "STRIPE_CONNECT_WEBHOOK_SECRET" => CONNECT_SECRET,
            "STRIPE_TIMEOUT_MS" => "5000",
            "PLATFORM_FEE_BPS" => "1000",
            // The proof does not wait ten minutes: every open share is re-driven at once.
            "RECONCILE_GRACE_SECONDS" => "0",
            _ => return None,
        };
        Some(value.to_owned())
    }
}

/// A web app token for `sub` with `roles` (signed with the secret `env` configures).
pub fn token(sub: &str, roles: &[&str]) -> String {
    harness::jwt::token(json!({
        "sub": sub, "roles": roles, "email": format!("{sub}@example.com"), "country": "FR",
    }))
}

/// A delivery of `body` to the webhook route `path`, signed as Stripe signs it (stripe-local's
/// own signer: `t=<now>,v1=<hmac>`).
pub fn signed_delivery(path: &str, secret: &str, body: &str) -> Request {
    let signature = stripe_local::webhooks::sign(&[secret.to_owned()], unix_now(), body);
    Event::new("POST", path)
        .header("stripe-signature", &signature)
        .header(
            "user-agent",
            "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        )
        .json_body(body)
        .request()
}

/// The `Location` of a 302.
pub fn location(resp: &Response<Body>) -> String {
    assert_eq!(resp.status().as_u16(), 302, "{}", body_json(resp));
    harness::apigw::header(resp, "location")
        .expect("Location")
        .to_owned()
}
