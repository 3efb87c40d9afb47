//! The reconciler's traffic (`functions/reconcile`, wired as its main.rs wires it): a payment no
//! delivery brought is caught up by a run that pays A and holds the share of C (who has no
//! account), that retries the reversal Stripe refused A during the webhook traffic, and that
//! re-reads D, whose onboarding completed on Stripe without its `account.updated` reaching us; the
//! next scheduled run finds C's share still waiting (stuck, the oldest held) and reports as drift
//! a transfer made at Stripe behind the ledger's back, without moving anything.

use interceptors::names;
use serde_json::json;

use super::Stack;
use super::sellers::{SELLER_A, SELLER_C, Sellers};

const ORDER: &str = "ord_metrics_3";
/// The schedule's period, seconds.
const QUARTER: i64 = 15 * 60;

/// Two scheduled runs: catch-up and a re-driven reversal, then a waiting share and drift.
pub async fn runs(stack: &Stack, sellers: &Sellers) {
    // Recorded, never delivered: as if the webhook endpoint were down (this stack's Stripe has no
    // webhook target; only the webhook traffic delivers, by hand).
    let metadata = json!({
        "veza_order_id": ORDER, "veza_shares": format!("{SELLER_A}:3000,{SELLER_C}:2000"),
    });
    let paid = stack
        .control
        .pay_with_metadata("eur", 5_000, metadata, false)
        .await;
    // Its funds are available by the run: what it pays A lands available, so the reversal Stripe
    // refused A (for want of available money) can go through.
    stack.control.make_available(&paid.charge).await;
    // Connect events are not in the platform's event list, and none is delivered here.
    stack.control.complete_onboarding(&sellers.d).await;
    let first = stack.reconcile(1).await;
    assert_eq!(first.catch_up.caught_up, 1, "{first:?}");
    assert_eq!(first.onboarding_synced, 1, "D is re-read: {first:?}");
    // A received money since: the reversal refused during the webhook traffic goes through.
    assert_eq!(
        first.redrive.outcomes.get("reversed"),
        Some(&1),
        "{first:?}"
    );
    assert!(first.redrive.stuck.is_empty(), "{first:?}");
    assert_eq!(first.drift, 0, "{first:?}");
    assert_eq!(stack.control.transfers(ORDER).await.len(), 1, "A is paid");

    manual_transfer(stack, &sellers.a, &paid.charge).await;
    let before = stack.control.received(&sellers.a, "eur").await;
    // The next scheduled run, a quarter of an hour later: C's share (written by the first run,
    // at its time) is re-driven now.
    let second = stack.reconcile(QUARTER).await;
    assert_eq!(
        second.redrive.outcomes.get("waiting"),
        Some(&1),
        "{second:?}"
    );
    assert_eq!(second.redrive.stuck.get("held"), Some(&1), "{second:?}");
    assert!(second.redrive.oldest_held_age >= QUARTER - 1, "{second:?}");
    assert_eq!(second.drift, 1, "{second:?}");
    let drifts: Vec<(String, f64)> = stack
        .records(reconcile::FUNCTION)
        .iter()
        .filter_map(|r| {
            let n = r[names::DRIFT_DETECTED].as_f64()?;
            Some((r[names::REASON].as_str()?.to_owned(), n))
        })
        .collect();
    assert_eq!(drifts, [("unknown_transfer".to_owned(), 1.0)]);
    assert_eq!(
        stack.control.transfers(ORDER).await.len(),
        2,
        "nothing moved"
    );
    assert_eq!(stack.control.received(&sellers.a, "eur").await, before);
}

/// A dashboard transfer to `destination` with the order's `transfer_group`: Stripe has it, the
/// ledger does not.
async fn manual_transfer(stack: &Stack, destination: &str, charge: &str) {
    let res = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .post(format!("{}v1/transfers", stack.stripe.base_url))
        .bearer_auth(stack.stripe.api_key())
        .form(&[
            ("amount", "100"),
            ("currency", "eur"),
            ("destination", destination),
            ("transfer_group", ORDER),
            ("source_transaction", charge),
        ])
        .send()
        .await
        .expect("manual transfer");
    assert!(res.status().is_success(), "{}", res.status());
}
