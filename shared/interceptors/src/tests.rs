//! Facade tests: the interceptors composed around real handlers.

use super::*;
use crate::metrics::MemorySink;
use crate::test_support::{assert_problem, body_json, header, request};
use jsonwebtoken::{EncodingKey, Header, encode, get_current_timestamp};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const SECRET: &str = "test-only-hs256-secret-0123456789abcdef";
const ORIGIN: &str = "https://app.example.com";
const ROUTE: Route = Route::seller(http::Method::GET, "/api/v1/sell/balance");
const PUBLIC: Route = Route::public(http::Method::POST, "/api/v1/webhooks/stripe");

fn lookup(pairs: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let pairs = pairs.to_vec();
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    }
}

async fn interceptors(with_auth: bool) -> (Interceptors, Arc<MemorySink>) {
    let http = settings::HttpSettings::from_lookup(lookup(&[
        ("FRONTEND_URL", "https://app.example.com/sell"),
        ("MAX_BODY_BYTES", "64"),
    ]))
    .unwrap();
    let jwt = settings::JwtSettings::from_lookup(lookup(&[
        ("JWT_ALGORITHM", "HS256"),
        ("JWT_SECRET", SECRET),
    ]))
    .unwrap();
    let sink = MemorySink::new();
    let auth = match with_auth {
        true => Some(Authenticator::new(&jwt).await.unwrap()),
        false => None,
    };
    (
        Interceptors::new(Metrics::new("balance", sink.clone()), &http, auth),
        sink,
    )
}

fn token(roles: Value) -> String {
    let exp = get_current_timestamp() + 600;
    let claims = json!({"sub": "user_1", "roles": roles, "exp": exp});
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

async fn ok_handler(ctx: Ctx, _req: Request) -> Result<Response<Body>, ApiError> {
    let seller = ctx.principal().map(|p| p.user_id.clone());
    response::json(
        http::StatusCode::OK,
        &json!({"seller": seller, "request_id": ctx.request_id()}),
    )
}

/// The per-request EMF record (the last line; the first is the cold start).
fn request_record(sink: &MemorySink) -> Value {
    let records = sink.records();
    records.iter().for_each(|r| metrics::validate(r).unwrap());
    assert_eq!(records[0]["ColdStarts"], 1.0);
    records.last().cloned().unwrap()
}

fn assert_security_headers(resp: &Response<Body>) {
    for name in [
        "strict-transport-security",
        "x-content-type-options",
        "cache-control",
        "referrer-policy",
        "x-frame-options",
        "content-security-policy",
        "x-request-id",
    ] {
        assert!(header(resp, name).is_some(), "{name} missing");
    }
    assert_eq!(header(resp, "vary"), Some("Origin"));
}

#[tokio::test]
async fn seller_request_end_to_end() {
    let (ic, sink) = interceptors(true).await;
    let auth = format!("Bearer {}", token(json!(["seller"])));
    let req = request(
        "GET",
        &[("authorization", &auth), ("origin", ORIGIN)],
        Body::Empty,
    );
    let resp = ic.handle(ROUTE, req, ok_handler).await;
    assert_eq!(resp.status(), 200);
    let body = body_json(&resp);
    assert_eq!(body["seller"], "user_1");
    assert_eq!(header(&resp, "x-request-id"), body["request_id"].as_str());
    assert_security_headers(&resp);
    assert_eq!(header(&resp, "access-control-allow-origin"), Some(ORIGIN));
    let record = request_record(&sink);
    assert_eq!(
        (record["Function"].as_str(), record["Method"].as_str()),
        (Some("balance"), Some("GET"))
    );
    assert_eq!(
        (record["Route"].as_str(), record["Status"].as_str()),
        (Some("/api/v1/sell/balance"), Some("200"))
    );
    assert_eq!(record["request_id"], body["request_id"]);
    assert!(record["Latency"].as_f64().unwrap() >= 0.0);
    assert_eq!(sink.lines().len(), 2);
}

#[tokio::test]
async fn rejections_never_reach_the_handler() {
    let (ic, sink) = interceptors(true).await;
    let not_seller = format!("Bearer {}", token(json!(["buyer"])));
    type Case<'a> = (Vec<(&'a str, &'a str)>, Body, u16, &'a str);
    let cases: Vec<Case> = vec![
        (vec![("origin", ORIGIN)], Body::Empty, 401, "token_missing"),
        (
            vec![("authorization", "Bearer nope")],
            Body::Empty,
            401,
            "token_malformed",
        ),
        (
            vec![("authorization", &not_seller)],
            Body::Empty,
            403,
            "not_a_seller",
        ),
        // the body limit applies before auth: no token needed to be told the body is too big
        (vec![], Body::Text("x".repeat(65)), 413, "payload_too_large"),
    ];
    for (headers, body, status, code) in cases {
        let called = Arc::new(Mutex::new(false));
        let flag = called.clone();
        let req = request("POST", &headers, body);
        let resp = ic
            .handle(ROUTE, req, |ctx, req| async move {
                *flag.lock().unwrap() = true;
                ok_handler(ctx, req).await
            })
            .await;
        let doc = assert_problem(&resp, status, code);
        assert!(!*called.lock().unwrap(), "{code}: handler ran");
        assert_eq!(header(&resp, "x-request-id"), doc["request_id"].as_str());
        assert_security_headers(&resp);
        let record = request_record(&sink);
        assert_eq!(
            (record["Status"].as_str(), record["ClientErrors"].as_f64()),
            (Some(status.to_string().as_str()), Some(1.0))
        );
    }
}

