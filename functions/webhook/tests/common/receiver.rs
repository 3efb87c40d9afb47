//! The webhook endpoint as Stripe sees it: a real HTTP server on loopback whose requests are
//! turned into API Gateway HTTP API (payload 2.0) events — body base64-encoded, as API Gateway
//! does for these deliveries — and decoded by lambda_http exactly as on Lambda, then handed to
//! `webhook::handle`.

use std::sync::Arc;

use axum::body::{Body as AxumBody, to_bytes};
use axum::extract::{Request as AxumRequest, State};
use axum::response::Response as AxumResponse;
use base64::Engine as _;
use lambda_http::request::LambdaRequest;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use webhook::Deps;

/// Serves `deps` on `listener` until the handle is aborted.
pub fn serve(listener: TcpListener, deps: Arc<Deps>) -> JoinHandle<()> {
    let app = axum::Router::new().fallback(receive).with_state(deps);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    })
}

async fn receive(State(deps): State<Arc<Deps>>, req: AxumRequest) -> AxumResponse {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, 10 << 20).await.unwrap_or_default();
    let mut headers = Map::new();
    for (name, value) in &parts.headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        headers.insert(name.as_str().to_owned(), Value::String(value));
    }
    let event = apigw_event(parts.method.as_str(), parts.uri.path(), headers, &bytes);
    let request: http::Request<lambda_http::Body> =
        match serde_json::from_value::<LambdaRequest>(event) {
            Ok(lambda) => lambda.into(),
            Err(e) => return plain(500, format!("test receiver: not an API Gateway event: {e}")),
        };
    let response = webhook::handle(&deps, request).await;
    let (parts, body) = response.into_parts();
    let bytes: Vec<u8> = body.as_ref().to_vec();
    AxumResponse::from_parts(parts, AxumBody::from(bytes))
}

/// An API Gateway v2 event for a request (route key = method + path, `$default` stage).
pub fn apigw_event(method: &str, path: &str, headers: Map<String, Value>, body: &[u8]) -> Value {
    let route_key = format!("{method} {path}");
    json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
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
                "userAgent": "Stripe/1.0"
            },
            "requestId": uuid_like(),
            "routeKey": route_key,
            "stage": "$default",
            "time": "01/Jan/2030:00:00:00 +0000",
            "timeEpoch": 1_893_456_000_000_i64
        },
        "body": base64::engine::general_purpose::STANDARD.encode(body),
        "isBase64Encoded": true
    })
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    format!("req-{}", N.fetch_add(1, Ordering::Relaxed))
}

fn plain(status: u16, text: String) -> AxumResponse {
    let mut r = AxumResponse::new(AxumBody::from(text));
    *r.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    r
}
