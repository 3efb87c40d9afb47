//! `Idempotency-Key` handling, as Stripe does it for POST requests.
//!
//! - Same key, same account, same endpoint and parameters → the first response is replayed
//!   (status and body, a 500 included) with `Idempotent-Replayed: true`.
//! - Same key with other parameters (or another endpoint) → 400 `idempotency_error`.
//! - Same key while the first request is still executing → 409 `idempotency_error`
//!   (`idempotency_key_in_use`), so concurrent retries never execute twice.
//! - Results of requests that failed validation are not saved (see [`crate::error::NotSaved`]).
//! - Keys expire 24 h after first use, measured on the server's controllable clock.

use crate::error::{ApiError, NotSaved};
use crate::state::Shared;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;

/// How long Stripe keeps an idempotency key.
pub const KEY_TTL_SECONDS: i64 = 24 * 60 * 60;
/// Largest body accepted (Stripe's requests are small).
pub const BODY_LIMIT: usize = 1 << 20;

#[derive(Clone, Debug)]
struct Saved {
    status: StatusCode,
    content_type: Option<HeaderValue>,
    body: Bytes,
}

#[derive(Clone, Debug)]
enum Slot {
    InFlight,
    Done(Saved),
}

#[derive(Clone, Debug)]
struct Entry {
    fingerprint: Value,
    first_used: i64,
    slot: Slot,
}

/// Keys by (account scope, key).
#[derive(Debug, Default)]
pub struct Idempotency {
    entries: Mutex<HashMap<(String, String), Entry>>,
}

enum Begin {
    Proceed,
    Replay(Saved),
    Conflict,
    InFlight,
}

impl Idempotency {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn begin(&self, scope: (String, String), fingerprint: Value, now: i64) -> Begin {
        let mut map = self.lock();
        map.retain(|_, e| matches!(e.slot, Slot::InFlight) || now - e.first_used < KEY_TTL_SECONDS);
        if let Some(e) = map.get(&scope) {
            if e.fingerprint != fingerprint {
                return Begin::Conflict;
            }
            return match &e.slot {
                Slot::InFlight => Begin::InFlight,
                Slot::Done(saved) => Begin::Replay(saved.clone()),
            };
        }
        map.insert(
            scope,
            Entry {
                fingerprint,
                first_used: now,
                slot: Slot::InFlight,
            },
        );
        Begin::Proceed
    }

    fn finish(&self, scope: &(String, String), saved: Option<Saved>) {
        let mut map = self.lock();
        match saved {
            Some(s) => {
                if let Some(e) = map.get_mut(scope) {
                    e.slot = Slot::Done(s);
                }
            }
            None => {
                map.remove(scope);
            }
        }
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Releases an in-flight key if the request never finishes (so it cannot block retries forever).
struct Guard<'a> {
    reg: &'a Idempotency,
    scope: (String, String),
    armed: bool,
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.reg.finish(&self.scope, None);
        }
    }
}

/// What two requests must share for a replay: endpoint and decoded parameters (order-free).
fn fingerprint(method: &Method, path: &str, body: &Bytes) -> Value {
    let params = crate::form::decode(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()));
    serde_json::json!({ "method": method.as_str(), "path": path, "params": params })
}

/// Middleware for `/v1` POSTs carrying an `Idempotency-Key`.
pub async fn layer(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(key) = req
        .headers()
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::to_owned))
    else {
        return next.run(req).await;
    };
    let key = match key {
        Ok(k) if !k.is_empty() && k.len() <= 255 => k,
        _ => {
            return ApiError::invalid_param(
                "Idempotency-Key",
                "Idempotency keys must be 1 to 255 printable characters.",
            )
            .into_response();
        }
    };
    let account = req
        .headers()
        .get("stripe-account")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return ApiError::malformed("Request body too large or unreadable.").into_response();
    };
    let scope = (account, key.clone());
    let fp = fingerprint(&parts.method, parts.uri.path(), &bytes);
    match state.idempotency.begin(scope.clone(), fp, state.clock.now()) {
        Begin::Replay(saved) => {
            let mut res = Response::new(Body::from(saved.body));
            *res.status_mut() = saved.status;
            if let Some(ct) = saved.content_type {
                res.headers_mut().insert(header::CONTENT_TYPE, ct);
            }
            res.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            with_key(res, &key)
        }
        Begin::Conflict => ApiError::idempotency(
            StatusCode::BAD_REQUEST,
            None,
            format!(
                "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
            ),
        )
        .into_response(),
        Begin::InFlight => ApiError::idempotency(
            StatusCode::CONFLICT,
            Some("idempotency_key_in_use"),
            "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): please try again later.",
        )
        .into_response(),
        Begin::Proceed => {
            let mut guard = Guard { reg: &state.idempotency, scope, armed: true };
            let res = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            if res.extensions().get::<NotSaved>().is_some() {
                return with_key(res, &key); // guard drops the in-flight entry
            }
            let (rparts, rbody) = res.into_parts();
            let body = to_bytes(rbody, usize::MAX).await.unwrap_or_default();
            let saved = Saved {
                status: rparts.status,
                content_type: rparts.headers.get(header::CONTENT_TYPE).cloned(),
                body: body.clone(),
            };
            guard.armed = false;
            state.idempotency.finish(&guard.scope, Some(saved));
            with_key(Response::from_parts(rparts, Body::from(body)), &key)
        }
    }
}

fn with_key(mut res: Response, key: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(key) {
        res.headers_mut().insert("idempotency-key", v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(k: &str) -> (String, String) {
        (String::new(), k.to_owned())
    }

    #[test]
    fn lifecycle() {
        let reg = Idempotency::default();
        let fp = serde_json::json!({"a":"1"});
        assert!(matches!(
            reg.begin(scope("k"), fp.clone(), 0),
            Begin::Proceed
        ));
        assert!(matches!(
            reg.begin(scope("k"), fp.clone(), 1),
            Begin::InFlight
        ));
        assert!(matches!(
            reg.begin(scope("k"), serde_json::json!({}), 1),
            Begin::Conflict
        ));
        let saved = Saved {
            status: StatusCode::OK,
            content_type: None,
            body: Bytes::from_static(b"{}"),
        };
        reg.finish(&scope("k"), Some(saved));
        assert!(matches!(
            reg.begin(scope("k"), fp.clone(), 2),
            Begin::Replay(_)
        ));
        // Expired after 24 h: a new execution.
        assert!(matches!(
            reg.begin(scope("k"), fp.clone(), KEY_TTL_SECONDS),
            Begin::Proceed
        ));
    }

    #[test]
    fn scoped_by_account() {
        let reg = Idempotency::default();
        let fp = serde_json::json!({});
        assert!(matches!(
            reg.begin(scope("k"), fp.clone(), 0),
            Begin::Proceed
        ));
        assert!(matches!(
            reg.begin(("acct_1".into(), "k".into()), fp, 0),
            Begin::Proceed
        ));
    }

    #[test]
    fn fingerprint_ignores_param_order() {
        let a = fingerprint(&Method::POST, "/v1/x", &Bytes::from_static(b"a=1&b=2"));
        let b = fingerprint(&Method::POST, "/v1/x", &Bytes::from_static(b"b=2&a=1"));
        let c = fingerprint(&Method::POST, "/v1/y", &Bytes::from_static(b"b=2&a=1"));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
