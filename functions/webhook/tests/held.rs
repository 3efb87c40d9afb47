//! Sellers who cannot be paid yet: their share is held, and released exactly once when
//! `account.updated` (Connect endpoint, re-fetched from Stripe) says they can receive transfers.

use crate::common;

use common::{EUR, Stack};
use payouts::ShareState;
use serde_json::json;

#[tokio::test]
async fn a_share_is_held_until_onboarding_completes_then_released_once() {
    let stack = Stack::start().await;
    let alice = stack.seller("usr_alice", true).await;
    // Carol has no Stripe account at all; Dave has one but has not finished onboarding.
    let dave = stack.seller("usr_dave", false).await;
    let paid = stack
        .control
        .pay(
            "ord_held",
            EUR,
            9000,
            &[("usr_alice", 3000), ("usr_carol", 3000), ("usr_dave", 3000)],
            true,
        )
        .await;
    stack.control.wait_delivered(&paid.event).await;

    assert_eq!(
        stack.share("ord_held", "usr_alice").await.state,
        ShareState::Transferred
    );
    for seller in ["usr_carol", "usr_dave"] {
        let share = stack.share("ord_held", seller).await;
        assert_eq!(
            (share.state, share.transfer_id.as_deref()),
            (ShareState::Held, None)
        );
    }
    assert_eq!(stack.control.transfers("ord_held").await.len(), 1);
    assert_eq!(stack.metric("SharesHeld", &[("Currency", EUR)]), 2.0);
    assert_eq!(
        stack.metric("HeldAmount", &[("Currency", EUR)]),
        2.0 * 2625.0
    );

    // Carol onboards: account + mapping (the onboard function), then completion on Stripe.
    let carol = stack.seller("usr_carol", false).await;
    // The completion event reaches the webhook 10 times at once (automatic delivery is held
    // back by removing the Connect target for the moment).
    stack
        .control
        .post("webhooks", json!({ "platform": null, "connect": null }))
        .await;
    let completed = stack
        .control
        .onboarding(&carol, json!({ "complete": true }))
        .await;
    restore_targets(&stack).await;
    let statuses = stack.control.deliver(&completed, 10, 10).await;
    assert!(
        statuses.iter().all(|s| matches!(s, Some(200 | 503))),
        "{statuses:?}"
    );
    let statuses = stack.control.deliver(&completed, 3, 1).await;
    assert!(statuses.iter().all(|s| *s == Some(200)), "{statuses:?}");

    let share = stack.share("ord_held", "usr_carol").await;
    assert_eq!(share.state, ShareState::Transferred);
    assert_eq!(share.destination.as_deref(), Some(carol.as_str()));
    let to_carol: Vec<_> = stack
        .control
        .transfers("ord_held")
        .await
        .into_iter()
        .filter(|t| t["destination"] == json!(carol))
        .collect();
    assert_eq!(to_carol.len(), 1);
    assert_eq!(to_carol[0]["amount"], json!(2625));
    assert_eq!(stack.control.received(&carol, EUR).await, 2625);
    assert_eq!(stack.metric("SharesReleased", &[("Currency", EUR)]), 1.0);
    assert_eq!(stack.metric("OnboardingsCompleted", &[]), 2.0); // alice's and carol's

    // Dave's account updates without becoming payable: still held. Then he completes.
    let partial = stack
        .control
        .onboarding(&dave, json!({ "details_submitted": true }))
        .await;
    stack.control.wait_delivered(&partial).await;
    assert_eq!(
        stack.share("ord_held", "usr_dave").await.state,
        ShareState::Held
    );
    let done = stack
        .control
        .onboarding(&dave, json!({ "complete": true }))
        .await;
    stack.control.wait_delivered(&done).await;
    assert_eq!(
        stack.share("ord_held", "usr_dave").await.state,
        ShareState::Transferred
    );
    assert_eq!(stack.control.received(&dave, EUR).await, 2625);
    assert_eq!(stack.control.transfers("ord_held").await.len(), 3);
    // A late redelivery of the older event re-fetches the account: nothing changes.
    assert_eq!(stack.control.deliver(&partial, 1, 1).await, vec![Some(200)]);
    assert_eq!(stack.control.all_transfers().await.len(), 3);
    let _ = alice;
}

