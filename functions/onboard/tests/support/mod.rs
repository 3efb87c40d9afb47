//! Test support shared by the onboard, callback and balance suites (the other two include this
//! file with `#[path]`, so nothing is copied). Real parts only: moto DynamoDB through `harness`,
//! the local Stripe server over HTTP with the real Stripe adapter, requests built from the API
//! Gateway v2 events in `tests/events/`, tokens signed like the web app's.
//!
//! TODO(lead): the API Gateway, JWT and local-Stripe helpers belong in `harness` (its `apigw`,
//! `jwt` and `stripe` modules are placeholders today); move them there when it grows them.
#![allow(dead_code)] // each suite uses a different subset

use std::sync::Arc;
use std::time::Duration;

use interceptors::metrics::MemorySink;
use interceptors::{Authenticator, Body, Interceptors, Metrics, Request, Response};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use settings::{HttpSettings, JwtSettings, OnboardingSettings, TableNames};
use stripe_adapter::{RetryPolicy, StripeAdapter};

pub const JWT_SECRET: &str = "test-jwt-secret-0123456789abcdef0123";
pub const STATE_SECRET: &str = "test-state-secret-0123456789abcdef01";
pub const FRONTEND_URL: &str = "https://app.example.com/sell";
pub const PUBLIC_API_URL: &str = "https://api.example.com";

/// The environment the functions would see (minus tables and Stripe, built per test).
pub fn env(var: &str) -> Option<String> {
    let value = match var {
        "JWT_ALGORITHM" => "HS256",
        "JWT_SECRET" => JWT_SECRET,
        "FRONTEND_URL" => FRONTEND_URL,
        "PUBLIC_API_URL" => PUBLIC_API_URL,
        "ONBOARDING_STATE_SECRET" => STATE_SECRET,
        _ => return None,
    };
    Some(value.to_owned())
}

pub fn onboarding() -> onboarding::Onboarding {
    onboarding::Onboarding::new(&OnboardingSettings::from_lookup(env).expect("settings"))
        .expect("urls")
}

/// The facade as main.rs builds it, with metrics captured in memory.
pub fn interceptors(function: &str, with_auth: bool) -> (Interceptors, Arc<MemorySink>) {
    let sink = MemorySink::new();
    let http = HttpSettings::from_lookup(env).expect("http settings");
    let auth = with_auth.then(|| {
        Authenticator::new(&JwtSettings::from_lookup(env).expect("jwt settings")).expect("auth")
    });
    (
        Interceptors::new(Metrics::new(function, sink.clone()), &http, auth),
        sink,
    )
}

/// How many records carry `metric` (business metrics are written with value 1).
pub fn metric_count(sink: &MemorySink, metric: &str) -> usize {
    sink.records()
        .iter()
        .filter(|r| r.get(metric).is_some())
        .count()
}

// ---- tokens -------------------------------------------------------------------------------

/// A seller token for `sub`, with email and country claims, valid for 10 minutes.
pub fn seller_token(sub: &str) -> String {
    token(json!({
        "sub": sub,
        "roles": ["seller"],
        "email": format!("{sub}@example.com"),
        "country": "FR",
    }))
}

/// A token with `claims` (plus `exp` in 10 minutes unless given), signed with the test secret.
pub fn token(mut claims: Value) -> String {
    if claims.get("exp").is_none() {
        claims["exp"] = json!(onboarding::unix_now() + 600);
    }
    let key = EncodingKey::from_secret(JWT_SECRET.as_bytes());
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("token")
}

// ---- API Gateway v2 requests -----------------------------------------------------------------

