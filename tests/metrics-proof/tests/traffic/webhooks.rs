//! Webhook traffic: the local Stripe server's own events (payments, refunds, account updates),
//! signed with its signer and delivered to the platform or Connect route, one at a time so
//! each delivery's outcome is known.

use harness::apigw::body_json;
use harness::stripe::Fault;
use serde_json::{Value, json};

use super::Stack;
use super::sellers::{SELLER_A, SELLER_B, Sellers};
use super::support::{CONNECT_SECRET, PLATFORM_SECRET, signed_delivery, unix_now};

const PLATFORM: (&str, &str) = ("/api/v1/webhooks/stripe", PLATFORM_SECRET);
const CONNECT: (&str, &str) = ("/api/v1/webhooks/stripe/connect", CONNECT_SECRET);
const EUR: &str = "eur";

/// Delivers `body` to `route`; the HTTP status and the `Outcome` recorded for it.
async fn deliver_body(stack: &Stack, (path, secret): (&str, &str), body: &str) -> (u16, String) {
    let resp = stack.webhook(signed_delivery(path, secret, body)).await;
    let status = resp.status().as_u16();
    let event_id = serde_json::from_str::<Value>(body).map(|e| e["id"].clone());
    let (outcome, of_event) = stack
        .last_outcome()
        .unwrap_or_else(|| panic!("no WebhookEvents record ({status} {})", body_json(&resp)));
    assert_eq!(
        event_id.ok(),
        Some(json!(of_event)),
        "outcome of another event"
    );
    (status, outcome)
}

async fn deliver(stack: &Stack, route: (&str, &str), event_id: &str) -> (u16, String) {
    let body = stack.control.event(event_id).await.to_string();
    deliver_body(stack, route, &body).await
}

fn expect(got: (u16, String), status: u16, outcome: &str, what: &str) {
    assert_eq!(got, (status, outcome.to_owned()), "{what}");
}

/// A buyer's payment recorded (not delivered: this module delivers) by the local Stripe:
/// (event id, charge id).
async fn pay(stack: &Stack, amount: i64, metadata: Value) -> (String, String) {
    let paid = stack
        .control
        .pay_with_metadata(EUR, amount, metadata, false)
        .await;
    (paid.event, paid.charge)
}

/// A refund recorded by the local Stripe: its two events as a subscribed endpoint receives them
/// (`charge.refunded`, `refund.created`). The second changes nothing: refunds count by id.
async fn refund(stack: &Stack, charge: &str, amount: i64, what: &str) {
    let refunded = stack
        .control
        .refund_with(charge, Some(amount), json!({}), false)
        .await;
    for event in [refunded.event, refunded.refund_event] {
        expect(
            deliver(stack, PLATFORM, &event).await,
            200,
            "processed",
            what,
        );
    }
}

