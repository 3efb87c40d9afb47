//! Fault injection: the next N matching API calls fail in a chosen way.
//!
//! Two stages, because they mean different things to a client using idempotency keys:
//! - `edge` (default): the failure happens in front of the API (load balancer, network), so
//!   nothing is saved under the Idempotency-Key and a retry with the same key executes normally.
//! - `handler`: Stripe failed while executing; the response is saved under the key and replayed
//!   (Stripe's documented behaviour for 500s), and nothing is created.
//!
//! Kinds: `status_500`, `status_429` (Stripe's `rate_limit` body, `Retry-After`), `hang`
//! (sleep `hang_ms`, then execute normally: the side effect happens after the client gave up),
//! `hang_after` (execute, then sleep before answering: the client times out although the
//! object was created — the "response lost" case exactly-once code must survive), and the final
//! refusals no retry fixes: `status_400` (`invalid_request_error`) and `status_403` (the key may
//! not see the object: a revoked Connect authorization, a restricted key). Stripe's documented
//! error `type`s are `api_error`, `card_error`, `idempotency_error` and `invalid_request_error`
//! (docs.stripe.com/api/errors); a "permission error" is what its SDKs make of a 403 by status
//! (`PermissionError`), so the 403's body is an `invalid_request_error` without a `code`. Neither
//! says `Stripe-Should-Retry`.

use crate::error::ApiError;
use crate::state::Shared;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    #[serde(rename = "status_500")]
    Status500,
    #[serde(rename = "status_429")]
    Status429,
    #[serde(rename = "status_400")]
    Status400,
    #[serde(rename = "status_403")]
    Status403,
    Hang,
    HangAfter,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    #[default]
    Edge,
    Handler,
}

/// A fault as posted to `POST /_control/faults`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultSpec {
    /// HTTP method to match; absent matches any.
    #[serde(default)]
    pub method: Option<String>,
    /// Path prefix by segments; `{id}` or `*` matches any one segment.
    pub path: String,
    /// Match the whole path instead of a prefix.
    #[serde(default)]
    pub exact: bool,
    /// How many matching calls fail (default 1).
    #[serde(default = "one")]
    pub count: u32,
    pub kind: FaultKind,
    /// Sleep length for `hang`/`hang_after` (default 10 000 ms).
    #[serde(default)]
    pub hang_ms: Option<u64>,
    #[serde(default)]
    pub stage: Stage,
}

fn one() -> u32 {
    1
}

/// Marker in a response's extensions: which fault shaped it (for the request log).
#[derive(Clone, Copy, Debug)]
pub struct Applied(pub FaultKind);

