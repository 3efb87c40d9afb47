//! API Gateway HTTP API (payload format 2.0) requests for handler tests, decoded by `lambda_http`
//! exactly as on Lambda, and the other direction ([`serve`]): a loopback HTTP server whose
//! requests become such events for a function's handler (for callers that speak HTTP, such as
//! the local Stripe server delivering webhooks).
//!
//! - [`Event`]: build an event from `tests/events/<file>` or from a method and a path, then set
//!   the bearer token, query, headers and body; [`request`] is the common case in one call.
//! - [`body_json`], [`header`], [`assert_problem`], [`assert_retryable`] and its kin: reading
//!   the answer.

mod receiver;
mod response;

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use interceptors::Request;
use serde_json::{Map, Value, json};

pub use receiver::serve;
pub use response::{
    assert_problem, assert_rate_limited, assert_retryable, assert_retryable_after, body_json,
    header,
};

/// An API Gateway v2 event under construction.
#[derive(Clone, Debug)]
pub struct Event(Value);

impl Event {
    /// `tests/events/<file>` (the repository's fixtures, one per route).
    pub fn from_file(file: &str) -> Event {
        let path = format!("{}/../events/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Event(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")))
    }

    /// A bare event for `method path` on the `$default` stage, with a unique request id (the
    /// route key is the method and the path, as for a `$default` route).
    pub fn new(method: &str, path: &str) -> Event {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let route_key = format!("{method} {path}");
        Event(json!({
            "version": "2.0",
            "routeKey": route_key,
            "rawPath": path,
            "rawQueryString": "",
            "headers": {},
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "localapi",
                "domainName": "localhost",
                "domainPrefix": "localhost",
                "http": {
                    "method": method,
                    "path": path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": "127.0.0.1",
                    "userAgent": "harness"
                },
                "requestId": format!("req-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed)),
                "routeKey": route_key,
                "stage": "$default",
                "time": "01/Jan/2030:00:00:00 +0000",
                "timeEpoch": 1_893_456_000_000_i64
            },
            "isBase64Encoded": false
        }))
    }

    fn headers(&mut self) -> &mut Map<String, Value> {
        if !self.0["headers"].is_object() {
            self.0["headers"] = json!({});
        }
        self.0["headers"].as_object_mut().expect("headers object")
    }

    /// Sets a header (API Gateway lower-cases header names).
    pub fn header(mut self, name: &str, value: &str) -> Event {
        self.headers()
            .insert(name.to_ascii_lowercase(), json!(value));
        self
    }

    /// `Authorization: Bearer <token>`, or no Authorization header at all.
    pub fn bearer(mut self, token: Option<&str>) -> Event {
        match token {
            Some(t) => self.header("authorization", &format!("Bearer {t}")),
            None => {
                self.headers().remove("authorization");
                self
            }
        }
    }

    /// The query string (`a=1&b=2`, already encoded; empty for none), raw and parsed as API
    /// Gateway passes both (repeated parameters joined with commas in the parsed map).
    pub fn query(mut self, query: &str) -> Event {
        self.0["rawQueryString"] = json!(query);
        let mut params = Map::new();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            let joined = match params.get(k.as_ref()).and_then(Value::as_str) {
                Some(prev) => format!("{prev},{v}"),
                None => v.into_owned(),
            };
            params.insert(k.into_owned(), json!(joined));
        }
        let event = self.0.as_object_mut().expect("event object");
        if params.is_empty() {
            event.remove("queryStringParameters");
        } else {
            event.insert("queryStringParameters".into(), Value::Object(params));
        }
        self
    }

    /// A JSON text body with its content type and length; an empty `body` changes nothing.
    pub fn json_body(mut self, body: &str) -> Event {
        if body.is_empty() {
            return self;
        }
        self.0["body"] = json!(body);
        self.0["isBase64Encoded"] = json!(false);
        self.header("content-type", "application/json")
            .header("content-length", &body.len().to_string())
    }

    /// Raw bytes, base64-encoded as API Gateway passes bodies it does not treat as text.
    pub fn binary_body(mut self, body: &[u8]) -> Event {
        self.0["body"] = json!(base64::engine::general_purpose::STANDARD.encode(body));
        self.0["isBase64Encoded"] = json!(true);
        self
    }

    /// The event as JSON (what Lambda would receive).
    pub fn json(&self) -> &Value {
        &self.0
    }

    /// The request `lambda_http` makes of the event, or why it cannot.
    pub fn try_request(&self) -> Result<Request, String> {
        lambda_http::request::from_str(&self.0.to_string()).map_err(|e| e.to_string())
    }

    /// The request `lambda_http` makes of the event.
    pub fn request(&self) -> Request {
        self.try_request()
            .unwrap_or_else(|e| panic!("not an API Gateway v2 event: {e}"))
    }
}

/// The `tests/events/<file>` request with the bearer `token` (or no Authorization header), the
/// query string `query` (`a=1&b=2`, already encoded; empty for none) and the JSON `body` (empty
/// for none).
pub fn request(file: &str, token: Option<&str>, query: &str, body: &str) -> Request {
    Event::from_file(file)
        .bearer(token)
        .query(query)
        .json_body(body)
        .request()
}

/// The raw query string of `url` (what API Gateway puts in `rawQueryString`).
pub fn query_of(url: &str) -> String {
    url::Url::parse(url)
        .unwrap_or_else(|e| panic!("{url}: {e}"))
        .query()
        .unwrap_or("")
        .to_owned()
}