/// A route answers its own method only: any other gets 405 with `Allow` (after auth, so a
/// caller without a token still learns that first) and never reaches the handler.
#[tokio::test]
async fn another_method_is_405_with_allow_and_never_reaches_the_handler() {
    let (ic, _sink) = interceptors(true).await;
    let seller = format!("Bearer {}", token(json!(["seller"])));
    let called = Arc::new(Mutex::new(false));
    let flag = called.clone();
    let req = request("POST", &[("authorization", &seller)], Body::Empty);
    let resp = ic
        .handle(ROUTE, req, |ctx, req| async move {
            *flag.lock().unwrap() = true;
            ok_handler(ctx, req).await
        })
        .await;
    assert_problem(&resp, 405, "method_not_allowed");
    assert_eq!(header(&resp, "allow"), Some("GET"));
    assert!(!*called.lock().unwrap(), "handler ran");

    let anonymous = request("DELETE", &[], Body::Empty);
    let resp = ic.handle(ROUTE, anonymous, ok_handler).await;
    assert_problem(&resp, 401, "token_missing");
    let resp = ic
        .handle(PUBLIC, request("GET", &[], Body::Empty), ok_handler)
        .await;
    assert_eq!(
        (resp.status().as_u16(), header(&resp, "allow")),
        (405, Some("POST"))
    );
}

#[tokio::test]
async fn preflight_is_answered_without_auth_or_handler() {
    let (ic, sink) = interceptors(true).await;
    let req = request(
        "OPTIONS",
        &[("origin", ORIGIN), ("access-control-request-method", "GET")],
        Body::Empty,
    );
    let resp = ic
        .handle(ROUTE, req, |_, _| async {
            Err(ApiError::not_implemented())
        })
        .await;
    assert_eq!(resp.status(), 204);
    assert_eq!(header(&resp, "access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(
        header(&resp, "access-control-allow-headers"),
        Some("Authorization, Content-Type, Idempotency-Key")
    );
    assert_eq!(request_record(&sink)["Method"], "OPTIONS");
    let foreign = request(
        "OPTIONS",
        &[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "GET"),
        ],
        Body::Empty,
    );
    let resp = ic
        .handle(ROUTE, foreign, |_, _| async {
            Err(ApiError::not_implemented())
        })
        .await;
    assert_eq!(
        (
            resp.status().as_u16(),
            header(&resp, "access-control-allow-origin")
        ),
        (204, None)
    );
}

