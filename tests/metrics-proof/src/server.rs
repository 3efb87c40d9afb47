//! A minimal `/metrics` endpoint on loopback that stands in for YACE's.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use tokio::task::JoinHandle;

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

type Body = Arc<RwLock<String>>;

/// Serves a text exposition at `http://127.0.0.1:<port>/metrics` until dropped.
pub struct MetricsServer {
    addr: SocketAddr,
    body: Body,
    task: JoinHandle<()>,
}

impl MetricsServer {
    /// Binds an ephemeral loopback port (so parallel tests never collide) and starts serving.
    pub async fn start(exposition: String) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let body: Body = Arc::new(RwLock::new(exposition));
        let app = Router::new()
            .route("/metrics", get(metrics))
            .with_state(body.clone());
        let task = tokio::spawn(async move {
            // The server only ends when the task is aborted on drop; an accept error here would
            // surface as the Prometheus target being down, which the proof reports.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, body, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces what the endpoint serves (e.g. after more traffic was aggregated).
    pub fn set_exposition(&self, exposition: String) {
        if let Ok(mut body) = self.body.write() {
            *body = exposition;
        }
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn metrics(State(body): State<Body>) -> impl IntoResponse {
    match body.read() {
        Ok(text) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, CONTENT_TYPE)],
            text.clone(),
        ),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, CONTENT_TYPE)],
            String::new(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn serves_and_updates_the_exposition() {
        let server = MetricsServer::start("a 1\n".into()).await.expect("bind");
        assert!(server.addr().ip().is_loopback());
        let url = format!("http://{}/metrics", server.addr());
        let resp = reqwest::get(&url).await.expect("GET");
        assert_eq!(resp.headers()[header::CONTENT_TYPE.as_str()], CONTENT_TYPE);
        assert_eq!(resp.text().await.expect("body"), "a 1\n");
        server.set_exposition("b 2\n".into());
        assert_eq!(
            reqwest::get(&url)
                .await
                .expect("GET")
                .text()
                .await
                .expect("body"),
            "b 2\n"
        );
        let missing = reqwest::get(format!("http://{}/other", server.addr()))
            .await
            .expect("GET");
        assert_eq!(missing.status(), reqwest::StatusCode::NOT_FOUND);
    }
}
