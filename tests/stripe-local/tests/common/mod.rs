//! Shared helpers of the integration tests: a server per test, raw HTTP and the real
//! async-stripe client against it, and a tiny webhook receiver. Waits are conditions with
//! timeouts (Notify-driven or the server's long-poll), never fixed sleeps.
#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use stripe_local::{Config, Handle};
use tokio::sync::Notify;

pub const KEY: &str = "sk_test_local_123";
pub const WAIT: Duration = Duration::from_secs(10);

pub struct Local {
    pub handle: Handle,
    pub http: reqwest::Client,
}

pub async fn start() -> Local {
    start_with(Config::with_key(KEY)).await
}

pub async fn start_with(config: Config) -> Local {
    let handle = stripe_local::spawn(config)
        .await
        .expect("spawn stripe-local");
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Local { handle, http }
}

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Local {
    pub fn base(&self) -> &str {
        &self.handle.base_url
    }

    /// The real async-stripe client pointed at this server.
    pub fn stripe(&self) -> stripe::Client {
        stripe::ClientBuilder::new(KEY)
            .url(self.base())
            .build()
            .expect("client")
    }

    pub fn stripe_with_timeout(&self, t: Duration) -> stripe::Client {
        stripe::ClientBuilder::new(KEY)
            .url(self.base())
            .timeout(t)
            .build()
            .expect("client")
    }

    async fn finish(res: reqwest::Response) -> Resp {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Resp {
            status,
            headers,
            body,
        }
    }

    /// Raw form POST to `/v1/...` with extra headers.
    pub async fn post_form(&self, path: &str, form: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = self
            .http
            .post(format!("{}{}", self.base(), path.trim_start_matches('/')))
            .bearer_auth(KEY)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::finish(req.send().await.expect("send")).await
    }

    pub async fn get_api(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = self
            .http
            .get(format!("{}{}", self.base(), path.trim_start_matches('/')))
            .bearer_auth(KEY);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::finish(req.send().await.expect("send")).await
    }

    pub async fn control_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Resp {
        let mut req = self.http.request(method, self.handle.control_url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        Self::finish(req.send().await.expect("send")).await
    }

    /// POST to the control API, asserting success.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let r = self
            .control_raw(reqwest::Method::POST, path, Some(body))
            .await;
        assert!(
            (200..300).contains(&r.status),
            "control {path}: {} {}",
            r.status,
            r.body
        );
        r.body
    }

    pub async fn control_get(&self, path: &str) -> Value {
        let r = self.control_raw(reqwest::Method::GET, path, None).await;
        assert!(
            (200..300).contains(&r.status),
            "control {path}: {} {}",
            r.status,
            r.body
        );
        r.body
    }

    /// A new Express account (transfers requested) via the API.
    pub async fn account(&self) -> String {
        let r = self
            .post_form(
                "/v1/accounts",
                "type=express&country=FR&capabilities[transfers][requested]=true",
                &[],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// A new account that finished onboarding.
    pub async fn onboarded_account(&self) -> String {
        let id = self.account().await;
        self.control(
            &format!("accounts/{id}/onboarding"),
            json!({ "complete": true }),
        )
        .await;
        id
    }

    /// A buyer paid `amount` for `order`; returns the control API's answer.
    pub async fn pay(&self, order: &str, amount: i64, currency: &str) -> Value {
        self.control(
            "payments",
            json!({ "order_id": order, "amount": amount, "currency": currency, "metadata": { "seller_u1": "700" } }),
        )
        .await
    }

    pub async fn count(&self, endpoint: &str) -> u64 {
        self.control_get("requests").await["counts"][endpoint]
            .as_u64()
            .unwrap_or(0)
    }

    pub async fn objects(&self) -> Value {
        self.control_get("objects").await
    }
}

/// One POST received by the test webhook receiver.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub signature: String,
    pub content_type: String,
    pub body: String,
}

#[derive(Clone, Default)]
struct ReceiverState {
    got: Arc<Mutex<Vec<Delivery>>>,
    /// Statuses to answer with, in order; 200 once exhausted.
    script: Arc<Mutex<VecDeque<u16>>>,
    notify: Arc<Notify>,
}

pub struct Receiver {
    pub url: String,
    state: ReceiverState,
    _task: tokio::task::JoinHandle<()>,
}

async fn receive(State(s): State<ReceiverState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    s.got.lock().unwrap().push(Delivery {
        signature: h("stripe-signature"),
        content_type: h("content-type"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let status = s.script.lock().unwrap().pop_front().unwrap_or(200);
    s.notify.notify_waiters();
    StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
}

/// A tiny axum app capturing webhook deliveries.
pub async fn receiver() -> Receiver {
    let state = ReceiverState::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Receiver {
        url,
        state,
        _task: task,
    }
}

impl Receiver {
    /// Answer the next deliveries with these statuses (then 200).
    pub fn script(&self, statuses: &[u16]) {
        self.state
            .script
            .lock()
            .unwrap()
            .extend(statuses.iter().copied());
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.got.lock().unwrap().clone()
    }

    /// Waits until a delivery whose body contains `needle` arrived `n` times.
    pub async fn wait_for(&self, needle: &str, n: usize) -> Vec<Delivery> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let notified = self.state.notify.notified();
            let hits: Vec<Delivery> = self
                .deliveries()
                .into_iter()
                .filter(|d| d.body.contains(needle))
                .collect();
            if hits.len() >= n {
                return hits;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "timed out waiting for {n} deliveries containing {needle}; got {}",
                    hits.len()
                );
            }
        }
    }
}

/// Extracts the `code` of an async-stripe API error.
pub fn stripe_code(err: &stripe::StripeError) -> (Option<String>, u16) {
    match err {
        stripe::StripeError::Stripe(e, status) => {
            (e.code.as_ref().map(|c| c.as_str().to_owned()), *status)
        }
        other => panic!("expected a Stripe API error, got {other:?}"),
    }
}