#[tokio::test]
async fn errors_render_generic_and_log_the_cause_with_request_id() {
    let logs = LogCapture::default();
    let _guard = tracing::subscriber::set_default(logs.subscriber());
    let (ic, sink) = interceptors(true).await;
    let auth = format!("Bearer {}", token(json!("seller")));
    let req = request(
        "GET",
        &[("authorization", &auth), ("origin", "https://evil.example")],
        Body::Empty,
    );
    let resp = ic
        .handle(ROUTE, req, |_, _| async {
            Err(ApiError::internal("dynamodb: secret sk_live_SENTINEL"))
        })
        .await;
    let doc = assert_problem(&resp, 500, "internal_error");
    assert!(!body_json(&resp).to_string().contains("SENTINEL"));
    assert_eq!(
        header(&resp, "access-control-allow-origin"),
        None,
        "foreign origin"
    );
    assert_security_headers(&resp);
    let record = request_record(&sink);
    assert_eq!(
        (record["Errors"].as_f64(), record["Status"].as_str()),
        (Some(1.0), Some("500"))
    );
    let log = logs.text();
    let line = log
        .lines()
        .find(|l| l.contains("request failed"))
        .expect("error logged");
    let line: Value = serde_json::from_str(line).expect("JSON log line");
    assert_eq!(line["request_id"], doc["request_id"]);
    let span = &line["span"];
    assert_eq!(
        (span["name"].as_str(), span["route"].as_str()),
        (Some("request"), Some(ROUTE.template))
    );
    assert_eq!(
        (span["method"].as_str(), span["request_id"].as_str()),
        (Some("GET"), doc["request_id"].as_str())
    );
    assert!(
        line["source"]
            .as_str()
            .unwrap()
            .contains("sk_live_SENTINEL")
    );
    assert!(
        !log.contains(auth.trim_start_matches("Bearer ")),
        "the token is never logged"
    );
}

#[tokio::test]
async fn public_routes_business_metrics_and_gateway_ids() {
    let (ic, sink) = interceptors(false).await;
    let mut req = request(
        "POST",
        &[("content-type", "application/json")],
        Body::Text("{}".into()),
    );
    let mut ctx = lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext::default();
    ctx.request_id = Some("gw-123".into());
    req.extensions_mut()
        .insert(lambda_http::request::RequestContext::ApiGatewayV2(ctx));
    let resp = ic
        .handle(PUBLIC, req, |ctx, req| async move {
            let _: Value = parse_json(&req)?;
            ctx.metrics().emit(
                &ctx.metrics()
                    .record()
                    .count(names::WEBHOOK_EVENTS, 1.0)
                    .property("request_id", ctx.request_id()),
            );
            response::json(http::StatusCode::OK, &json!({"received": true}))
        })
        .await;
    assert_eq!(
        (resp.status().as_u16(), header(&resp, "x-request-id")),
        (200, Some("gw-123"))
    );
    let records = sink.records();
    assert_eq!(records.len(), 3);
    assert_eq!(
        (
            records[1]["WebhookEvents"].as_f64(),
            records[1]["request_id"].as_str()
        ),
        (Some(1.0), Some("gw-123"))
    );
    assert_eq!(records[2]["request_id"], "gw-123");
    // a seller route on a facade built without an Authenticator is a wiring bug: 500, not open
    let resp = ic
        .handle(ROUTE, request("GET", &[], Body::Empty), ok_handler)
        .await;
    assert_problem(&resp, 500, "internal_error");
    init_tracing();
    init_tracing();
}

/// Collects formatted JSON log lines.
#[derive(Clone, Default)]
struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogCapture {
    fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync + use<> {
        let writer = self.clone();
        tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_writer(move || writer.clone())
            .finish()
    }
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}
