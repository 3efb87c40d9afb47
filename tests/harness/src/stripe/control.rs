//! A client of one local Stripe server over HTTP: its control API (`/_control`: payments,
//! refunds, onboarding, balances, events, webhook pause, faults, clock, deliveries, request log)
//! and the real `/v1` API for what tests assert on (accounts, transfers, balances), as any
//! Stripe client reads it.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::StripeServer;

mod money;
pub use money::{Disputed, Payment, Refunded};

/// What the webhook answered to each delivery attempt (`None`: no answer).
pub type Statuses = Vec<Option<u16>>;

/// A fault for the next calls of one endpoint (see stripe-local's `faults` module).
#[derive(Clone, Debug)]
pub struct Fault(Value);

impl Fault {
    /// The next call of `method path` fails with `kind` (`status_500`, `status_429`, `hang`,
    /// `hang_after`, ...). The path matches whole (`{id}` matches one segment); the fault acts at
    /// the edge (before idempotency: nothing is saved under the key); hangs last 2.5 s.
    pub fn new(method: &str, path: &str, kind: &str) -> Fault {
        Fault(json!({
            "method": method, "path": path, "exact": true, "kind": kind, "count": 1,
            "stage": "edge", "hang_ms": 2500,
        }))
    }

    /// The next `count` matching calls fail.
    pub fn times(mut self, count: u32) -> Fault {
        self.0["count"] = json!(count);
        self
    }

    /// `edge` (default) or `handler` (after the idempotency layer: the failure is saved).
    pub fn at(mut self, stage: &str) -> Fault {
        self.0["stage"] = json!(stage);
        self
    }

    /// How long `hang` and `hang_after` sleep.
    pub fn hang_ms(mut self, ms: u64) -> Fault {
        self.0["hang_ms"] = json!(ms);
        self
    }

    /// Match every path under `path` instead of `path` alone.
    pub fn by_prefix(mut self) -> Fault {
        self.0["exact"] = json!(false);
        self
    }
}

/// A client of one local Stripe server. Every control call asserts a 2xx answer.
#[derive(Clone, Debug)]
pub struct Control {
    http: reqwest::Client,
    /// The server's origin, without a trailing slash.
    base: String,
    key: String,
}

impl Control {
    pub fn new(server: &StripeServer) -> Control {
        Control::at(&server.base_url, server.api_key())
    }

