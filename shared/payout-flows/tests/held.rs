//! Sellers who cannot be paid yet: their share is held, and released exactly once when
//! `account.updated` (re-read from Stripe) says they can receive transfers; a refused transfer
//! goes back to held and is released under a new key. Slow twin: `functions/webhook/tests/held.rs`.

use crate::support;

use payout_flows::{Handled, Outcome};
use payouts::ShareState;
use payouts::memory::stripe::Op;
use support::{EUR, Flows};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_held_share_is_released_once_by_account_updated_delivered_10_times_at_once() {
    let flows = Flows::new();
    // Dave has an account but has not finished onboarding; Carol has none yet.
    let dave = flows.seller("usr_dave", false).await;
    let shares = [("usr_carol", 3000), ("usr_dave", 3000)];
    let paid = flows.stripe.pay("ord_held", EUR, 6000, &shares);
    flows.delivered(&paid.event).await;
    for seller in ["usr_carol", "usr_dave"] {
        assert_eq!(
            flows.share("ord_held", seller).await.state,
            ShareState::Held
        );
    }
    assert!(flows.stripe.all_transfers().is_empty());

    // Dave's account changes without becoming payable: still held.
    let partial = flows
        .stripe
        .update_account(&dave, |f| f.details_submitted = true);
    flows.delivered(&partial).await;
    assert_eq!(
        flows.share("ord_held", "usr_dave").await.state,
        ShareState::Held
    );
    let completed = flows.stripe.complete_onboarding(&dave);
    let answers = flows.deliver_at_once(&completed, 10).await;
    assert!(answers.iter().any(Result::is_ok), "{answers:?}");
    for _ in 0..3 {
        flows.delivered(&completed).await;
    }
    let share = flows.share("ord_held", "usr_dave").await;
    assert_eq!(
        (share.state, share.destination.as_deref()),
        (ShareState::Transferred, Some(dave.as_str()))
    );
    assert_eq!(flows.stripe.transfers("ord_held").len(), 1);
    assert_eq!(flows.stripe.received(&dave, EUR), 2625);
    assert_eq!(flows.metric("SharesReleased", &[("Currency", EUR)]), 1.0);
    // A late redelivery of the older event re-reads the account: nothing moves.
    flows.delivered(&partial).await;
    assert_eq!(flows.stripe.all_transfers().len(), 1);
    assert_eq!(
        flows.share("ord_held", "usr_carol").await.state,
        ShareState::Held
    );
}

#[tokio::test]
async fn account_updated_for_an_account_not_stored_yet_is_ignored_then_later_events_release() {
    let flows = Flows::new();
    let paid = flows
        .stripe
        .pay("ord_early", EUR, 2000, &[("usr_erin", 2000)]);
    flows.delivered(&paid.event).await;
    let erin = flows.stripe_account("usr_erin").await;
    let early = flows.stripe.complete_onboarding(&erin);
    let ignored = flows.delivered(&early).await;
    assert_eq!(ignored, Handled::Now(Outcome::Ignored("unknown_account")));
    assert_eq!(
        flows.share("ord_early", "usr_erin").await.state,
        ShareState::Held
    );
    flows.map_account("usr_erin", &erin).await;
    // Not remembered as processed: the same event, resent, now releases the share.
    assert_eq!(
        flows.delivered(&early).await,
        Handled::Now(Outcome::Processed)
    );
    assert_eq!(
        flows.share("ord_early", "usr_erin").await.state,
        ShareState::Transferred
    );
    assert_eq!(flows.stripe.received(&erin, EUR), 1750);
}

#[tokio::test]
async fn a_refused_transfer_goes_back_to_held_and_is_released_under_a_new_key() {
    let flows = Flows::new();
    let frank = flows.seller("usr_frank", true).await;
    // Stripe turns the capability off; that account.updated has not arrived yet.
    let off = flows.stripe.set_transfers_active(&frank, false);
    let paid = flows
        .stripe
        .pay("ord_refused", EUR, 2000, &[("usr_frank", 2000)]);
    flows.delivered(&paid.event).await;
    let share = flows.share("ord_refused", "usr_frank").await;
    assert_eq!((share.state, share.key_round), (ShareState::Held, 1));
    let note = share.attention.expect("attention note");
    assert!(
        note.starts_with("transfer_refused:insufficient_capabilities_for_transfer"),
        "{note}"
    );
    let reason = [("Reason", "insufficient_capabilities_for_transfer")];
    assert_eq!(flows.metric("TransfersFailed", &reason), 1.0);
    flows.delivered(&off).await;

    // The capability comes back (while Stripe still answers the refusal to the first key).
    let back = flows.stripe.set_transfers_active(&frank, true);
    flows.delivered(&back).await;
    assert_eq!(
        flows.share("ord_refused", "usr_frank").await.state,
        ShareState::Transferred
    );
    assert_eq!(flows.stripe.transfers("ord_refused").len(), 1);
    assert_eq!(flows.stripe.received(&frank, EUR), 1750);
    assert_eq!(
        flows.stripe.calls(Op::CreateTransfer),
        2,
        "one refused, one under `:r1`"
    );
}
