//! Faults on every Stripe call the webhook makes, and on the ledger write after a transfer was
//! created: the webhook answers 5xx, the local Stripe server redelivers, and in the end there is
//! exactly one transfer (or reversal) — nothing lost, nothing doubled. Also past Stripe's 24 h
//! idempotency-key lifetime, on the server's controllable clock.

use crate::common;

use std::sync::atomic::Ordering;

use common::{EUR, Options, PLATFORM_SECRET, Stack, sign};
use harness::stripe::Fault;
use payouts::ShareState;
use serde_json::{Value, json};
use webhook::PLATFORM_ROUTE;

/// The first automatic delivery failed (5xx) and a later one succeeded.
async fn redelivered(stack: &Stack, event: &str) {
    stack.control.wait_delivered(event).await;
    let attempts = stack.control.deliveries(event).await;
    let first = attempts
        .first()
        .map(|a| a["status"].clone())
        .unwrap_or(Value::Null);
    assert!(
        first.as_u64().is_some_and(|s| s >= 500),
        "{event}: first answer {first}, attempts {attempts:?}"
    );
}

#[tokio::test]
async fn every_fault_on_transfer_creation_ends_in_exactly_one_transfer() {
    let stack = Stack::with(Options::faults()).await;
    let alice = stack.seller("usr_alice", true).await;
    // hang: Stripe executes after our 1 s timeout; hang_after: executes, the answer is lost.
    let kinds = ["status_500", "status_429", "hang", "hang_after"];
    for (i, kind) in kinds.iter().enumerate() {
        stack
            .control
            .fault(Fault::new("POST", "/v1/transfers", kind))
            .await;
        let order = format!("ord_tf{i}");
        let paid = stack
            .control
            .pay(&order, EUR, 2000, &[("usr_alice", 2000)], true)
            .await;
        redelivered(&stack, &paid.event).await;
        let share = stack.share(&order, "usr_alice").await;
        assert_eq!(share.state, ShareState::Transferred, "{kind}");
        assert!(share.transfer_attempts >= 2, "{kind}");
    }
    stack.control.wait_idle().await;
    for (i, kind) in kinds.iter().enumerate() {
        let transfers = stack.control.transfers(&format!("ord_tf{i}")).await;
        assert_eq!(transfers.len(), 1, "{kind}");
        assert_eq!(transfers[0]["amount"], json!(1750));
    }
    assert_eq!(stack.control.all_transfers().await.len(), kinds.len());
    assert_eq!(
        stack.control.received(&alice, EUR).await,
        1750 * kinds.len() as i64
    );
    assert!(
        stack.metric("TransfersFailed", &[("Reason", "stripe_unavailable")]) >= kinds.len() as f64
    );
}

#[tokio::test]
async fn every_fault_on_the_transfer_lookup_is_survived() {
    let stack = Stack::with(Options::faults()).await;
    stack.seller("usr_alice", true).await;
    for (i, kind) in ["status_500", "status_429", "hang"].iter().enumerate() {
        // The first attempt fails; the next comes a day later, when Stripe may have dropped the
        // key, so it looks the transfer up first: that fails too.
        stack
            .control
            .fault(Fault::new("POST", "/v1/transfers", "status_500"))
            .await;
        let order = format!("ord_look{i}");
        let paid = stack
            .control
            .pay(&order, EUR, 2000, &[("usr_alice", 2000)], false)
            .await;
        let mut statuses = stack.control.deliver(&paid.event, 1, 1).await;
        stack.advance_clock(25 * 3600).await;
        stack
            .control
            .fault(Fault::new("GET", "/v1/transfers", kind))
            .await;
        statuses.extend(stack.control.deliver(&paid.event, 2, 1).await);
        assert_eq!(statuses, vec![Some(503), Some(503), Some(200)], "{kind}");
        assert_eq!(stack.control.transfers(&order).await.len(), 1, "{kind}");
        assert_eq!(
            stack.share(&order, "usr_alice").await.transfer_attempts,
            3,
            "{kind}"
        );
    }
}

