//! Request log: every `/v1` call with its idempotency key and outcome, and counts per endpoint,
//! so tests can assert how many Stripe calls a function made (and which were replays).

use crate::faults::Applied;
use crate::state::Shared;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub seq: u64,
    pub method: String,
    pub path: String,
    /// `METHOD /v1/transfers/{id}/reversals`: the key of [`Recorder::counts`].
    pub endpoint: String,
    pub query: Option<String>,
    pub idempotency_key: Option<String>,
    pub stripe_account: Option<String>,
    /// `None` while the call is still executing.
    pub status: Option<u16>,
    pub replayed: bool,
    pub fault: Option<String>,
}

#[derive(Debug, Default)]
pub struct Recorder {
    log: Mutex<Vec<Entry>>,
}

/// `/v1/transfers/tr_1/reversals` → `/v1/transfers/{id}/reversals`: in Stripe's REST paths every
/// second segment after the version is an id.
pub fn template(path: &str) -> String {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut out = String::new();
    for (i, s) in segs.iter().enumerate() {
        out.push('/');
        let is_id = segs.first() == Some(&"v1") && i >= 2 && i % 2 == 0;
        out.push_str(if is_id { "{id}" } else { s });
    }
    out
}

impl Recorder {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn entries(&self) -> Vec<Entry> {
        self.lock().clone()
    }

    /// Calls per endpoint (`"POST /v1/transfers": 3`), replays and faults included.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for e in self.lock().iter() {
            *counts.entry(e.endpoint.clone()).or_insert(0) += 1;
        }
        counts
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn start(&self, req: &Request) -> u64 {
        let header = |n: &str| {
            req.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let mut log = self.lock();
        let seq = log.len() as u64 + 1;
        let path = req.uri().path().to_owned();
        log.push(Entry {
            seq,
            method: req.method().to_string(),
            endpoint: format!("{} {}", req.method(), template(&path)),
            path,
            query: req.uri().query().map(str::to_owned),
            idempotency_key: header("idempotency-key"),
            stripe_account: header("stripe-account"),
            status: None,
            replayed: false,
            fault: None,
        });
        seq
    }

    fn finish(&self, seq: u64, res: &Response) {
        let mut log = self.lock();
        // Entry `seq` sits at `seq - 1` unless the log was cleared meanwhile: a search of the
        // whole log per request would make a flash sale's hundreds of thousands quadratic.
        let at = usize::try_from(seq.saturating_sub(1))
            .ok()
            .filter(|&i| log.get(i).is_some_and(|e| e.seq == seq))
            .or_else(|| log.iter().position(|e| e.seq == seq));
        if let Some(e) = at.and_then(|i| log.get_mut(i)) {
            e.status = Some(res.status().as_u16());
            e.replayed = res.headers().contains_key("idempotent-replayed");
            e.fault = res
                .extensions()
                .get::<Applied>()
                .map(|a| format!("{:?}", a.0));
        }
    }
}

/// Outermost `/v1` middleware. The rest of the stack runs in its own task so that a client
/// disconnecting (e.g. after its timeout) does not cancel the request half-way: like Stripe, the
/// server finishes what it started and saves the result under the idempotency key.
pub async fn layer(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let seq = state.recorder.start(&req);
    let task = tokio::spawn(async move {
        let res = next.run(req).await;
        state.recorder.finish(seq, &res);
        res
    });
    match task.await {
        Ok(res) => res,
        Err(_) => crate::error::ApiError::internal().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::template;

    #[test]
    fn templates() {
        assert_eq!(template("/v1/transfers"), "/v1/transfers");
        assert_eq!(template("/v1/transfers/tr_1"), "/v1/transfers/{id}");
        assert_eq!(
            template("/v1/transfers/tr_1/reversals"),
            "/v1/transfers/{id}/reversals"
        );
        assert_eq!(
            template("/v1/accounts/acct_1/login_links"),
            "/v1/accounts/{id}/login_links"
        );
        assert_eq!(template("/v1/balance"), "/v1/balance");
    }
}
