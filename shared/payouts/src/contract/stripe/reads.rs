//! Reads the flows make before they move money: a charge's settlement, a payment re-read, and
//! the platform's events listed to catch up on missed deliveries.

use std::sync::Arc;

use super::{StripeWorld, ids, paid, refused, seller, transfer};
use crate::ports::{EventFacts, StripeError};
use crate::{Currency, Money};

const PAID: &str = "payment_intent.succeeded";

pub(super) async fn a_charges_settlement_is_its_balance_transaction<W: StripeWorld>(world: Arc<W>) {
    let stripe = world.stripe();
    let own = paid(&*world, 10_000).await.charge;
    let settled = stripe.charge_settlement(&own).await.unwrap();
    assert_eq!((settled.currency.as_str(), settled.amount), ("usd", 10_000));

    world.settle_in("eur", "usd", 0.9173).await;
    let converted = paid(&*world, 10_000).await.charge;
    let settled = stripe.charge_settlement(&converted).await.unwrap();
    assert_eq!((settled.currency.as_str(), settled.amount), ("eur", 9_173));
    // Its transfers are in the settlement currency, within the settled amount.
    let acct = seller(&*world, "usr_a").await;
    let in_dollars = transfer("ord_fx", &acct, &converted, 100);
    let code = refused(stripe.create_transfer(&in_dollars, "k-usd").await);
    assert_eq!(code, "invalid_request_error");
    let mut in_euros = transfer("ord_fx", &acct, &converted, 9_173);
    in_euros.amount = Money::new(9_173, Currency::parse("eur").expect("supported"));
    assert_eq!(
        stripe
            .create_transfer(&in_euros, "k-eur")
            .await
            .unwrap()
            .amount,
        9_173
    );

    let missing = stripe.charge_settlement("ch_missing").await;
    assert!(matches!(missing, Err(StripeError::NotFound)), "{missing:?}");
}

pub(super) async fn a_payment_is_read_back_with_its_facts<W: StripeWorld>(world: Arc<W>) {
    let metadata = [
        ("veza_order_id", "ord_7"),
        ("veza_shares", "usr_a:6000,usr_b:4000"),
    ];
    let payment = world.pay("usd", 12_345, &metadata).await;
    let facts = world
        .stripe()
        .retrieve_payment(&payment.payment_intent)
        .await;
    let facts = facts.unwrap();
    assert_eq!(facts.payment_intent_id, payment.payment_intent);
    assert_eq!(facts.charge_id, Some(payment.charge));
    assert_eq!(
        (facts.amount_received, facts.currency.as_str()),
        (12_345, "usd")
    );
    let metadata = metadata.map(|(k, v)| (k.to_owned(), v.to_owned()));
    assert_eq!(facts.metadata, metadata.into_iter().collect());
    let missing = world.stripe().retrieve_payment("pi_nope").await;
    assert!(matches!(missing, Err(StripeError::NotFound)), "{missing:?}");
}

pub(super) async fn events_are_listed_newest_first_by_type_and_time_in_pages<W: StripeWorld>(
    world: Arc<W>,
) {
    let stripe = world.stripe();
    let before = paid(&*world, 1_000).await;
    // A seller's onboarding is a connected account's event, not the platform's.
    seller(&*world, "usr_a").await;
    world.advance_clock(100).await;
    let since = world.now().await;
    let mut made = Vec::new();
    for amount in [1_001, 1_002, 1_003, 1_004, 1_005] {
        made.push(paid(&*world, amount).await);
    }
    let newest_first: Vec<&str> = made.iter().rev().map(|p| p.event.as_str()).collect();

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = stripe.list_events(&[PAID], since, cursor.as_deref(), 2);
        let page = page.await.unwrap();
        assert!(page.events.len() <= 2);
        seen.extend(page.events.iter().map(|e| e.id.clone()));
        cursor = page.events.last().map(|e| e.id.clone());
        if !page.has_more {
            break;
        }
    }
    assert_eq!(
        seen, newest_first,
        "each once, newest first, none before `since`"
    );

    let all = stripe.list_events(&[], 0, None, 100).await.unwrap();
    assert!(!all.has_more);
    let mut expected = newest_first.clone();
    expected.push(&before.event);
    assert_eq!(ids(&all.events), expected, "the platform's events only");
    let newest = &all.events[0];
    assert_eq!(
        (newest.kind.as_str(), newest.account.as_deref()),
        (PAID, None)
    );
    assert!((since..=world.now().await).contains(&newest.created));
    let EventFacts::Payment(facts) = &newest.facts else {
        panic!("not a payment: {newest:?}");
    };
    assert_eq!(facts.payment_intent_id, made[4].payment_intent);
    assert_eq!(facts.amount_received, 1_005);
    let other_types = stripe.list_events(&["charge.refunded"], 0, None, 10);
    assert_eq!(other_types.await.unwrap().events, []);
}

pub(super) async fn bad_event_lists_are_refused<W: StripeWorld>(world: Arc<W>) {
    let stripe = world.stripe();
    paid(&*world, 1_000).await;
    let zero = stripe.list_events(&[PAID], 0, None, 0).await;
    assert_eq!(refused(zero), "parameter_invalid_integer");
    let over = stripe.list_events(&[PAID], 0, None, 101).await;
    assert_eq!(refused(over), "parameter_invalid_integer");
    let names: Vec<String> = (0..21).map(|i| format!("t.{i}")).collect();
    let many: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(
        refused(stripe.list_events(&many, 0, None, 10).await),
        "parameter_invalid"
    );
    let unknown = stripe.list_events(&[], 0, Some("evt_gone"), 10).await;
    assert_eq!(refused(unknown), "resource_missing");
}