#[tokio::test]
async fn account_updated_before_the_account_is_known_is_ignored_then_later_events_release() {
    let stack = Stack::start().await;
    let paid = stack
        .control
        .pay("ord_early", EUR, 2000, &[("usr_erin", 2000)], true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    assert_eq!(
        stack.share("ord_early", "usr_erin").await.state,
        ShareState::Held
    );

    // The account exists on Stripe, but its mapping is not stored yet.
    let erin = stack.stripe_account("usr_erin").await;
    let early = stack
        .control
        .onboarding(&erin, json!({ "details_submitted": true }))
        .await;
    stack.control.wait_delivered(&early).await;
    let ignored = [("EventType", "account.updated"), ("Outcome", "ignored")];
    assert_eq!(stack.metric("WebhookEvents", &ignored), 1.0);
    assert_eq!(
        stack.share("ord_early", "usr_erin").await.state,
        ShareState::Held
    );

    // The mapping lands; the completion event is processed and releases the share.
    stack.map_account("usr_erin", &erin).await;
    let complete = stack
        .control
        .onboarding(&erin, json!({ "complete": true }))
        .await;
    stack.control.wait_delivered(&complete).await;
    assert_eq!(
        stack.share("ord_early", "usr_erin").await.state,
        ShareState::Transferred
    );
    // The early event, redelivered late (it was not remembered as processed), is harmless.
    assert_eq!(
        stack.control.deliver(&early, 2, 2).await,
        vec![Some(200), Some(200)]
    );
    assert_eq!(stack.control.transfers("ord_early").await.len(), 1);
    assert_eq!(stack.control.received(&erin, EUR).await, 1750);
}

#[tokio::test]
async fn a_refused_transfer_goes_back_to_held_and_is_released_under_a_new_key() {
    let stack = Stack::start().await;
    let frank = stack.seller("usr_frank", true).await;
    // Stripe turns the transfers capability off, and that account.updated is not delivered
    // (yet): the stored flags still say Frank can receive transfers.
    stack
        .control
        .post("webhooks", json!({ "platform": null, "connect": null }))
        .await;
    stack
        .control
        .onboarding(&frank, json!({ "transfers": "inactive" }))
        .await;
    restore_targets(&stack).await;

    let paid = stack
        .control
        .pay("ord_refused", EUR, 2000, &[("usr_frank", 2000)], true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    let share = stack.share("ord_refused", "usr_frank").await;
    assert_eq!(share.state, ShareState::Held);
    assert_eq!(share.key_round, 1, "the refusal started a new key round");
    let note = share.attention.expect("attention note");
    assert!(
        note.starts_with("transfer_refused:insufficient_capabilities_for_transfer"),
        "{note}"
    );
    assert!(stack.control.transfers("ord_refused").await.is_empty());
    let reason = [("Reason", "insufficient_capabilities_for_transfer")];
    assert_eq!(stack.metric("TransfersFailed", &reason), 1.0);
    // Answered 200: Stripe must not retry a refusal; the release will.
    assert!(
        stack
            .control
            .deliveries(&paid.event)
            .await
            .iter()
            .all(|d| d["status"] == json!(200))
    );

    // The capability comes back (within the 24 h the refusal stays saved under the first key).
    let back = stack
        .control
        .onboarding(&frank, json!({ "transfers": "active" }))
        .await;
    stack.control.wait_delivered(&back).await;
    let share = stack.share("ord_refused", "usr_frank").await;
    assert_eq!(share.state, ShareState::Transferred);
    assert_eq!(stack.control.transfers("ord_refused").await.len(), 1);
    assert_eq!(stack.control.received(&frank, EUR).await, 1750);
    let keys: Vec<String> = stack
        .control
        .requests("POST /v1/transfers")
        .await
        .iter()
        .filter_map(|r| r["idempotency_key"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        keys,
        [
            "veza-tr:ord_refused:usr_frank",
            "veza-tr:ord_refused:usr_frank:r1"
        ]
    );
}

async fn restore_targets(stack: &Stack) {
    let target = |route: &str, secret: &str| json!({ "url": format!("{}{route}", stack.receiver), "secrets": [secret] });
    stack
        .control
        .post(
            "webhooks",
            json!({
                "platform": target(webhook::PLATFORM_ROUTE.template, common::PLATFORM_SECRET),
                "connect": target(webhook::CONNECT_ROUTE.template, common::CONNECT_SECRET),
            }),
        )
        .await;
}
