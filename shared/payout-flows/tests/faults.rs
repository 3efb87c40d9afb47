//! Stripe failing on the calls the flows make (scripted on the double): the delivery fails (the
//! webhook answers 5xx), the redelivery finishes, and there is exactly one transfer or reversal.
//! Slow twin, with faults injected into the local Stripe server: `functions/webhook/tests/faults.rs`.

use crate::support;

use payouts::ShareState;
use payouts::memory::stripe::{Fault, KEY_TTL_SECONDS, Op};
use support::{EUR, Flows};

/// Every kind of failure Stripe can answer a call with, as the port reports it.
const FAULTS: [Fault; 4] = [
    Fault::ServerError,
    Fault::RateLimited,
    Fault::Timeout,
    Fault::AnswerLost,
];

#[tokio::test]
async fn a_failed_transfer_is_paid_once_by_the_redelivery() {
    let flows = Flows::new();
    let alice = flows.seller("usr_alice", true).await;
    for (i, fault) in FAULTS.into_iter().enumerate() {
        flows.stripe.fail_next(Op::CreateTransfer, fault.clone(), 1);
        let order = format!("ord_tf{i}");
        let paid = flows.stripe.pay(&order, EUR, 2000, &[("usr_alice", 2000)]);
        assert!(
            flows.deliver(&paid.event).await.is_err(),
            "{fault:?}: answered 5xx"
        );
        assert_eq!(
            flows.share(&order, "usr_alice").await.state,
            ShareState::Pending
        );
        flows.delivered(&paid.event).await;
        let share = flows.share(&order, "usr_alice").await;
        assert_eq!(
            (share.state, share.transfer_attempts),
            (ShareState::Transferred, 2),
            "{fault:?}"
        );
        let transfers = flows.stripe.transfers(&order);
        assert_eq!(transfers.len(), 1, "{fault:?}");
        assert_eq!(
            share.transfer_id.as_ref(),
            Some(&transfers[0].id),
            "{fault:?}"
        );
    }
    assert_eq!(
        flows.stripe.received(&alice, EUR),
        1750 * FAULTS.len() as i64
    );
    // Every retry sent the same key again instead of looking the transfer up (Stripe still
    // holds it): the one whose answer was lost got the first transfer back, not a second.
    assert_eq!(flows.stripe.calls(Op::FindTransfer), 0);
    assert_eq!(flows.stripe.calls(Op::CreateTransfer), 2 * FAULTS.len());
    let unavailable = [("Reason", "stripe_unavailable")];
    assert_eq!(
        flows.metric("TransfersFailed", &unavailable),
        FAULTS.len() as f64
    );
}

#[tokio::test]
async fn a_failing_look_up_or_settlement_read_is_survived() {
    let flows = Flows::new();
    flows.seller("usr_alice", true).await;
    flows
        .stripe
        .fail_next(Op::ChargeSettlement, Fault::ServerError, 1);
    flows
        .stripe
        .fail_next(Op::CreateTransfer, Fault::ServerError, 1);
    flows
        .stripe
        .fail_next(Op::FindTransfer, Fault::RateLimited, 1);
    let paid = flows
        .stripe
        .pay("ord_look", EUR, 2000, &[("usr_alice", 2000)]);
    for step in ["settlement", "transfer", "look-up"] {
        if step == "look-up" {
            // Only a key Stripe may no longer hold makes the retry look the transfer up.
            flows.stripe.advance_clock(payouts::keys::KEY_HELD_SECS);
        }
        assert!(flows.deliver(&paid.event).await.is_err(), "{step} failed");
    }
    flows.delivered(&paid.event).await;
    assert_eq!(flows.stripe.calls(Op::FindTransfer), 2);
    assert_eq!(flows.stripe.transfers("ord_look").len(), 1);
    assert_eq!(
        flows.share("ord_look", "usr_alice").await.transfer_attempts,
        3
    );
}

#[tokio::test]
async fn failed_reversals_end_in_exact_reversals() {
    let flows = Flows::new();
    let alice = flows.seller("usr_alice", true).await;
    let paid = flows
        .stripe
        .pay("ord_rf", EUR, 8000, &[("usr_alice", 8000)]);
    flows.delivered(&paid.event).await;
    // Net 7000; a refund of 1000 per fault: cumulative claims 875, 1750, ...
    let faults = FAULTS.map(|f| (Op::CreateReversal, f));
    let reads = [Fault::ServerError, Fault::RateLimited].map(|f| (Op::RetrieveTransfer, f));
    for (i, (op, fault)) in faults.into_iter().chain(reads).enumerate() {
        flows.stripe.fail_next(op, fault.clone(), 1);
        let refund = flows.stripe.refund(&paid.charge, Some(1000), &[]);
        assert!(
            flows.deliver(&refund.charge_refunded).await.is_err(),
            "{op:?} {fault:?}"
        );
        flows.delivered(&refund.charge_refunded).await;
        let refunded = flows.share("ord_rf", "usr_alice").await.refunded;
        assert_eq!(refunded, 875 * (i as i64 + 1), "{op:?} {fault:?}");
    }
    let transfer = &flows.stripe.transfers("ord_rf")[0];
    assert_eq!(
        (transfer.reversed, transfer.reversal_keys.len()),
        (875 * 6, 6)
    );
    assert_eq!(flows.stripe.received(&alice, EUR), 7000 - 875 * 6);
}

#[tokio::test]
async fn a_transfer_whose_answer_was_lost_is_found_by_its_group_after_its_key_expired() {
    let flows = Flows::new();
    let alice = flows.seller("usr_alice", true).await;
    flows
        .stripe
        .fail_next(Op::CreateTransfer, Fault::AnswerLost, 1);
    let paid = flows
        .stripe
        .pay("ord_late", EUR, 2000, &[("usr_alice", 2000)]);
    assert!(flows.deliver(&paid.event).await.is_err());
    // Stripe's next retry comes more than a day later: the key no longer protects it.
    flows.stripe.advance_clock(KEY_TTL_SECONDS + 3600);
    flows.delivered(&paid.event).await;
    assert_eq!(flows.stripe.transfers("ord_late").len(), 1);
    assert_eq!(
        flows.stripe.calls(Op::CreateTransfer),
        1,
        "found, not created again"
    );
    assert_eq!(
        flows.share("ord_late", "usr_alice").await.state,
        ShareState::Transferred
    );
    assert_eq!(flows.stripe.received(&alice, EUR), 1750);
}

#[tokio::test]
async fn a_failing_account_read_holds_the_release_until_the_redelivery() {
    let flows = Flows::new();
    let paid = flows
        .stripe
        .pay("ord_acct", EUR, 2000, &[("usr_carol", 2000)]);
    flows.delivered(&paid.event).await;
    let carol = flows.seller("usr_carol", false).await;
    flows
        .stripe
        .fail_next(Op::RetrieveAccount, Fault::Timeout, 1);
    let complete = flows.stripe.complete_onboarding(&carol);
    assert!(flows.deliver(&complete).await.is_err());
    assert_eq!(
        flows.share("ord_acct", "usr_carol").await.state,
        ShareState::Held
    );
    flows.delivered(&complete).await;
    assert_eq!(
        flows.share("ord_acct", "usr_carol").await.state,
        ShareState::Transferred
    );
    assert_eq!(flows.stripe.calls(Op::RetrieveAccount), 2);
}
