//! Settlement currency: on a platform that settles in euros, an order paid in dollars is paid out
//! in euros, each share converted at the charge's own rate (what its balance transaction says),
//! and refunds take back the same fraction of the converted amounts. Before, the transfers were
//! made in dollars and Stripe refused every one of them (the shares stayed held).

use crate::common;

use common::{EUR, Stack, WORKED_EXAMPLE, net_paid};
use payouts::history::PayoutItem;
use serde_json::json;

/// The README's example: $100.00 settles as €91.73 (rate 0.9173).
async fn eur_platform(stack: &Stack) {
    stack
        .control
        .post(
            "settlement",
            json!({ "currency": EUR, "rates": { "usd": 0.9173 } }),
        )
        .await;
}

#[tokio::test]
async fn an_order_paid_in_dollars_on_a_euro_platform_is_paid_and_refunded_in_euros() {
    let stack = Stack::start().await;
    eur_platform(&stack).await;
    let alice = stack.seller("usr_alice", true).await;
    let bob = stack.seller("usr_bob", true).await;
    let paid = stack
        .control
        .pay("ord_fx", "usd", 10_000, &WORKED_EXAMPLE, true)
        .await;
    stack.control.wait_delivered(&paid.event).await;

    let payment = stack.payment("ord_fx").await;
    let settlement = payment.settlement.clone().expect("settlement recorded");
    assert_eq!(
        (settlement.currency.as_str(), settlement.amount),
        ("eur", 9173)
    );
    // Nets 2625 and 6125 (12.5 % fee) × 9173 / 10 000, floored: 2407 and 5618 (≤ 9173).
    let transfers = stack.control.transfers("ord_fx").await;
    assert!(
        transfers.iter().all(|t| t["currency"] == "eur"),
        "{transfers:?}"
    );
    assert_eq!(net_paid(&transfers, &alice), 2407);
    assert_eq!(net_paid(&transfers, &bob), 5618);
    let share = stack.share("ord_fx", "usr_alice").await;
    assert_eq!(
        (share.currency.as_str(), share.gross, share.fee, share.net),
        ("eur", 2751, 344, 2407)
    );
    let presented = share.presentment.clone().expect("what the buyer paid");
    assert_eq!(
        (presented.currency.as_str(), presented.gross, presented.net),
        ("usd", 3000, 2625)
    );

    // A $20.00 refund (a fifth): floor(2407 / 5) = 481 and floor(5618 / 5) = 1123, in euros.
    let refund = stack.control.refund(&paid.charge, Some(2000), true).await;
    stack.control.wait_delivered(&refund).await;
    let transfers = stack.control.transfers("ord_fx").await;
    assert_eq!(net_paid(&transfers, &alice), 2407 - 481);
    assert_eq!(net_paid(&transfers, &bob), 5618 - 1123);

    // The seller's history shows what the buyer paid and what it became.
    let share = stack.share("ord_fx", "usr_alice").await;
    let item = serde_json::to_value(PayoutItem::of(&share)).expect("item");
    assert_eq!(
        (
            &item["currency"],
            &item["gross"],
            &item["net"],
            &item["settlement"]
        ),
        (
            &json!("usd"),
            &json!(3000),
            &json!(2625),
            &json!({ "currency": "eur", "amount": 2407 })
        )
    );
    assert_eq!(
        (&item["transferred"], &item["reversed"]),
        (&json!(2407), &json!(481))
    );
}

#[tokio::test]
async fn an_order_paid_in_the_settlement_currency_records_no_conversion() {
    let stack = Stack::start().await;
    eur_platform(&stack).await;
    let alice = stack.seller("usr_alice", true).await;
    stack.seller("usr_bob", true).await;
    let paid = stack
        .control
        .pay("ord_eur", EUR, 10_000, &WORKED_EXAMPLE, true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    assert_eq!(stack.payment("ord_eur").await.settlement, None);
    let share = stack.share("ord_eur", "usr_alice").await;
    assert_eq!((share.net, share.presentment), (2625, None));
    assert_eq!(
        net_paid(&stack.control.transfers("ord_eur").await, &alice),
        2625
    );
}
