//! The binary's wiring: configuration from env and args, serving on the chosen port.

use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn binary_serves_with_env_and_args() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stripe-local"))
        .args(["--port", "0"])
        .env("STRIPE_LOCAL_API_KEYS", "sk_test_bin_a,sk_test_bin_b")
        .env("STRIPE_LOCAL_FORWARD_TO", "http://127.0.0.1:9/hook")
        .env("STRIPE_LOCAL_WEBHOOK_SECRETS", "whsec_bin")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start binary");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
        .await
        .expect("binary printed its address in time")
        .unwrap()
        .unwrap();
    let base = line.rsplit(' ').next().unwrap().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{line}");
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let ok = http
        .get(format!("{base}v1/balance"))
        .bearer_auth("sk_test_bin_b")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let bad = http
        .get(format!("{base}v1/balance"))
        .bearer_auth("sk_test_stripe_local")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let hooks: serde_json::Value = http
        .get(format!("{base}_control/webhooks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(hooks["platform"]["url"], "http://127.0.0.1:9/hook");
    child.kill().await.unwrap();
}

#[tokio::test]
async fn binary_rejects_bad_arguments() {
    let status = Command::new(env!("CARGO_BIN_EXE_stripe-local"))
        .args(["--port", "nope"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .unwrap();
    assert_eq!(status.code(), Some(2));
}
