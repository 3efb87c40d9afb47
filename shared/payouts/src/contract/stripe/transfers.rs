//! Transfers: made once per key (also by racers), found by group and destination, and refused
//! beyond their source charge, to a destination that cannot receive, or in another currency.

use std::sync::Arc;

use super::super::race;
use super::{StripeWorld, paid, refused, seller, transfer};
use crate::ports::{GroupTransfer, StripeError, TransferRef};
use crate::{Currency, Money};

pub(super) async fn transfers_are_made_once_per_key<W: StripeWorld>(world: Arc<W>) {
    let stripe = world.stripe();
    let acct = seller(&*world, "usr_a").await;
    let charge = paid(&*world, 10_000).await.charge;
    let request = transfer("ord_1", &acct, &charge, 5_400);
    let key = crate::keys::transfer_key("ord_1", "usr_a", 0);
    let made = stripe.create_transfer(&request, &key).await.unwrap();
    assert_eq!((made.amount, made.reversed), (5_400, 0));
    let again = stripe.create_transfer(&request, &key).await.unwrap();
    assert_eq!(
        again, made,
        "the same key and parameters: the same transfer"
    );
    let changed = transfer("ord_1", &acct, &charge, 5_401);
    assert_eq!(
        refused(stripe.create_transfer(&changed, &key).await),
        "idempotency_error"
    );
    let group = stripe.transfers_in_group("ord_1").await.unwrap();
    assert_eq!(group.len(), 1, "{group:?}");
}

pub(super) async fn racers_with_one_key_make_one_transfer<W: StripeWorld>(world: Arc<W>) {
    let acct = seller(&*world, "usr_a").await;
    let charge = paid(&*world, 10_000).await.charge;
    let request = transfer("ord_race", &acct, &charge, 1_000);
    let answers = race(10, |_| {
        let (world, request) = (world.clone(), request.clone());
        async move { world.stripe().create_transfer(&request, "k-race").await }
    })
    .await;
    let made: Vec<&TransferRef> = answers.iter().filter_map(|a| a.as_ref().ok()).collect();
    assert!(!made.is_empty(), "{answers:?}");
    assert!(made.iter().all(|t| *t == made[0]), "{answers:?}");
    // A racer may be told to retry later (Stripe's 409 while the first executes), never more.
    let retry_later = |a: &Result<_, _>| matches!(a, Ok(_) | Err(StripeError::Unavailable { .. }));
    assert!(answers.iter().all(retry_later), "{answers:?}");
    let group = world.stripe().transfers_in_group("ord_race").await.unwrap();
    assert_eq!(group.len(), 1, "{group:?}");
}

pub(super) async fn transfers_are_found_by_group_and_destination<W: StripeWorld>(world: Arc<W>) {
    let stripe = world.stripe();
    let (a, b) = (
        seller(&*world, "usr_a").await,
        seller(&*world, "usr_b").await,
    );
    let (ch1, ch2) = (
        paid(&*world, 10_000).await.charge,
        paid(&*world, 10_000).await.charge,
    );
    let to_a = transfer("ord_1", &a, &ch1, 5_400);
    let to_a = stripe.create_transfer(&to_a, "k1").await.unwrap();
    let to_b = transfer("ord_1", &b, &ch1, 3_600);
    let to_b = stripe.create_transfer(&to_b, "k2").await.unwrap();
    let other = transfer("ord_2", &a, &ch2, 100);
    let other = stripe.create_transfer(&other, "k3").await.unwrap();
    // A second transfer to the same seller (a repayment): the original is the one found.
    let repaid = transfer("ord_1", &a, &ch1, 50);
    let repaid = stripe.create_transfer(&repaid, "k4").await.unwrap();

    let found = |order: &'static str, destination: &str| {
        let destination = destination.to_owned();
        let world = world.clone();
        async move {
            world
                .stripe()
                .find_transfer(order, &destination)
                .await
                .unwrap()
        }
    };
    assert_eq!(found("ord_1", &a).await, Some(to_a.clone()));
    assert_eq!(found("ord_1", &b).await, Some(to_b.clone()));
    assert_eq!(found("ord_2", &a).await, Some(other));
    assert_eq!(found("ord_2", &b).await, None);
    assert_eq!(found("ord_3", &a).await, None);

    let group = stripe.transfers_in_group("ord_1").await.unwrap();
    let entry = |destination: &str, transfer: &TransferRef| GroupTransfer {
        destination: destination.to_owned(),
        transfer: transfer.clone(),
    };
    let newest_first = vec![entry(&a, &repaid), entry(&b, &to_b), entry(&a, &to_a)];
    assert_eq!(group, newest_first);
    assert_eq!(stripe.transfers_in_group("ord_3").await.unwrap(), []);
}