#[tokio::test]
async fn every_fault_on_reversals_ends_in_exact_reversals() {
    let stack = Stack::with(Options::faults()).await;
    let alice = stack.seller("usr_alice", true).await;
    let paid = stack
        .control
        .pay("ord_rf", EUR, 8000, &[("usr_alice", 8000)], true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    // Net 7000; seven refunds of 1000 each: cumulative claims 875, 1750, ... 6125. Each step
    // re-reads the transfer (GET) and creates the reversal (POST): both fail in turn.
    let reversals = "/v1/transfers/{id}/reversals";
    let faults = [
        ("POST", reversals, "status_500"),
        ("POST", reversals, "status_429"),
        ("POST", reversals, "hang"),
        ("POST", reversals, "hang_after"),
        ("GET", "/v1/transfers/{id}", "status_500"),
        ("GET", "/v1/transfers/{id}", "status_429"),
        ("GET", "/v1/transfers/{id}", "hang"),
    ];
    for (i, (method, path, kind)) in faults.iter().enumerate() {
        stack.control.fault(Fault::new(method, path, kind)).await;
        let refund = stack.control.refund(&paid.charge, Some(1000), true).await;
        redelivered(&stack, &refund).await;
        let refunded = stack.share("ord_rf", "usr_alice").await.refunded;
        assert_eq!(refunded, 875 * (i as i64 + 1), "{method} {kind}");
    }
    stack.control.wait_idle().await;
    let transfers = stack.control.transfers("ord_rf").await;
    assert_eq!(transfers[0]["amount_reversed"], json!(6125));
    let count = transfers[0]["reversals"]["data"].as_array().map(Vec::len);
    assert_eq!(count, Some(faults.len()));
    assert_eq!(stack.control.received(&alice, EUR).await, 875);
}

#[tokio::test]
async fn every_fault_on_reading_the_account_and_the_payment_is_survived() {
    let stack = Stack::with(Options::faults()).await;
    for (i, kind) in ["status_500", "status_429", "hang"].iter().enumerate() {
        // account.updated: the account re-fetch fails once.
        let (order, user) = (format!("ord_acct{i}"), format!("usr_carol{i}"));
        let paid = stack
            .control
            .pay(&order, EUR, 2000, &[(user.as_str(), 2000)], true)
            .await;
        stack.control.wait_delivered(&paid.event).await;
        let account = stack.seller(&user, false).await;
        stack
            .control
            .fault(Fault::new("GET", "/v1/accounts/{id}", kind))
            .await;
        let complete = stack
            .control
            .onboarding(&account, json!({ "complete": true }))
            .await;
        redelivered(&stack, &complete).await;
        assert_eq!(
            stack.share(&order, &user).await.state,
            ShareState::Transferred,
            "{kind}"
        );
        assert_eq!(stack.control.transfers(&order).await.len(), 1, "{kind}");

        // charge.refunded before its payment: the PaymentIntent read fails once.
        let order = format!("ord_pi{i}");
        let early = stack
            .control
            .pay(&order, EUR, 2000, &[(user.as_str(), 2000)], false)
            .await;
        stack
            .control
            .fault(Fault::new("GET", "/v1/payment_intents/{id}", kind))
            .await;
        let refund = stack.control.refund(&early.charge, Some(2000), true).await;
        redelivered(&stack, &refund).await;
        let transfers = stack.control.transfers(&order).await;
        assert_eq!(transfers.len(), 1, "{kind}");
        let amounts = (
            transfers[0]["amount"].clone(),
            transfers[0]["amount_reversed"].clone(),
        );
        assert_eq!(amounts, (json!(1750), json!(1750)), "{kind}");
    }
    stack.control.wait_idle().await;
    assert_eq!(stack.control.all_transfers().await.len(), 6);
}

#[tokio::test]
async fn a_ledger_write_lost_after_the_transfer_was_created_does_not_double_it() {
    let stack = Stack::with(Options::faults()).await;
    let alice = stack.seller("usr_alice", true).await;
    stack.ledger.fail_next_transferred(1);
    let paid = stack
        .control
        .pay("ord_crash", EUR, 2000, &[("usr_alice", 2000)], true)
        .await;
    redelivered(&stack, &paid.event).await;
    assert_eq!(stack.ledger.injected.load(Ordering::SeqCst), 1);
    // The redelivery sent the same key again (Stripe still holds it) and got the first transfer
    // back: no look-up (counted before this test's own listing below), no second transfer.
    assert_eq!(stack.control.calls("POST /v1/transfers").await, 2);
    assert_eq!(stack.control.calls("GET /v1/transfers").await, 0);
    let event_type = ("EventType", "payment_intent.succeeded");
    assert_eq!(
        stack.metric("WebhookEvents", &[event_type, ("Outcome", "failed")]),
        1.0
    );
    assert_eq!(
        stack.metric("WebhookEvents", &[event_type, ("Outcome", "processed")]),
        1.0
    );
    assert_eq!(stack.metric("Errors", &[("Status", "503")]), 1.0);
    let transfers = stack.control.transfers("ord_crash").await;
    assert_eq!(transfers.len(), 1);
    let share = stack.share("ord_crash", "usr_alice").await;
    assert_eq!(share.state, ShareState::Transferred);
    assert_eq!(
        share.transfer_id.as_ref(),
        transfers[0]["id"].as_str().map(str::to_owned).as_ref()
    );
    assert_eq!(stack.control.received(&alice, EUR).await, 1750);
}

#[tokio::test]
async fn after_24_hours_the_transfer_is_found_by_its_group_not_created_again() {
    let stack = Stack::with(Options::faults()).await;
    stack.seller("usr_alice", true).await;
    stack.ledger.fail_next_transferred(1);
    let paid = stack
        .control
        .pay("ord_late", EUR, 2000, &[("usr_alice", 2000)], false)
        .await;
    assert_eq!(
        stack.control.deliver(&paid.event, 1, 1).await,
        vec![Some(503)]
    );
    // Stripe's next retry comes more than a day later: the idempotency key has expired.
    stack.advance_clock(25 * 3600).await;
    assert_eq!(
        stack.control.deliver(&paid.event, 1, 1).await,
        vec![Some(200)]
    );
    assert_eq!(stack.control.transfers("ord_late").await.len(), 1);
    assert_eq!(stack.control.calls("POST /v1/transfers").await, 1);
    assert_eq!(
        stack.share("ord_late", "usr_alice").await.state,
        ShareState::Transferred
    );
}

#[tokio::test]
async fn a_reversal_whose_ledger_write_was_lost_is_not_repeated_after_24_hours() {
    let stack = Stack::with(Options::faults()).await;
    let alice = stack.seller("usr_alice", true).await;
    let paid = stack
        .control
        .pay("ord_rev_late", EUR, 4000, &[("usr_alice", 4000)], true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    stack.ledger.fail_next_reversal(1);
    let refund = stack.control.refund(&paid.charge, Some(1000), false).await;
    // Stripe reversed 875 of the 3500, but the ledger never heard of it.
    assert_eq!(stack.control.deliver(&refund, 1, 1).await, vec![Some(503)]);
    assert_eq!(stack.share("ord_rev_late", "usr_alice").await.refunded, 0);
    stack.advance_clock(25 * 3600).await;
    assert_eq!(stack.control.deliver(&refund, 1, 1).await, vec![Some(200)]);
    let transfers = stack.control.transfers("ord_rev_late").await;
    assert_eq!(transfers[0]["amount_reversed"], json!(875));
    assert_eq!(
        stack
            .control
            .calls("POST /v1/transfers/{id}/reversals")
            .await,
        1
    );
    assert_eq!(stack.share("ord_rev_late", "usr_alice").await.refunded, 875);
    // The next refund step starts from there.
    let rest = stack.control.refund(&paid.charge, None, true).await;
    stack.control.wait_delivered(&rest).await;
    let transfers = stack.control.transfers("ord_rev_late").await;
    assert_eq!(transfers[0]["amount_reversed"], json!(3500));
    assert_eq!(stack.control.received(&alice, EUR).await, 0);
}

#[tokio::test]
async fn a_500_saved_under_the_key_is_retried_until_the_key_expires_then_paid_once() {
    let stack = Stack::with(Options::faults()).await;
    stack.seller("usr_alice", true).await;
    // Stripe failed while executing: the 500 is saved under the key and replayed for 24 h.
    stack
        .control
        .fault(Fault::new("POST", "/v1/transfers", "status_500").at("handler"))
        .await;
    let paid = stack
        .control
        .pay("ord_saved", EUR, 2000, &[("usr_alice", 2000)], false)
        .await;
    assert_eq!(
        stack.control.deliver(&paid.event, 1, 1).await,
        vec![Some(503)]
    );
    assert_eq!(
        stack.control.deliver(&paid.event, 1, 1).await,
        vec![Some(503)]
    );
    let posts = stack.control.requests("POST /v1/transfers").await;
    assert_eq!(
        posts
            .iter()
            .filter(|r| r["replayed"] == json!(true))
            .count(),
        1,
        "{posts:?}"
    );
    assert!(stack.control.transfers("ord_saved").await.is_empty());
    stack.advance_clock(25 * 3600).await;
    assert_eq!(
        stack.control.deliver(&paid.event, 1, 1).await,
        vec![Some(200)]
    );
    assert_eq!(stack.control.transfers("ord_saved").await.len(), 1);
    assert_eq!(
        stack.share("ord_saved", "usr_alice").await.state,
        ShareState::Transferred
    );
}

/// A store failure no redelivery fixes (here the events table is gone: a wrong name or a deleted
/// table) answers 500 `internal_error`, counted in `Errors` with `Function=webhook` (the webhook
/// 5xx alarm), never a retryable 503 `upstream_unavailable`: Stripe redelivers any 5xx, but this
/// one needs a human, and the logs and metrics must say it is ours, not an upstream outage.
#[tokio::test]
async fn a_missing_table_answers_500_internal_not_503() {
    let stack = Stack::start().await;
    stack
        .dynamo
        .client
        .delete_table()
        .table_name(&stack.tables.webhook_events)
        .send()
        .await
        .expect("delete the events table");
    let paid = stack
        .control
        .pay("ord_no_table", EUR, 1000, &[("usr_x", 1000)], false)
        .await;
    let body = stack.control.event(&paid.event).await.to_string();
    let signature = sign(&body, PLATFORM_SECRET, payouts::clock::unix_now());
    let (status, doc) = stack
        .post(PLATFORM_ROUTE.template, Some(&signature), body.into_bytes())
        .await;
    assert_eq!(
        (status, &doc["code"], &doc["category"], &doc["retryable"]),
        (
            500,
            &json!("internal_error"),
            &json!("internal"),
            &json!(false)
        ),
        "{doc}"
    );
    let errors = |status: &str| {
        stack.metric(
            "Errors",
            &[("Function", webhook::FUNCTION), ("Status", status)],
        )
    };
    assert!(errors("500") >= 1.0);
    assert_eq!(errors("503"), 0.0);
}
