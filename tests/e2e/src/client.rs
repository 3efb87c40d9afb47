//! HTTP to the API as the seller page and a seller's browser call it (the local Stripe server is
//! driven with `harness::stripe::Control`). Redirects are never followed: the test follows them
//! itself, like a browser, to check every hop. Every answer of the API is checked against
//! `docs/openapi.yaml` (`harness::contract`): drift fails the test.

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use crate::stack::Stack;

/// One HTTP answer, read fully.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    /// Response headers, names lower-case.
    pub headers: Vec<(String, String)>,
    pub text: String,
    /// The body parsed as JSON (`Null` if it is not JSON).
    pub json: Value,
}

impl Reply {
    /// Panics (the test fails) unless `docs/openapi.yaml` documents this answer to `method path`.
    #[track_caller]
    pub fn check_contract(&self, method: &str, path: &str) {
        harness::contract::check(&harness::contract::Answer {
            method,
            path,
            status: self.status,
            headers: self.headers.clone(),
            body: self.text.as_bytes(),
        });
    }

    /// Panics with the body unless the status is `status`.
    #[track_caller]
    pub fn expect(self, status: u16, what: &str) -> Reply {
        assert_eq!(
            self.status, status,
            "{what}: unexpected status; body: {}",
            self.text
        );
        self
    }
}

/// Talks to one stack's API.
pub struct Client {
    http: reqwest::Client,
    /// The API's origin, e.g. `http://127.0.0.1:9000`.
    pub api: String,
}

impl Client {
    pub fn new(stack: &Stack) -> Client {
        // reqwest brings ring, the workspace aws-lc-rs: rustls needs the choice made once.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap_or_else(|e| panic!("HTTP client: {e}"));
        Client {
            http,
            api: stack.api.clone(),
        }
    }

    /// `method` on an API path (`/api/v1/...`), with a bearer token if given.
    pub async fn api(&self, method: Method, path: &str, token: Option<&str>) -> Reply {
        let name = method.to_string();
        let mut req = self.http.request(method, format!("{}{path}", self.api));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let reply = send(req).await;
        reply.check_contract(&name, path);
        reply
    }

    /// Invokes a function that is not behind the API (the scheduled reconciler) with an event file
    /// of `tests/events/`, through the local runtime's Lambda Invoke API (what `cargo lambda
    /// invoke` calls); returns the function's JSON answer.
    pub async fn invoke(&self, function: &str, event_file: &str) -> Value {
        let path = crate::workspace_root().join(event_file);
        let event = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let url = format!("{}/2015-03-31/functions/{function}/invocations", self.api);
        let reply = send(self.http.post(url).body(event)).await;
        assert_eq!(reply.status, 200, "invoking {function}: {}", reply.text);
        reply.json
    }

    /// A browser's CORS preflight for `method` on an API path from `origin`: the status and the
    /// response headers.
    pub async fn preflight(
        &self,
        path: &str,
        origin: &str,
        method: &str,
    ) -> (u16, reqwest::header::HeaderMap) {
        let resp = self
            .http
            .request(Method::OPTIONS, format!("{}{path}", self.api))
            .header("origin", origin)
            .header("access-control-request-method", method)
            .header(
                "access-control-request-headers",
                "authorization,idempotency-key",
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("preflight failed: {e}"));
        (resp.status().as_u16(), resp.headers().clone())
    }

    /// GET an absolute URL, as a browser following a redirect (checked against the contract
    /// when it is the API's).
    pub async fn browse(&self, url: &str) -> Reply {
        let reply = send(self.http.get(url)).await;
        if let Some(rest) = url.strip_prefix(&self.api) {
            reply.check_contract("GET", rest);
        }
        reply
    }
}

async fn send(req: reqwest::RequestBuilder) -> Reply {
    let resp = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("HTTP request failed: {e}"));
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(n, v)| {
            let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (n.as_str().to_owned(), value)
        })
        .collect();
    let text = resp.text().await.unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        location,
        headers,
        text,
        json,
    }
}
