//! Stripe's rate limit, as the flash-sale simulation needs it: over the limit, Stripe's 429
//! (`rate_limit`) before anything runs; off by default, and `{}` removes it.

use crate::common;

use common::start;
use futures::future::join_all;
use serde_json::json;

#[tokio::test]
async fn over_the_limit_requests_get_stripes_429_and_create_nothing() {
    let local = start().await;
    let acct = local.onboarded_account().await;
    local
        .control(
            "accounts/platform/balance",
            json!({ "currency": "eur", "available": 100_000 }),
        )
        .await;
    // A burst of 3 and (almost) no refill: exactly 3 of 10 concurrent transfers pass.
    local
        .control("rate_limit", json!({ "per_second": 0.01, "burst": 3.0 }))
        .await;
    let form = format!("amount=100&currency=eur&destination={acct}");
    let answers = join_all((0..10).map(|_| local.post_form("/v1/transfers", &form, &[]))).await;
    let passed = answers.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        passed,
        3,
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for limited in answers.iter().filter(|r| r.status != 200) {
        assert_eq!(limited.status, 429);
        assert_eq!(limited.body["error"]["code"], "rate_limit");
    }
    assert_eq!(
        local.objects().await["transfers"],
        3,
        "a limited request creates nothing"
    );

    // Removed: everything passes again.
    local.control("rate_limit", json!({})).await;
    let answers = join_all((0..10).map(|_| local.post_form("/v1/transfers", &form, &[]))).await;
    assert!(answers.iter().all(|r| r.status == 200));
}

#[tokio::test]
async fn an_admitted_request_takes_the_limits_latency() {
    let local = start().await;
    local
        .control(
            "rate_limit",
            json!({ "per_second": 100.0, "burst": 100.0, "latency_ms": 300 }),
        )
        .await;
    let begun = std::time::Instant::now();
    let answer = local.get_api("/v1/balance", &[]).await;
    assert_eq!(answer.status, 200);
    // A lower bound the server guarantees (it sleeps first), not a measurement.
    assert!(begun.elapsed() >= std::time::Duration::from_millis(300));
    let limit = local.control_get("rate_limit").await;
    assert_eq!(limit["limit"]["latency_ms"], 300);
}
