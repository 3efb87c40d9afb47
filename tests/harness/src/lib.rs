//! Test helpers shared by every test suite (a dev-dependency): real local servers, not fakes.
//!
//! - [`dynamo`]: a DynamoDB client on a real moto server (or on `DYNAMODB_ENDPOINT`);
//!   [`tables`]: a fresh, uniquely prefixed set of the template's tables for one test.
//! - [`stripe()`]: a local Stripe server (`stripe_local`) for one test; [`stripe::Control`]
//!   drives it over HTTP, [`stripe::browser`] plays the seller on its onboarding page.
//! - [`apigw`]: API Gateway v2 (payload 2.0) requests from `tests/events/*.json` or built from
//!   scratch, the answers' problem documents, and a loopback HTTP server in front of a handler.
//! - [`jwt`]: HS256 tokens like the web app's.
//! - [`contract`]: every answer checked against `docs/openapi.yaml` (the drift hook).
//! - [`sqs`]: a fresh queue on the same moto server; [`silent_endpoint`]: a hung service.

pub mod apigw;
pub mod contract;
pub mod jwt;
mod moto;
pub mod sqs;
pub mod stripe;

use aws_sdk_dynamodb::Client;
pub use settings::TableNames;
pub use stripe::{StripeConfig, StripeServer, stripe, stripe_with};

/// A DynamoDB client on the test endpoint.
#[derive(Clone, Debug)]
pub struct Dynamo {
    pub client: Client,
    /// The endpoint URL, e.g. `http://127.0.0.1:41235`.
    pub endpoint: String,
}

impl Dynamo {
    /// Same as [`tables`] on this handle's client.
    pub async fn tables(&self) -> TableNames {
        tables(&self.client).await
    }
}

/// A client on the test DynamoDB: `DYNAMODB_ENDPOINT` when set (`make test` starts one moto
/// server for the whole run), else a moto server from `.venv` started once per test process
/// and stopped when the process exits. Panics, saying how to install moto, if neither works.
///
/// The client is new on every call (cheap): a client's connection pool is bound to the tokio
/// runtime that used it, and each `#[tokio::test]` has its own runtime.
pub async fn dynamo() -> Dynamo {
    let endpoint = moto::endpoint().await;
    Dynamo {
        client: store::client(Some(&endpoint)).await,
        endpoint,
    }
}

/// The test AWS endpoint (moto serves every service on one port): `DYNAMODB_ENDPOINT` when set,
/// else this process's moto server. The SQS suites point `SQS_ENDPOINT` here.
pub async fn aws_endpoint() -> String {
    moto::endpoint().await
}

/// Creates a fresh set of the template's tables, named `<unique prefix>-<default name>`, so
/// tests run in parallel on one server without seeing each other's items.
pub async fn tables(client: &Client) -> TableNames {
    let prefix = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let defs = store::schema::tables().unwrap_or_else(|e| panic!("template.yaml: {e}"));
    let mut vars = Vec::new();
    for def in &defs {
        let name = format!("{prefix}-{}", def.default_name());
        def.create(client, &name)
            .await
            .unwrap_or_else(|e| panic!("creating test table {name}: {e}"));
        vars.push((def.env_var(), name));
    }
    let endpoint = moto::endpoint().await;
    let lookup = |var: &str| match var {
        "DYNAMODB_ENDPOINT" => Some(endpoint.clone()),
        _ => vars.iter().find(|(v, _)| v == var).map(|(_, n)| n.clone()),
    };
    TableNames::from_lookup(lookup)
        .unwrap_or_else(|e| panic!("template tables do not match settings::TableNames: {e}"))
}

/// An endpoint that accepts connections and never answers, as a hung service would: a call to it
/// must fail within its client's bounds instead of hanging until the Lambda timeout. It stops
/// listening when dropped.
pub struct SilentEndpoint {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    listener: tokio::task::JoinHandle<()>,
}

impl Drop for SilentEndpoint {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

/// Starts a [`SilentEndpoint`] on a free loopback port.
pub async fn silent_endpoint() -> SilentEndpoint {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let listener = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket); // keep it open, say nothing
        }
    });
    SilentEndpoint { url, listener }
}
