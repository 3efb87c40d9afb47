//! Reversals: made once per key, never more than what is left of the transfer, and only when the
//! destination's balance covers them.

use std::sync::Arc;

use super::{StripeWorld, paid, refused, seller, transfer};
use crate::ports::StripeError;

pub(super) async fn reversals_are_made_once_per_key_up_to_what_is_left<W: StripeWorld>(
    world: Arc<W>,
) {
    let stripe = world.stripe();
    let acct = seller(&*world, "usr_a").await;
    let charge = paid(&*world, 10_000).await.charge;
    let made = transfer("ord_1", &acct, &charge, 5_000);
    let t = stripe.create_transfer(&made, "k").await.unwrap();

    let key = crate::keys::reversal_key("ord_1", "usr_a", 0, 0);
    let reversal = stripe.create_reversal(&t.id, 1_000, &key).await.unwrap();
    assert!(!reversal.is_empty());
    let again = stripe.create_reversal(&t.id, 1_000, &key).await.unwrap();
    assert_eq!(
        again, reversal,
        "the same key and amount: the same reversal"
    );
    let other_amount = stripe.create_reversal(&t.id, 1_500, &key).await;
    assert_eq!(refused(other_amount), "idempotency_error");
    let now = stripe.retrieve_transfer(&t.id).await.unwrap();
    assert_eq!(
        (now.id.as_str(), now.amount, now.reversed),
        (t.id.as_str(), 5_000, 1_000)
    );
    let found = stripe.find_transfer("ord_1", &acct).await.unwrap();
    assert_eq!(found, Some(now), "the look-up shows the reversed total too");

    let over = stripe.create_reversal(&t.id, 4_001, "k-over").await;
    assert_eq!(refused(over), "amount_too_large", "4000 left");
    stripe
        .create_reversal(&t.id, 4_000, "k-rest")
        .await
        .unwrap();
    let done = stripe.retrieve_transfer(&t.id).await.unwrap();
    assert_eq!(done.reversed, 5_000);
    let nothing_left = stripe.create_reversal(&t.id, 1, "k-more").await;
    assert_eq!(refused(nothing_left), "invalid_request_error");
    let unknown = stripe.create_reversal("tr_nope", 10, "k-unknown").await;
    assert!(matches!(unknown, Err(StripeError::NotFound)), "{unknown:?}");
}

pub(super) async fn a_reversal_the_sellers_balance_cannot_cover_is_refused<W: StripeWorld>(
    world: Arc<W>,
) {
    let stripe = world.stripe();
    let acct = seller(&*world, "usr_a").await;
    let charge = paid(&*world, 10_000).await.charge;
    let made = transfer("ord_1", &acct, &charge, 5_000);
    let t = stripe.create_transfer(&made, "k").await.unwrap();
    // The charge's funds became available, and the seller paid most of them out.
    world.make_available(&charge).await;
    world.set_available(&acct, "usd", 10).await;
    let low = stripe.create_reversal(&t.id, 2_000, "k-low").await;
    assert_eq!(refused(low), "balance_insufficient");
    assert_eq!(stripe.retrieve_transfer(&t.id).await.unwrap().reversed, 0);
    // What the balance covers goes through.
    stripe.create_reversal(&t.id, 10, "k-ten").await.unwrap();
    assert_eq!(stripe.retrieve_transfer(&t.id).await.unwrap().reversed, 10);
    let balance = stripe.retrieve_balance(&acct).await.unwrap();
    let usd: i64 = balance.available.iter().map(|m| m.amount).sum();
    assert_eq!(usd, 0);
}

pub(super) async fn a_reversal_takes_back_what_is_still_pending_first<W: StripeWorld>(
    world: Arc<W>,
) {
    let stripe = world.stripe();
    let acct = seller(&*world, "usr_a").await;
    let (first, second) = (
        paid(&*world, 10_000).await.charge,
        paid(&*world, 10_000).await.charge,
    );
    let to_pending = transfer("ord_1", &acct, &first, 3_000);
    let pending = stripe.create_transfer(&to_pending, "k1").await.unwrap();
    let to_available = transfer("ord_2", &acct, &second, 1_000);
    let available = stripe.create_transfer(&to_available, "k2").await.unwrap();
    world.make_available(&second).await;
    // Nothing available is needed while the transfer's own funds are still pending...
    world.set_available(&acct, "usd", 0).await;
    stripe
        .create_reversal(&pending.id, 2_000, "r1")
        .await
        .unwrap();
    let balance = stripe.retrieve_balance(&acct).await.unwrap();
    let pending_left: i64 = balance.pending.iter().map(|m| m.amount).sum();
    assert_eq!(pending_left, 1_000);
    // ...but a transfer whose funds are available can only take back what is available.
    let low = stripe.create_reversal(&available.id, 1, "r2").await;
    assert_eq!(refused(low), "balance_insufficient");
}