/// The `tests/events/<file>` request with the bearer `token` (or no Authorization header), the
/// query string `query` (`a=1&b=2`, already encoded; empty for none) and `body`.
pub fn request(file: &str, token: Option<&str>, query: &str, body: &str) -> Request {
    let path = format!("{}/../../tests/events/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut event: Value = serde_json::from_str(&text).expect("event JSON");
    let headers = event["headers"].as_object_mut().expect("headers");
    match token {
        Some(t) => headers.insert("authorization".into(), json!(format!("Bearer {t}"))),
        None => headers.remove("authorization"),
    };
    if !body.is_empty() {
        headers.insert("content-type".into(), json!("application/json"));
        headers.insert("content-length".into(), json!(body.len().to_string()));
        event["body"] = json!(body);
    }
    event["rawQueryString"] = json!(query);
    let mut params = serde_json::Map::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        // API Gateway joins repeated parameters with commas in this map.
        let joined = match params.get(k.as_ref()).and_then(Value::as_str) {
            Some(prev) => format!("{prev},{v}"),
            None => v.into_owned(),
        };
        params.insert(k.into_owned(), json!(joined));
    }
    match params.is_empty() {
        true => event
            .as_object_mut()
            .expect("event")
            .remove("queryStringParameters"),
        false => event
            .as_object_mut()
            .expect("event")
            .insert("queryStringParameters".into(), Value::Object(params)),
    };
    lambda_http::request::from_str(&event.to_string()).expect("API Gateway v2 event")
}

pub fn body_json(resp: &Response<Body>) -> Value {
    match resp.body() {
        Body::Text(t) => serde_json::from_str(t).unwrap_or_else(|e| panic!("{e}: {t}")),
        Body::Binary(b) => serde_json::from_slice(b).expect("JSON body"),
        _ => Value::Null,
    }
}

pub fn header<'a>(resp: &'a Response<Body>, name: &str) -> Option<&'a str> {
    resp.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Asserts a problem+json answer and returns the document.
pub fn assert_problem(resp: &Response<Body>, status: u16, code: &str) -> Value {
    let doc = body_json(resp);
    assert_eq!(resp.status().as_u16(), status, "{doc}");
    assert_eq!(
        header(resp, "content-type"),
        Some("application/problem+json")
    );
    assert_eq!(doc["code"], code, "{doc}");
    doc
}