pub(super) async fn a_transfer_cannot_exceed_what_is_left_of_its_charge<W: StripeWorld>(
    world: Arc<W>,
) {
    let stripe = world.stripe();
    let acct = seller(&*world, "usr_a").await;
    let charge = paid(&*world, 1_000).await.charge;
    let over = transfer("ord_1", &acct, &charge, 1_001);
    assert_eq!(
        refused(stripe.create_transfer(&over, "k1").await),
        "amount_too_large"
    );
    let first = transfer("ord_1", &acct, &charge, 600);
    let first = stripe.create_transfer(&first, "k2").await.unwrap();
    let rest = transfer("ord_1", &acct, &charge, 401);
    assert_eq!(
        refused(stripe.create_transfer(&rest, "k3").await),
        "amount_too_large",
        "600 + 401 > 1000"
    );
    // A reversal gives the charge room again.
    stripe.create_reversal(&first.id, 200, "r1").await.unwrap();
    let after = transfer("ord_1", &acct, &charge, 600);
    assert_eq!(
        stripe.create_transfer(&after, "k4").await.unwrap().amount,
        600,
        "400 + 600 = 1000"
    );
}

pub(super) async fn a_destination_that_cannot_receive_is_refused_and_the_refusal_kept<
    W: StripeWorld,
>(
    world: Arc<W>,
) {
    let stripe = world.stripe();
    let acct = seller(&*world, "usr_a").await;
    let charge = paid(&*world, 1_000).await.charge;
    world.set_transfers_active(&acct, false).await;
    let request = transfer("ord_1", &acct, &charge, 100);
    let code = refused(stripe.create_transfer(&request, "k1").await);
    assert_eq!(code, "insufficient_capabilities_for_transfer");
    // Stripe answers the refusal to that key again, even once the account can receive: the flows
    // move to a new key round after a refusal.
    world.set_transfers_active(&acct, true).await;
    let again = refused(stripe.create_transfer(&request, "k1").await);
    assert_eq!(again, "insufficient_capabilities_for_transfer");
    let next_round = stripe.create_transfer(&request, "k1:r1").await.unwrap();
    assert_eq!(next_round.amount, 100);
    assert_eq!(stripe.transfers_in_group("ord_1").await.unwrap().len(), 1);
}

pub(super) async fn unknown_objects_and_another_currency_are_refused<W: StripeWorld>(
    world: Arc<W>,
) {
    let stripe = world.stripe();
    let acct = seller(&*world, "usr_a").await;
    let charge = paid(&*world, 1_000).await.charge;
    let to_nobody = transfer("ord_1", "acct_nope", &charge, 100);
    let code = refused(stripe.create_transfer(&to_nobody, "k1").await);
    assert_eq!(code, "resource_missing");
    let from_nothing = transfer("ord_1", &acct, "ch_nope", 100);
    let code = refused(stripe.create_transfer(&from_nothing, "k2").await);
    assert_eq!(code, "resource_missing");
    let mut in_euros = transfer("ord_1", &acct, &charge, 100);
    in_euros.amount = Money::new(100, Currency::parse("eur").expect("supported"));
    let code = refused(stripe.create_transfer(&in_euros, "k3").await);
    assert_eq!(code, "invalid_request_error", "the charge settled in usd");
    assert_eq!(stripe.transfers_in_group("ord_1").await.unwrap(), []);
    let unknown = stripe.retrieve_transfer("tr_nope").await;
    assert!(matches!(unknown, Err(StripeError::NotFound)), "{unknown:?}");
}
