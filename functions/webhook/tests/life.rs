//! Exactly once in any order and any number of deliveries: every event of a charge's life — the
//! payment, two partial refunds, a dispute of the rest, the first refund failing, the dispute
//! won — delivered 20 times at once each in Stripe's order, twice at once each in a sample of
//! other orders and all at once, always ends with each seller's received − reversed + repaid equal
//! to what the policy says, to the minor unit.

use crate::common;

use common::{EUR, Stack, net_paid};
use futures::future::join_all;
use serde_json::json;

/// Concurrent deliveries of each event in Stripe's order...
const TIMES: u32 = 20;
/// ...and in each other order of the sample and all at once, where the order is what is tested
/// (moto serves one request at a time: 11 events × 20 at once would time its clients out).
const TIMES_PER_ORDER: u32 = 2;

/// The events of one order's life, in the order Stripe emitted them.
async fn life(stack: &Stack, order: &str) -> Vec<String> {
    let paid = stack
        .control
        .pay(order, EUR, 10_000, &common::WORKED_EXAMPLE, false)
        .await;
    let first = stack
        .control
        .refund_with(&paid.charge, Some(1000), json!({}), false)
        .await;
    let second = stack
        .control
        .refund_with(&paid.charge, Some(2000), json!({}), false)
        .await;
    let dispute = stack.control.dispute(&paid.charge, None, false).await;
    let failed = stack.control.fail_refund(&first.id, false).await;
    let won = stack.control.close_dispute(&dispute.id, "won", false).await;
    let mut events = vec![
        paid.event,
        first.event,
        first.refund_event,
        second.event,
        second.refund_event,
    ];
    events.extend(dispute.events);
    events.extend(failed);
    events.extend(won);
    assert_eq!(events.len(), 11);
    events
}

/// Delivers `event` `times` times at once until one delivery was processed, as Stripe would: a
/// 5xx (contention, or a DynamoDB call that timed out on a loaded machine) is its cue to deliver
/// again, after a short backoff, for at most two minutes.
async fn deliver(stack: &Stack, event: &str, times: u32) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut seen = Vec::new();
    while tokio::time::Instant::now() < deadline {
        let statuses = stack.control.deliver(event, times, times).await;
        if statuses.contains(&Some(200)) {
            return;
        }
        seen.push(statuses);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let body = stack.control.event(event).await;
    panic!("{event} ({}) was never processed: {seen:?}", body["type"]);
}

/// What the policy says once everything happened: the first refund failed (nothing), the
/// second (2000 of 10 000) takes floor(net × 0.2), the won dispute nothing.
async fn assert_final(stack: &Stack, order: &str, alice: &str, bob: &str, how: &str) {
    let transfers = stack.control.transfers(order).await;
    // On a failure, everything needed to tell which step was lost.
    let state = || async {
        format!(
            "{how}\nalice: {:#?}\nbob: {:#?}\npayment: {:#?}\ntransfers: {transfers:#?}",
            stack.share(order, "usr_alice").await,
            stack.share(order, "usr_bob").await,
            stack.payment(order).await,
        )
    };
    if net_paid(&transfers, alice) != 2625 - 525 || net_paid(&transfers, bob) != 6125 - 1225 {
        let state = state().await;
        assert_eq!(net_paid(&transfers, alice), 2625 - 525, "alice, {state}");
        assert_eq!(net_paid(&transfers, bob), 6125 - 1225, "bob, {state}");
    }
    for (seller, claim) in [("usr_alice", 525), ("usr_bob", 1225)] {
        let share = stack.share(order, seller).await;
        assert_eq!(share.taken(), claim, "{seller}, {how}");
        assert!(share.attention.is_none(), "{seller}, {how}: {share:?}");
    }
}

/// A deterministic sample of orders (xorshift), besides the natural and the reverse one.
fn permutations(n: usize, count: usize) -> Vec<Vec<usize>> {
    let mut seed: u64 = 0x5EED_0013;
    let mut out = vec![(0..n).collect::<Vec<_>>(), (0..n).rev().collect()];
    while out.len() < count {
        let mut p: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            p.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        out.push(p);
    }
    out
}

#[tokio::test]
async fn a_charges_whole_life_in_any_order_and_any_number_of_deliveries_pays_exactly_the_policy() {
    let stack = Stack::start().await;
    let alice = stack.seller("usr_alice", true).await;
    let bob = stack.seller("usr_bob", true).await;
    for (i, order) in permutations(11, 6).into_iter().enumerate() {
        let id = format!("ord_life_{i}");
        let times = if i == 0 { TIMES } else { TIMES_PER_ORDER };
        let events = life(&stack, &id).await;
        for &k in &order {
            deliver(&stack, &events[k], times).await;
        }
        assert_final(&stack, &id, &alice, &bob, &format!("order {order:?}")).await;
        // Everything once more changes nothing.
        for e in &events {
            deliver(&stack, e, 1).await;
        }
        assert_final(&stack, &id, &alice, &bob, &format!("again {order:?}")).await;
    }

    // All of it at once.
    let events = life(&stack, "ord_life_all").await;
    join_all(events.iter().map(|e| deliver(&stack, e, TIMES_PER_ORDER))).await;
    assert_final(&stack, "ord_life_all", &alice, &bob, "all at once").await;
}