/// Asserts a retryable 503 with a `Retry-After`.
pub fn assert_retryable(resp: &Response<Body>) {
    let doc = assert_problem(resp, 503, "upstream_unavailable");
    assert_eq!(doc["retryable"], true);
    let retry_after: u32 = header(resp, "retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
}

// ---- DynamoDB (moto) -----------------------------------------------------------------------------

/// A DynamoDB client on moto and a fresh set of the template's tables.
pub async fn tables() -> (store::Client, TableNames) {
    let dynamo = harness::dynamo().await;
    let names = dynamo.tables().await;
    (dynamo.client, names)
}

// ---- the local Stripe server --------------------------------------------------------------

/// One local Stripe server per test (its state is per instance).
pub struct Stripe {
    pub server: stripe_local::Handle,
    http: reqwest::Client,
}

impl Stripe {
    pub async fn start() -> Stripe {
        let server = stripe_local::spawn(stripe_local::Config::default())
            .await
            .expect("stripe-local starts");
        Stripe {
            server,
            http: reqwest::Client::new(),
        }
    }

    /// The real adapter on this server: 2 s per attempt, the production retry policy.
    pub fn adapter(&self) -> StripeAdapter {
        self.adapter_with(Duration::from_secs(2), RetryPolicy::default())
    }

    pub fn adapter_with(&self, timeout: Duration, retry: RetryPolicy) -> StripeAdapter {
        // reqwest (test-only) enables rustls' ring provider next to the adapter's aws-lc-rs, so
        // rustls cannot choose by itself: pick the one production uses.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        StripeAdapter::new(&self.server.base_url, self.server.api_key(), timeout)
            .expect("adapter")
            .with_retry(retry)
    }

    async fn control(&self, path: &str, body: Value) -> Value {
        let resp = self
            .http
            .post(self.server.control_url(path))
            .json(&body)
            .send()
            .await
            .expect("control API");
        let status = resp.status();
        let doc: Value = resp.json().await.expect("control JSON");
        assert!(status.is_success(), "{path}: {status} {doc}");
        doc
    }

    /// Finishes onboarding (details submitted, charges and payouts enabled, transfers active).
    pub async fn complete_onboarding(&self, account: &str) {
        self.control(
            &format!("accounts/{account}/onboarding"),
            json!({"complete": true}),
        )
        .await;
    }

    /// A partial onboarding update (see stripe-local's `OnboardingUpdate`).
    pub async fn update_onboarding(&self, account: &str, update: Value) {
        self.control(&format!("accounts/{account}/onboarding"), update)
            .await;
    }

    /// Sets one currency of a connected account's balance.
    pub async fn set_balance(&self, account: &str, currency: &str, available: i64, pending: i64) {
        let body = json!({"currency": currency, "available": available, "pending": pending});
        self.control(&format!("accounts/{account}/balance"), body)
            .await;
    }

    /// The next `count` calls to `method path` fail with `kind` (`status_500`, `status_429`,
    /// `hang`) in front of the API (nothing saved under the idempotency key).
    pub async fn fault(&self, method: &str, path: &str, kind: &str, count: u32) {
        let spec = json!({
            "method": method, "path": path, "exact": true, "count": count, "kind": kind,
            "hang_ms": 3000,
        });
        self.control("faults", spec).await;
    }

    /// Calls made so far to `endpoint` (`"POST /v1/accounts"`, `"GET /v1/balance"`), faults
    /// and replays included.
    pub async fn calls(&self, endpoint: &str) -> u64 {
        let doc: Value = self
            .http
            .get(self.server.control_url("requests"))
            .send()
            .await
            .expect("control API")
            .json()
            .await
            .expect("control JSON");
        doc["counts"][endpoint].as_u64().unwrap_or(0)
    }

    /// The request log entries for `endpoint`.
    pub async fn requests(&self, endpoint: &str) -> Vec<Value> {
        let url = self.server.control_url("requests");
        let doc: Value = self
            .http
            .get(url)
            .query(&[("endpoint", endpoint)])
            .send()
            .await
            .expect("control API")
            .json()
            .await
            .expect("control JSON");
        doc["requests"].as_array().cloned().unwrap_or_default()
    }

    /// How many objects of `kind` (`accounts`, `account_links`) the server holds.
    pub async fn objects(&self, kind: &str) -> u64 {
        let doc: Value = self
            .http
            .get(self.server.control_url("objects"))
            .send()
            .await
            .expect("control API")
            .json()
            .await
            .expect("control JSON");
        doc[kind].as_u64().expect("object count")
    }
}

// ---- the seller's browser on Stripe's hosted pages ---------------------------------------------

/// A browser that does not follow redirects (tests read `Location`).
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Opens the onboarding link and presses "Complete onboarding": returns where Stripe sends the
/// browser (our `return_url`).
pub async fn browser_completes(onboarding_url: &str) -> String {
    let b = browser();
    let page = b.get(onboarding_url).send().await.expect("link page");
    assert!(page.status().is_success(), "link page: {}", page.status());
    let url = url::Url::parse(onboarding_url).expect("link URL");
    let account = url.path().rsplit('/').next().expect("account in path");
    let link = url
        .query_pairs()
        .find(|(k, _)| k == "link")
        .expect("link id")
        .1
        .into_owned();
    let done = b
        .post(
            url.join(&format!("/connect/onboarding/{account}/complete"))
                .expect("url"),
        )
        .query(&[("link", link)])
        .send()
        .await
        .expect("complete");
    location(&done)
}

/// Opens the onboarding link and leaves without finishing: returns the page's `return_url`.
pub async fn browser_leaves(onboarding_url: &str) -> String {
    let html = browser()
        .get(onboarding_url)
        .send()
        .await
        .expect("link page")
        .text()
        .await
        .expect("html");
    let start = html.find("<a href=\"").expect("leave link") + "<a href=\"".len();
    let end = start + html[start..].find('"').expect("end of href");
    html[start..end]
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

/// Opens an already used (or expired) link: Stripe sends the browser to our `refresh_url`.
pub async fn browser_revisits(onboarding_url: &str) -> String {
    location(
        &browser()
            .get(onboarding_url)
            .send()
            .await
            .expect("link page"),
    )
}

fn location(resp: &reqwest::Response) -> String {
    assert!(
        resp.status().is_redirection(),
        "expected a redirect, got {}",
        resp.status()
    );
    resp.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

/// The raw query string of `url` (what API Gateway puts in `rawQueryString`).
pub fn query_of(url: &str) -> String {
    url::Url::parse(url)
        .expect("URL")
        .query()
        .unwrap_or("")
        .to_owned()
}
