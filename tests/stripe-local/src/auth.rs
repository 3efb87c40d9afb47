//! API-key check and `Stripe-Account` resolution for `/v1`.

use crate::error::ApiError;
use crate::state::Shared;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Who the request acts as: the platform, or a connected account via `Stripe-Account`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ctx {
    pub account: Option<String>,
    /// `Request-Id` of this call, echoed in the response and in events it causes.
    pub request_id: String,
    pub idempotency_key: Option<String>,
}

impl Ctx {
    /// Balance owner key in the store.
    pub fn owner(&self) -> &str {
        self.account.as_deref().unwrap_or(crate::state::PLATFORM)
    }
}

/// Checks `Authorization: Bearer <key>` against the configured keys (401 in Stripe's shape
/// otherwise) and that a `Stripe-Account` header names a known connected account (403).
pub async fn layer(State(state): State<Shared>, mut req: Request, next: Next) -> Response {
    let auth = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let key = auth.and_then(|a| a.strip_prefix("Bearer ")).map(str::trim);
    match key {
        None => {
            return ApiError::unauthorized(
                "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
            )
            .into_response();
        }
        Some(k) if !state.config.api_keys.iter().any(|c| c == k) => {
            return ApiError::unauthorized(format!("Invalid API Key provided: {}", redact(k)))
                .into_response();
        }
        Some(_) => {}
    }
    let account = header(&req, "stripe-account").filter(|a| !a.is_empty());
    if let Some(a) = &account {
        let known = state.store().accounts.contains_key(a);
        if !known {
            return ApiError::account_invalid(a).into_response();
        }
    }
    let version = header(&req, "stripe-version")
        .unwrap_or_else(|| crate::resources::events::API_VERSION.to_owned());
    let request_id = crate::state::new_id("req");
    let ctx = Ctx {
        account,
        request_id: request_id.clone(),
        idempotency_key: header(&req, "idempotency-key"),
    };
    req.extensions_mut().insert(ctx);
    let mut res = next.run(req).await;
    if let Ok(v) = request_id.parse() {
        res.headers_mut().insert("request-id", v);
    }
    // Stripe echoes the API version it rendered the response with.
    if let Ok(v) = version.parse() {
        res.headers_mut().insert("stripe-version", v);
    }
    res
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Stripe shows only the key's ends in error messages; never echo a secret.
fn redact(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 12))
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_keys() {
        assert_eq!(
            super::redact("sk_test_abcdefghijkl"),
            "sk_test_********ijkl"
        );
        assert_eq!(super::redact("short"), "*****");
    }
}
