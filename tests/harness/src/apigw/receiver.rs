//! A function behind a real HTTP server on loopback, as API Gateway puts it: every request
//! becomes an API Gateway v2 event (body base64-encoded, as API Gateway does for webhook
//! deliveries), decoded by `lambda_http` exactly as on Lambda and answered by the function's
//! handler (the same `interceptors::Handler` its `main` serves). Every answer is checked against
//! `docs/openapi.yaml` ([`crate::contract`]).

use std::sync::Arc;

use axum::body::{Body as AxumBody, to_bytes};
use axum::extract::Request as AxumRequest;
use axum::response::Response as AxumResponse;
use interceptors::Handler;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::Event;

/// Largest body accepted (more than any function allows, so the function's own limit answers).
const MAX_BODY: usize = 10 << 20;

/// Serves `handle` with `deps` on `listener` until the returned task is aborted.
pub fn serve<D, H>(listener: TcpListener, deps: Arc<D>, handle: H) -> JoinHandle<()>
where
    D: Send + Sync + 'static,
    H: for<'a> Handler<'a, D> + 'static,
{
    let handle = Arc::new(handle);
    let app = axum::Router::new().fallback(move |req: AxumRequest| {
        let (deps, handle) = (deps.clone(), handle.clone());
        async move {
            let request = match event_of(req).await.try_request() {
                Ok(request) => request,
                Err(e) => return plain(500, format!("harness receiver: {e}")),
            };
            let (method, path) = (
                request.method().to_string(),
                request.uri().path().to_owned(),
            );
            let response = handle.call(&deps, request).await;
            // A panic here would only drop the connection (the sender would retry): drift ends
            // the test process instead, so the test that caused it fails.
            crate::contract::check_or_abort(&method, &path, &response);
            let (parts, body) = response.into_parts();
            AxumResponse::from_parts(parts, AxumBody::from(body.as_ref().to_vec()))
        }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    })
}

async fn event_of(req: AxumRequest) -> Event {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let mut event = Event::new(parts.method.as_str(), parts.uri.path())
        .query(parts.uri.query().unwrap_or(""))
        .binary_body(&bytes);
    for (name, value) in &parts.headers {
        event = event.header(name.as_str(), &String::from_utf8_lossy(value.as_bytes()));
    }
    event
}

fn plain(status: u16, text: String) -> AxumResponse {
    let mut r = AxumResponse::new(AxumBody::from(text));
    *r.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    r
}