#[derive(Debug, Default)]
pub struct Faults {
    active: Mutex<Vec<FaultSpec>>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultSpec>> {
        self.active.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn add(&self, spec: FaultSpec) {
        if spec.count > 0 {
            self.lock().push(spec);
        }
    }

    pub fn list(&self) -> Vec<FaultSpec> {
        self.lock().clone()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Consumes one use of the first fault matching this call, if any.
    pub fn take(&self, method: &str, path: &str, stage: Stage) -> Option<FaultSpec> {
        let mut faults = self.lock();
        let idx = faults
            .iter()
            .position(|f| f.stage == stage && f.matches(method, path))?;
        let spec = faults[idx].clone();
        faults[idx].count -= 1;
        if faults[idx].count == 0 {
            faults.remove(idx);
        }
        Some(spec)
    }
}

impl FaultSpec {
    pub fn matches(&self, method: &str, path: &str) -> bool {
        if let Some(m) = &self.method
            && !m.eq_ignore_ascii_case(method)
        {
            return false;
        }
        let want: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        let got: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if got.len() < want.len() || (self.exact && got.len() != want.len()) {
            return false;
        }
        want.iter()
            .zip(&got)
            .all(|(w, g)| *w == "*" || (w.starts_with('{') && w.ends_with('}')) || w == g)
    }

    fn hang(&self) -> Duration {
        Duration::from_millis(self.hang_ms.unwrap_or(10_000))
    }
}

async fn apply(state: Shared, req: Request, next: Next, stage: Stage) -> Response {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let Some(fault) = state.faults.take(&method, &path, stage) else {
        return next.run(req).await;
    };
    tracing::info!(?fault, %method, %path, "injecting fault");
    let mut res = match fault.kind {
        FaultKind::Status500 => {
            let e = ApiError::internal();
            let e = if stage == Stage::Edge {
                e.with_header("stripe-should-retry", "true")
            } else {
                e
            };
            e.into_response()
        }
        FaultKind::Status429 => ApiError::rate_limited()
            .with_header("stripe-should-retry", "true")
            .into_response(),
        FaultKind::Status400 | FaultKind::Status403 => refusal(fault.kind).into_response(),
        FaultKind::Hang => {
            tokio::time::sleep(fault.hang()).await;
            next.run(req).await
        }
        FaultKind::HangAfter => {
            let res = next.run(req).await;
            tokio::time::sleep(fault.hang()).await;
            res
        }
    };
    res.extensions_mut().insert(Applied(fault.kind));
    res
}

/// The final refusal of a `status_400` or `status_403` fault, in Stripe's error shape.
fn refusal(kind: FaultKind) -> ApiError {
    if kind == FaultKind::Status403 {
        ApiError {
            status: StatusCode::FORBIDDEN,
            kind: "invalid_request_error",
            code: None,
            message: "The provided key does not have the required permissions for this endpoint (injected by stripe-local).".into(),
            param: None,
            validation: false,
            headers: Vec::new(),
        }
    } else {
        ApiError::request(
            None,
            None,
            "The request cannot be completed as sent (injected by stripe-local).",
        )
    }
}

/// Outer fault layer (before idempotency).
pub async fn edge_layer(State(state): State<Shared>, req: Request, next: Next) -> Response {
    apply(state, req, next, Stage::Edge).await
}

/// Inner fault layer (inside idempotency: results are saved and replayed).
pub async fn handler_layer(State(state): State<Shared>, req: Request, next: Next) -> Response {
    apply(state, req, next, Stage::Handler).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(method: Option<&str>, path: &str, exact: bool, count: u32) -> FaultSpec {
        FaultSpec {
            method: method.map(str::to_owned),
            path: path.into(),
            exact,
            count,
            kind: FaultKind::Status500,
            hang_ms: None,
            stage: Stage::Edge,
        }
    }

    #[test]
    fn matching() {
        assert!(spec(Some("POST"), "/v1/transfers", false, 1).matches("POST", "/v1/transfers"));
        assert!(
            spec(Some("post"), "/v1/transfers", false, 1)
                .matches("POST", "/v1/transfers/tr_1/reversals")
        );
        assert!(
            !spec(Some("POST"), "/v1/transfers", true, 1)
                .matches("POST", "/v1/transfers/tr_1/reversals")
        );
        assert!(
            spec(None, "/v1/transfers/{id}/reversals", true, 1)
                .matches("POST", "/v1/transfers/tr_1/reversals")
        );
        assert!(!spec(Some("GET"), "/v1/transfers", false, 1).matches("POST", "/v1/transfers"));
        assert!(!spec(None, "/v1/transfer", false, 1).matches("POST", "/v1/transfers"));
    }

    #[test]
    fn counts_down() {
        let f = Faults::default();
        f.add(spec(None, "/v1/accounts", false, 2));
        assert!(f.take("POST", "/v1/accounts", Stage::Edge).is_some());
        assert!(f.take("POST", "/v1/accounts", Stage::Handler).is_none());
        assert!(f.take("GET", "/v1/accounts/acct_1", Stage::Edge).is_some());
        assert!(f.take("POST", "/v1/accounts", Stage::Edge).is_none());
    }
}