/// Every flow of the webhook and every outcome: processed, duplicate, ignored, rejected, failed;
/// and a read Stripe refuses for good.
pub async fn deliveries(stack: &Stack, sellers: &Sellers) {
    // A (complete) is paid at once; B (onboarding started, not finished) is held.
    let shares = format!("{SELLER_A}:6000,{SELLER_B}:4000");
    let metadata = json!({ "veza_order_id": "ord_metrics_1", "veza_shares": shares });
    let (paid, charge) = pay(stack, 10_000, metadata).await;
    expect(
        deliver(stack, PLATFORM, &paid).await,
        200,
        "processed",
        "payment",
    );
    expect(
        deliver(stack, PLATFORM, &paid).await,
        200,
        "duplicate",
        "redelivery",
    );

    // B finishes onboarding: account.updated on the Connect endpoint releases B's share.
    let updated = stack.control.complete_onboarding(&sellers.b).await;
    expect(
        deliver(stack, CONNECT, &updated).await,
        200,
        "processed",
        "B completes",
    );

    // Partial refund: both transfers are partly reversed.
    refund(stack, &charge, 2_000, "refund 1").await;
    // The funds became available and A paid its balance out: A's reversal is refused (kept for
    // attention), B's goes through.
    stack.control.make_available(&charge).await;
    stack.control.set_available(&sellers.a, EUR, 0).await;
    refund(stack, &charge, 2_000, "refund 2").await;

    // Metadata without shares: recorded as rejected, answered 200.
    let (bad, _) = pay(stack, 1_000, json!({ "veza_order_id": "ord_metrics_bad" })).await;
    expect(
        deliver(stack, PLATFORM, &bad).await,
        200,
        "rejected",
        "malformed",
    );

    // An event type the webhook does not act on.
    let unknown = json!({
        "id": "evt_metrics_unknown", "object": "event", "api_version": "2026-09-30.endive",
        "created": unix_now(), "livemode": false, "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null }, "type": "v9.future.event",
        "data": { "object": { "id": "x_1", "object": "thing" } }
    });
    let got = deliver_body(stack, PLATFORM, &unknown.to_string()).await;
    expect(got, 200, "ignored", "unknown type");

    // Stripe refuses for good (403) to show B's account when its account.updated arrives:
    // answered 200 (a 5xx would have Stripe redeliver for 3 days), counted as a refusal.
    let refused = stack.control.complete_onboarding(&sellers.b).await;
    let fault = Fault::new("GET", "/v1/accounts/{id}", "status_403");
    stack.control.fault(fault).await;
    expect(
        deliver(stack, CONNECT, &refused).await,
        200,
        "ignored",
        "account refused",
    );

    // Stripe answers 500 to every attempt at the transfer: 503 (Stripe redelivers), then the
    // redelivery pays A.
    let fault = Fault::new("POST", "/v1/transfers", "status_500").times(stack.stripe_attempts);
    stack.control.fault(fault).await;
    let metadata =
        json!({ "veza_order_id": "ord_metrics_2", "veza_shares": format!("{SELLER_A}:1000") });
    let (faulted, _) = pay(stack, 1_000, metadata).await;
    expect(
        deliver(stack, PLATFORM, &faulted).await,
        503,
        "failed",
        "faulted",
    );
    expect(
        deliver(stack, PLATFORM, &faulted).await,
        200,
        "processed",
        "redelivered",
    );
}

/// Delivers every event in `events` to the platform route, each processed.
async fn deliver_all(stack: &Stack, events: &[String], what: &str) {
    for event in events {
        expect(
            deliver(stack, PLATFORM, event).await,
            200,
            "processed",
            what,
        );
    }
}

/// A charge's life after its payment: a refund whose seller metadata is rejected (nothing moved),
/// a refund that fails after it was reported (B's reversal repaid), a dispute whose funds are
/// withdrawn (B's part reversed) and then won (repaid).
pub async fn disputes(stack: &Stack, sellers: &Sellers) {
    let metadata =
        json!({ "veza_order_id": "ord_metrics_4", "veza_shares": format!("{SELLER_B}:5000") });
    let (paid, charge) = pay(stack, 5_000, metadata).await;
    deliver_all(stack, &[paid], "payment to B").await;
    let named = json!({ "veza_refund_shares": "usr_metrics_unknown:500" });
    let rejected = stack
        .control
        .refund_with(&charge, Some(500), named, false)
        .await;
    deliver_all(stack, &[rejected.event, rejected.refund_event], "rejected").await;

    let refunded = stack
        .control
        .refund_with(&charge, Some(1_000), json!({}), false)
        .await;
    deliver_all(stack, &[refunded.event, refunded.refund_event], "refund").await;
    let failed = stack.control.fail_refund(&refunded.id, false).await;
    deliver_all(stack, &failed, "failed refund").await;

    let dispute = stack.control.dispute(&charge, Some(2_000), false).await;
    deliver_all(stack, &dispute.events, "dispute").await;
    let won = stack.control.close_dispute(&dispute.id, "won", false).await;
    deliver_all(stack, &won, "dispute won").await;
    let transfers = stack.control.transfers("ord_metrics_4").await;
    assert!(
        transfers
            .iter()
            .all(|t| t["destination"] == sellers.b.as_str()),
        "{transfers:?}"
    );
    assert_eq!(
        transfers.len(),
        3,
        "the payment, then two repayments: {transfers:?}"
    );
}