    /// A client of the server at `base_url` with API key `api_key` (e.g. one `make dev` runs).
    pub fn at(base_url: &str, api_key: &str) -> Control {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("reqwest client");
        Control {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            key: api_key.to_owned(),
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/_control/{}", self.base, path.trim_start_matches('/'));
        let mut req = self.http.request(method.clone(), &url);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = res.status();
        let value: Value = res.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{method} {url} -> {status}: {value}");
        value
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn get(&self, path: &str) -> Value {
        self.call(Method::GET, path, None).await
    }

    pub async fn delete(&self, path: &str) -> Value {
        self.call(Method::DELETE, path, None).await
    }

    // ---- accounts -------------------------------------------------------------------------

    /// Updates an account's onboarding (see stripe-local's `OnboardingUpdate`); returns the
    /// `account.updated` event id.
    pub async fn onboarding(&self, account: &str, update: Value) -> String {
        let v = self
            .post(&format!("accounts/{account}/onboarding"), update)
            .await;
        str_of(&v["event_id"])
    }

    /// Finishes onboarding (details submitted, charges and payouts enabled, transfers active);
    /// returns the `account.updated` event id.
    pub async fn complete_onboarding(&self, account: &str) -> String {
        self.onboarding(account, json!({ "complete": true })).await
    }

    /// How many objects of `kind` (`accounts`, `account_links`, `transfers`, ...) the server holds.
    pub async fn objects(&self, kind: &str) -> u64 {
        self.get("objects").await[kind]
            .as_u64()
            .unwrap_or_else(|| panic!("no count of {kind}"))
    }

    // ---- webhook deliveries ---------------------------------------------------------------

    /// Delivers an event `times` times, `concurrency` at once; the webhook's answers.
    pub async fn deliver(&self, event: &str, times: u32, concurrency: u32) -> Statuses {
        let body = json!({ "times": times, "concurrency": concurrency });
        let v = self.post(&format!("events/{event}/deliver"), body).await;
        v["statuses"]
            .as_array()
            .expect("statuses")
            .iter()
            .map(|s| s.as_u64().and_then(|n| u16::try_from(n).ok()))
            .collect()
    }

    /// Waits (long poll, at most 60 s) until `event` was delivered with a 2xx.
    pub async fn wait_delivered(&self, event: &str) {
        let v = self
            .get(&format!(
                "deliveries?event_id={event}&delivered=true&timeout_ms=60000"
            ))
            .await;
        assert_eq!(
            v["satisfied"],
            json!(true),
            "event {event} not delivered: {v}"
        );
    }

    /// The event's JSON body (as Stripe would send it).
    pub async fn event(&self, id: &str) -> Value {
        self.get(&format!("events/{id}")).await
    }

    /// Records an event of any `kind` with `object` as its `data.object` (a type the server
    /// never emits, the platform's own `account.updated`, an object a client cannot parse); a
    /// Connect event when `account` is given. Delivered when `deliver`; returns the event id.
    pub async fn emit_event(
        &self,
        kind: &str,
        account: Option<&str>,
        object: Value,
        deliver: bool,
    ) -> String {
        let body =
            json!({ "type": kind, "account": account, "object": object, "deliver": deliver });
        str_of(&self.post("events", body).await["event_id"])
    }

    /// Stops automatic webhook delivery: the configured targets are set aside; events are still
    /// recorded (and listable with `GET /v1/events`) but never sent automatically, as when a
    /// Stripe endpoint is disabled. `deliver` still sends on demand once resumed.
    pub async fn pause_webhooks(&self) {
        self.post("webhooks/pause", json!({})).await;
    }

    /// Restores the targets set aside by [`Control::pause_webhooks`]; events recorded meanwhile
    /// stay undelivered.
    pub async fn resume_webhooks(&self) {
        self.post("webhooks/resume", json!({})).await;
    }

    /// Every delivery attempt of `event`.
    pub async fn deliveries(&self, event: &str) -> Vec<Value> {
        let v = self.get(&format!("deliveries?event_id={event}")).await;
        v["deliveries"].as_array().cloned().unwrap_or_default()
    }

    // ---- faults and clock -----------------------------------------------------------------

    pub async fn fault(&self, fault: Fault) {
        self.post("faults", fault.0).await;
    }

    pub async fn clear_faults(&self) {
        self.delete("faults").await;
    }

    pub async fn advance_clock(&self, seconds: i64) {
        self.post("clock", json!({ "advance_seconds": seconds }))
            .await;
    }

    /// The server's clock (unix seconds, advanced by [`Control::advance_clock`]): what objects'
    /// and events' `created` are stamped with.
    pub async fn now(&self) -> i64 {
        self.get("clock").await["now"]
            .as_i64()
            .expect("clock answers `now`")
    }

    // ---- the request log ------------------------------------------------------------------

    /// The log entries of `endpoint` (`"POST /v1/transfers"`): `idempotency_key`, `status`,
    /// `replayed`, `fault`, `stripe_account`, ...
    pub async fn requests(&self, endpoint: &str) -> Vec<Value> {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("endpoint", endpoint)
            .finish();
        let v = self.get(&format!("requests?{query}")).await;
        v["requests"].as_array().cloned().unwrap_or_default()
    }

    /// Calls made so far to `endpoint` (`"GET /v1/accounts/{id}"`), faults and replays included.
    pub async fn calls(&self, endpoint: &str) -> u64 {
        self.get("requests").await["counts"][endpoint]
            .as_u64()
            .unwrap_or(0)
    }

    /// Waits (polling, at most 30 s) until no API call is executing any more (a hung request
    /// has finished), so a test can count what every call did.
    pub async fn wait_idle(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let v = self.get("requests").await;
            let busy = v["requests"]
                .as_array()
                .is_some_and(|r| r.iter().any(|e| e["status"].is_null()));
            if !busy {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "stripe-local still busy: {v}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    // ---- the real API -----------------------------------------------------------------------

    /// `GET /v1/<path>` with the API key (as `account` when given); asserts a 2xx.
    pub async fn api_get(&self, path: &str, account: Option<&str>) -> Value {
        let mut req = self
            .http
            .get(format!("{}/v1/{path}", self.base))
            .bearer_auth(&self.key);
        if let Some(a) = account {
            req = req.header("Stripe-Account", a);
        }
        let res = req.send().await.expect("stripe api");
        assert!(
            res.status().is_success(),
            "GET /v1/{path}: {}",
            res.status()
        );
        res.json().await.expect("json")
    }

    /// Every transfer of an order (`transfer_group`).
    pub async fn transfers(&self, order: &str) -> Vec<Value> {
        let path = format!("transfers?transfer_group={order}&limit=100");
        let v = self.api_get(&path, None).await;
        v["data"].as_array().cloned().unwrap_or_default()
    }

    /// Every transfer on the server.
    pub async fn all_transfers(&self) -> Vec<Value> {
        let v = self.api_get("transfers?limit=100", None).await;
        v["data"].as_array().cloned().unwrap_or_default()
    }

    /// An account's available balance in `currency`.
    pub async fn available(&self, account: &str, currency: &str) -> i64 {
        self.balance(account, currency).await.0
    }

    /// An account's pending balance in `currency` (money funded from charges not yet available).
    pub async fn pending(&self, account: &str, currency: &str) -> i64 {
        self.balance(account, currency).await.1
    }

    /// What reached an account in `currency`, pending or available: the money a test means by
    /// "the seller was paid" whatever its charge's availability.
    pub async fn received(&self, account: &str, currency: &str) -> i64 {
        let (available, pending) = self.balance(account, currency).await;
        available + pending
    }

    /// `(available, pending)` of an account in `currency`, read with `GET /v1/balance`.
    pub async fn balance(&self, account: &str, currency: &str) -> (i64, i64) {
        let v = self.api_get("balance", Some(account)).await;
        let side = |name: &str| -> i64 {
            v[name]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|e| e["currency"] == json!(currency))
                .filter_map(|e| e["amount"].as_i64())
                .sum()
        };
        (side("available"), side("pending"))
    }
}

pub(crate) fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected an array, got {v}"))
        .iter()
        .map(str_of)
        .collect()
}

pub(crate) fn str_of(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
        .to_owned()
}
