//! Connected accounts: created once per key, readable through onboarding, linked, and their
//! balances.

use std::sync::Arc;

use super::{StripeWorld, paid, refused, seller, transfer, usd};
use crate::Money;
use crate::ports::{NewExpressAccount, StripeError};

fn new_account(user: &str, email: Option<&str>) -> NewExpressAccount {
    NewExpressAccount {
        user_id: user.to_owned(),
        email: email.map(str::to_owned),
        country: Some("FR".into()),
    }
}

pub(super) async fn accounts_are_created_once_per_key<W: StripeWorld>(world: Arc<W>) {
    let stripe = world.stripe();
    let alice = new_account("usr_a", Some("a@example.com"));
    let first = stripe.create_express_account(&alice, "k-a").await.unwrap();
    let again = stripe.create_express_account(&alice, "k-a").await.unwrap();
    assert_eq!(
        again, first,
        "the same key and parameters: the same account"
    );
    let other = stripe.create_express_account(&alice, "k-a2").await.unwrap();
    assert_ne!(other, first, "another key: another account");
    let changed = new_account("usr_a", Some("changed@example.com"));
    let reused = stripe.create_express_account(&changed, "k-a").await;
    assert_eq!(refused(reused), "idempotency_error");
}

pub(super) async fn a_fresh_account_cannot_receive_transfers_until_onboarded<W: StripeWorld>(
    world: Arc<W>,
) {
    let stripe = world.stripe();
    let id = stripe
        .create_express_account(&new_account("usr_a", None), "k-a")
        .await
        .unwrap();
    let fresh = stripe.retrieve_account(&id).await.unwrap();
    assert!(!fresh.details_submitted && !fresh.payouts_enabled && !fresh.can_receive_transfers());
    assert!(!fresh.requirements_due.is_empty());
    let sorted = fresh.requirements_due.windows(2).all(|w| w[0] < w[1]);
    assert!(sorted, "sorted and unique: {:?}", fresh.requirements_due);
    // Linked to onboarding at once; the dashboard only once onboarding is done.
    let now = world.now().await;
    let link = stripe
        .create_account_link(&id, "https://veza.test/refresh", "https://veza.test/return")
        .await
        .unwrap();
    assert!(link.url.starts_with("http"), "{link:?}");
    assert!(
        (now + 1..=now + 3600).contains(&link.expires_at),
        "{link:?}"
    );
    let early = stripe.create_login_link(&id).await;
    assert_eq!(refused(early), "invalid_request_error");

    world.complete_onboarding(&id).await;
    let done = stripe.retrieve_account(&id).await.unwrap();
    assert!(done.details_submitted && done.charges_enabled && done.can_receive_transfers());
    assert!(done.requirements_due.is_empty() && done.disabled_reason.is_none());
    assert!(
        stripe
            .create_login_link(&id)
            .await
            .unwrap()
            .starts_with("http")
    );
    world.set_transfers_active(&id, false).await;
    let off = stripe.retrieve_account(&id).await.unwrap();
    assert!(off.payouts_enabled && !off.transfers_active && !off.can_receive_transfers());

    // Nothing in the balance yet; a transfer shows in its currency, pending until its charge is
    // available.
    let empty = stripe.retrieve_balance(&id).await.unwrap();
    let amounts = empty.available.iter().chain(&empty.pending);
    assert!(amounts.map(|m| m.amount).all(|a| a == 0), "{empty:?}");
    let receiving = seller(&*world, "usr_b").await;
    let charge = paid(&*world, 10_000).await.charge;
    let request = transfer("ord_1", &receiving, &charge, 5_400);
    stripe.create_transfer(&request, "k-t").await.unwrap();
    let balance = stripe.retrieve_balance(&receiving).await.unwrap();
    assert_eq!(balance.pending, vec![Money::new(5_400, usd())]);
    assert_eq!(balance.available, vec![Money::new(0, usd())]);
    world.make_available(&charge).await;
    let balance = stripe.retrieve_balance(&receiving).await.unwrap();
    assert_eq!(balance.available, vec![Money::new(5_400, usd())]);
    assert_eq!(balance.pending, vec![Money::new(0, usd())]);
}

pub(super) async fn unknown_accounts_are_not_found<W: StripeWorld>(world: Arc<W>) {
    let stripe = world.stripe();
    let missing = |r: Result<_, StripeError>| matches!(r, Err(StripeError::NotFound));
    assert!(missing(
        stripe.retrieve_account("acct_nope").await.map(drop)
    ));
    let link = stripe.create_account_link("acct_nope", "https://a.test/r", "https://a.test/b");
    assert!(missing(link.await.map(drop)));
    assert!(missing(
        stripe.create_login_link("acct_nope").await.map(drop)
    ));
}
