//! Where a function's init goes: each piece of the balance function's `deps()` timed on its own,
//! in the order the function builds them, in a fresh process (what a cold start pays: lazy
//! globals, the first use of the crypto provider). Prints one JSON object of milliseconds
//! as its last line.
//! `scripts/bench/init_breakdown.py` runs it many times and takes medians. Needs the functions'
//! settings in the environment (as `make bench` sets them).

use std::time::Instant;

use serde_json::{Map, Value, json};
use settings::{BalanceSettings, StripeSettings, TableNames};

fn main() {
    let start = Instant::now();
    let mut pieces = Map::new();
    let mut lap = Instant::now();
    let mut record = |name: &str, pieces: &mut Map<String, Value>| {
        pieces.insert(name.into(), json!(lap.elapsed().as_secs_f64() * 1000.0));
        lap = Instant::now();
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    record("tokio runtime", &mut pieces);
    runtime.block_on(async {
        interceptors::init_tracing();
        record("tracing (JSON logs)", &mut pieces);
        let tables = TableNames::from_env().expect("table settings");
        let stripe = StripeSettings::from_env().expect("Stripe settings");
        BalanceSettings::from_env().expect("balance settings");
        record("settings (env)", &mut pieces);
        let interceptors = interceptors::Interceptors::from_env("balance", &balance::ROUTES)
            .await
            .expect("interceptors");
        record(
            "interceptors (HTTP settings, JWT keys, metrics)",
            &mut pieces,
        );
        let adapter = stripe_adapter::StripeAdapter::from_settings(&stripe).expect("Stripe");
        record("Stripe client (webpki roots)", &mut pieces);
        let stores = store::Stores::connect(&tables).await;
        record(
            "DynamoDB client (aws-config + client, Stores::connect)",
            &mut pieces,
        );
        let own = start.elapsed().as_secs_f64() * 1000.0;
        pieces.insert("total (the function's sequence)".into(), json!(own));
        // Diagnostics after the function's own sequence: what parts of the client cost alone.
        let endpoint = tables.dynamodb_endpoint.as_deref();
        let config = store::sdk_config(endpoint).await;
        record("extra: aws-config again (second load)", &mut pieces);
        // The webhook's and the transfer function's second AWS client, built from its own config.
        let sqs = sqs_queue::client(endpoint).await;
        record("extra: SQS client (a second AWS client)", &mut pieces);
        let roots = rustls_native_certs::load_native_certs();
        record(
            "extra: native TLS roots alone (rustls-native-certs)",
            &mut pieces,
        );
        // What the roots cost read from one bundle file: Debian's /etc/ssl/certs also holds a
        // file per certificate, which the native loader reads too; Lambda's Amazon Linux 2023
        // keeps its roots in bundles (/etc/pki/tls/certs), so this row is nearer to Lambda's cost.
        let bundle = [
            "/etc/pki/tls/certs/ca-bundle.crt",
            "/etc/ssl/certs/ca-certificates.crt",
        ]
        .into_iter()
        .map(std::path::Path::new)
        .find(|path| path.is_file());
        let one_file = rustls_native_certs::load_certs_from_paths(bundle, None);
        record("extra: TLS roots from one bundle file alone", &mut pieces);
        drop((interceptors, adapter, stores, config, sqs, roots, one_file));
    });
    println!("{}", Value::Object(pieces));
}
