//! Request parameters for handlers: form body (POST) merged over the query string (GET).

use crate::error::ApiError;
use crate::params::Params;
use axum::body::to_bytes;
use axum::extract::{FromRequest, Request};
use serde_json::Value;

/// Decoded Stripe parameters; a malformed body or query is a 400 in Stripe's shape.
pub struct StripeParams(pub Params);

impl<S: Send + Sync> FromRequest<S> for StripeParams {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let query = req.uri().query().unwrap_or("").to_owned();
        let body = to_bytes(req.into_body(), crate::idempotency::BODY_LIMIT)
            .await
            .map_err(|_| ApiError::malformed("Request body too large or unreadable."))?;
        let bad = |e: crate::form::FormError| ApiError::malformed(format!("Invalid request: {e}"));
        let mut merged = match crate::form::decode(query.as_bytes()).map_err(bad)? {
            Value::Object(m) => m,
            _ => Default::default(),
        };
        if let Value::Object(m) = crate::form::decode(&body).map_err(bad)? {
            merged.extend(m);
        }
        Ok(Self(Params(merged)))
    }
}
