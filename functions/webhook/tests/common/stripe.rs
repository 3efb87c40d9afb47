//! The local Stripe server over HTTP: its control API (payments, refunds, onboarding, faults,
//! clock, deliveries) and the real `/v1` API for what tests assert on (transfers, balances).

use serde_json::{Value, json};

/// A client of one local Stripe server.
#[derive(Clone, Debug)]
pub struct Control {
    http: reqwest::Client,
    base: String,
    key: String,
}

/// Where a delivery ended: the HTTP statuses the webhook answered.
pub type Statuses = Vec<Option<u16>>;

impl Control {
    pub fn new(base: &str, key: &str) -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("reqwest client");
        Control {
            http,
            base: base.trim_end_matches('/').to_owned(),
            key: key.to_owned(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
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
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).await
    }

    /// A buyer pays `amount` for `order` whose metadata names the sellers' gross shares
    /// (`[("usr_a", 6000)]` → `veza_shares = usr_a:6000`). Returns (payment intent id, charge id,
    /// event id). `deliver: false` only records the event.
    pub async fn pay(
        &self,
        order: &str,
        currency: &str,
        amount: i64,
        shares: &[(&str, i64)],
        deliver: bool,
    ) -> Payment {
        let shares: Vec<String> = shares.iter().map(|(s, g)| format!("{s}:{g}")).collect();
        self.pay_with_metadata(
            currency,
            amount,
            json!({ "veza_order_id": order, "veza_shares": shares.join(",") }),
            deliver,
        )
        .await
    }

    pub async fn pay_with_metadata(
        &self,
        currency: &str,
        amount: i64,
        metadata: Value,
        deliver: bool,
    ) -> Payment {
        let v = self
            .post("payments", json!({ "currency": currency, "amount": amount, "metadata": metadata, "deliver": deliver }))
            .await;
        Payment {
            payment_intent: str_of(&v["payment_intent"]["id"]),
            charge: str_of(&v["charge"]["id"]),
            event: str_of(&v["event_id"]),
        }
    }

    /// Refunds `amount` (or the rest) of a charge; returns the `charge.refunded` event id.
    pub async fn refund(&self, charge: &str, amount: Option<i64>, deliver: bool) -> String {
        let mut body = json!({ "deliver": deliver });
        if let Some(a) = amount {
            body["amount"] = json!(a);
        }
        let v = self.post(&format!("charges/{charge}/refunds"), body).await;
        str_of(&v["event_id"])
    }

    /// Completes (or updates) an account's onboarding; returns the `account.updated` event id.
    pub async fn onboarding(&self, account: &str, update: Value) -> String {
        let v = self
            .post(&format!("accounts/{account}/onboarding"), update)
            .await;
        str_of(&v["event_id"])
    }

    pub async fn set_balance(&self, account: &str, currency: &str, available: i64) {
        self.post(
            &format!("accounts/{account}/balance"),
            json!({ "currency": currency, "available": available }),
        )
        .await;
    }

    /// Delivers an event `times` times, `concurrency` at once; the webhook's answers.
    pub async fn deliver(&self, event: &str, times: u32, concurrency: u32) -> Statuses {
        let v = self
            .post(
                &format!("events/{event}/deliver"),
                json!({ "times": times, "concurrency": concurrency }),
            )
            .await;
        v["statuses"]
            .as_array()
            .expect("statuses")
            .iter()
            .map(|s| s.as_u64().map(|n| n as u16))
            .collect()
    }

    /// Waits until `event` was delivered with a 2xx (Stripe's automatic delivery and retries).
    pub async fn wait_delivered(&self, event: &str) {
        let v = self
            .call(
                reqwest::Method::GET,
                &format!("deliveries?event_id={event}&delivered=true&timeout_ms=60000"),
                None,
            )
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

    /// Every delivery attempt of `event`.
    pub async fn deliveries(&self, event: &str) -> Vec<Value> {
        let v = self.get(&format!("deliveries?event_id={event}")).await;
        v["deliveries"].as_array().cloned().unwrap_or_default()
    }

    /// The next `count` calls matching `method path` fail with `kind` (`status_500`,
    /// `status_429`, `hang`, `hang_after`) at `stage` (`edge` or `handler`).
    pub async fn fault(&self, method: &str, path: &str, kind: &str, stage: &str, count: u32) {
        self.post(
            "faults",
            json!({ "method": method, "path": path, "exact": true, "kind": kind, "stage": stage, "count": count, "hang_ms": 2500 }),
        )
        .await;
    }

    pub async fn clear_faults(&self) {
        self.call(reqwest::Method::DELETE, "faults", None).await;
    }

    pub async fn advance_clock(&self, seconds: i64) {
        self.post("clock", json!({ "advance_seconds": seconds }))
            .await;
    }

    /// The request log (`endpoint`, `idempotency_key`, `status`, `replayed`, `fault`).
    pub async fn requests(&self, endpoint: &str) -> Vec<Value> {
        let v = self
            .get(&format!(
                "requests?endpoint={}",
                endpoint.replace(' ', "%20")
            ))
            .await;
        v["requests"].as_array().cloned().unwrap_or_default()
    }

    /// Waits until no API call is executing any more (a hung request has finished), so a test
    /// can count what every call did.
    pub async fn wait_idle(&self) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
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
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Calls per endpoint, e.g. `"POST /v1/transfers"`.
    pub async fn count(&self, endpoint: &str) -> u64 {
        let v = self.get("requests").await;
        v["counts"][endpoint].as_u64().unwrap_or(0)
    }

    async fn api(&self, path: &str, account: Option<&str>) -> Value {
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

    /// Every transfer of an order (`transfer_group`), through the real API.
    pub async fn transfers(&self, order: &str) -> Vec<Value> {
        let v = self
            .api(&format!("transfers?transfer_group={order}&limit=100"), None)
            .await;
        v["data"].as_array().cloned().unwrap_or_default()
    }

    /// Every transfer on the server.
    pub async fn all_transfers(&self) -> Vec<Value> {
        let v = self.api("transfers?limit=100", None).await;
        v["data"].as_array().cloned().unwrap_or_default()
    }

    /// A connected account's available balance in `currency`.
    pub async fn available(&self, account: &str, currency: &str) -> i64 {
        let v = self.api("balance", Some(account)).await;
        v["available"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["currency"] == json!(currency))
            .filter_map(|e| e["amount"].as_i64())
            .sum()
    }
}

#[derive(Clone, Debug)]
pub struct Payment {
    pub payment_intent: String,
    pub charge: String,
    pub event: String,
}

fn str_of(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
        .to_owned()
}
