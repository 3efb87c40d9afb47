//! The payout ledger against a real moto server: creation, charge index, CAS, the held index.

use std::sync::Arc;

use payouts::ports::{Ledger, StoreError};
use payouts::{Currency, LedgerShare, PaymentRecord, PaymentStatus, ShareState};
use store::DynamoLedger;
use tokio::task::JoinSet;

async fn ledger() -> DynamoLedger {
    let db = harness::dynamo().await;
    let t = db.tables().await;
    DynamoLedger::new(db.client.clone(), &t.payout_ledger)
}

fn payment(order: &str, charge: Option<&str>) -> PaymentRecord {
    PaymentRecord {
        order_id: order.into(),
        payment_intent_id: format!("pi_{order}"),
        charge_id: charge.map(Into::into),
        currency: "usd".into(),
        amount_received: 10_000,
        status: PaymentStatus::Accepted,
        shares: vec![],
        refunded_applied: 0,
        created_at: 100,
        updated_at: 100,
        version: 1,
    }
}

fn share(order: &str, seller: &str, state: ShareState) -> LedgerShare {
    LedgerShare {
        order_id: order.into(),
        seller: seller.into(),
        currency: Currency::parse("usd").unwrap(),
        charge_id: Some(format!("ch_{order}")),
        gross: 5_000,
        fee: 500,
        net: 4_500,
        state,
        destination: None,
        transfer_id: None,
        transferred: 0,
        refunded: 0,
        transfer_attempts: 0,
        key_round: 0,
        reversal_attempts: 0,
        attention: None,
        created_at: 100,
        updated_at: 100,
        version: 1,
    }
}

fn next(mut s: LedgerShare, state: ShareState) -> LedgerShare {
    s.state = state;
    s.version += 1;
    s.updated_at += 1;
    s
}

#[tokio::test]
async fn payment_is_created_once_with_its_charge_index() {
    let ledger = ledger().await;
    let p = payment("o1", Some("ch_1"));
    assert!(ledger.insert_payment(&p).await.unwrap());
    let changed = PaymentRecord {
        amount_received: 1,
        ..p.clone()
    };
    assert!(
        !ledger.insert_payment(&changed).await.unwrap(),
        "second insert must not overwrite"
    );
    assert_eq!(ledger.payment("o1").await.unwrap(), Some(p.clone()));
    assert_eq!(ledger.payment_by_charge("ch_1").await.unwrap(), Some(p));
    assert_eq!(ledger.payment("o2").await.unwrap(), None);
    assert_eq!(ledger.payment_by_charge("ch_2").await.unwrap(), None);

    let rejected = PaymentRecord {
        status: PaymentStatus::Rejected {
            reason: "unknown_currency".into(),
            detail: "unsupported currency \"xyz\"".into(),
        },
        currency: "xyz".into(),
        ..payment("o3", None)
    };
    assert!(ledger.insert_payment(&rejected).await.unwrap());
    assert_eq!(ledger.payment("o3").await.unwrap(), Some(rejected));
}

#[tokio::test]
async fn a_charge_belongs_to_one_order() {
    let ledger = ledger().await;
    assert!(
        ledger
            .insert_payment(&payment("o1", Some("ch_x")))
            .await
            .unwrap()
    );
    let err = ledger
        .insert_payment(&payment("o2", Some("ch_x")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { what: "charge" }),
        "{err:?}"
    );
    assert_eq!(
        ledger.payment("o2").await.unwrap(),
        None,
        "nothing written for o2"
    );
}

#[tokio::test]
async fn replace_payment_is_compare_and_set() {
    let ledger = ledger().await;
    let p = payment("o1", None);
    assert!(ledger.insert_payment(&p).await.unwrap());

    // The charge becomes known later: the index is written with the replacement.
    let v2 = PaymentRecord {
        charge_id: Some("ch_late".into()),
        version: 2,
        updated_at: 101,
        ..p.clone()
    };
    assert!(ledger.replace_payment(&v2).await.unwrap());
    assert_eq!(
        ledger.payment_by_charge("ch_late").await.unwrap(),
        Some(v2.clone())
    );

    // A writer that read v1 is too late.
    let stale = PaymentRecord {
        refunded_applied: 999,
        version: 2,
        ..p.clone()
    };
    assert!(!ledger.replace_payment(&stale).await.unwrap());
    assert_eq!(ledger.payment("o1").await.unwrap(), Some(v2.clone()));

    let v3 = PaymentRecord {
        refunded_applied: 2_500,
        version: 3,
        ..v2.clone()
    };
    assert!(ledger.replace_payment(&v3).await.unwrap());
    assert_eq!(ledger.payment("o1").await.unwrap(), Some(v3));

    // Version 0 has no predecessor; a missing record cannot be replaced.
    assert!(
        !ledger
            .replace_payment(&PaymentRecord {
                version: 0,
                ..p.clone()
            })
            .await
            .unwrap()
    );
    assert!(
        !ledger
            .replace_payment(&PaymentRecord {
                version: 2,
                ..payment("nope", None)
            })
            .await
            .unwrap()
    );
    assert_eq!(ledger.payment("nope").await.unwrap(), None);
}

#[tokio::test]
async fn shares_are_created_once_and_listed_per_order() {
    let ledger = ledger().await;
    assert!(
        ledger
            .insert_payment(&payment("o1", Some("ch_o1")))
            .await
            .unwrap()
    );
    let a = share("o1", "alice", ShareState::Pending);
    let b = share("o1", "bob", ShareState::Held);
    assert!(ledger.insert_share(&a).await.unwrap());
    assert!(ledger.insert_share(&b).await.unwrap());
    assert!(
        !ledger
            .insert_share(&next(a.clone(), ShareState::Held))
            .await
            .unwrap()
    );
    assert!(
        ledger
            .insert_share(&share("o2", "alice", ShareState::Pending))
            .await
            .unwrap()
    );

    assert_eq!(ledger.share("o1", "alice").await.unwrap(), Some(a.clone()));
    assert_eq!(ledger.share("o1", "carol").await.unwrap(), None);
    let mut of_order = ledger.shares_of_order("o1").await.unwrap();
    of_order.sort_by(|x, y| x.seller.cmp(&y.seller));
    assert_eq!(of_order, vec![a, b], "the payment record is not a share");
    assert!(ledger.shares_of_order("o9").await.unwrap().is_empty());
}

#[tokio::test]
async fn seller_index_finds_held_and_pending_shares_through_every_state_change() {
    let ledger = ledger().await;
    let held1 = share("o1", "sam", ShareState::Held);
    let pending = share("o2", "sam", ShareState::Pending);
    let held3 = share("o3", "sam", ShareState::Held);
    let other = share("o1", "tom", ShareState::Held);
    for s in [&held1, &pending, &held3, &other] {
        assert!(ledger.insert_share(s).await.unwrap());
    }
    let held = |seller: &'static str| {
        let ledger = ledger.clone();
        async move {
            let mut orders: Vec<String> = ledger
                .unsettled_shares_of_seller(seller)
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.order_id)
                .collect();
            orders.sort();
            orders
        }
    };
    assert_eq!(held("sam").await, ["o1", "o2", "o3"]);
    assert_eq!(held("tom").await, ["o1"]);
    assert!(held("nobody").await.is_empty());

    // Released, voided, stale: the index moves with the record, or not at all.
    let released = LedgerShare {
        transfer_id: Some("tr_1".into()),
        transferred: 4_500,
        ..next(held1.clone(), ShareState::Transferred)
    };
    assert!(ledger.replace_share(&released).await.unwrap());
    assert_eq!(held("sam").await, ["o2", "o3"]);
    assert!(
        !ledger
            .replace_share(&next(held1, ShareState::Void))
            .await
            .unwrap(),
        "stale version"
    );
    assert_eq!(ledger.share("o1", "sam").await.unwrap(), Some(released));
    assert!(
        ledger
            .replace_share(&next(held3, ShareState::Void))
            .await
            .unwrap()
    );
    assert_eq!(held("sam").await, ["o2"]);
    // Pending -> held (a refused transfer) stays; transferred leaves.
    let held2 = next(pending, ShareState::Held);
    assert!(ledger.replace_share(&held2).await.unwrap());
    assert_eq!(held("sam").await, ["o2"]);
    assert!(
        ledger
            .replace_share(&next(held2, ShareState::Transferred))
            .await
            .unwrap()
    );
    assert!(held("sam").await.is_empty());
}

#[tokio::test]
async fn open_index_holds_exactly_the_open_shares_oldest_first() {
    let ledger = ledger().await;
    let at = |mut s: LedgerShare, t: i64| {
        s.updated_at = t;
        s
    };
    // Many orders, so that every shard of the index holds some.
    let mut open = vec![];
    for i in 0..12_i64 {
        let state = [ShareState::Pending, ShareState::Held][i as usize % 2];
        let s = at(share(&format!("o{i}"), "sam", state), 1_000 + i);
        assert!(ledger.insert_share(&s).await.unwrap());
        open.push(s);
    }
    let finished = at(share("o99", "sam", ShareState::Transferred), 10);
    assert!(ledger.insert_share(&finished).await.unwrap());
    let flagged = LedgerShare {
        attention: Some("reversal_refused:balance_insufficient".into()),
        ..at(share("o98", "tom", ShareState::Transferred), 20)
    };
    assert!(ledger.insert_share(&flagged).await.unwrap());

    let orders = |shares: Vec<LedgerShare>| -> Vec<String> {
        shares.into_iter().map(|s| s.order_id).collect()
    };
    let open_in = |state, before, limit| {
        let ledger = ledger.clone();
        async move { orders(ledger.open_shares(state, before, limit).await.unwrap()) }
    };
    use ShareState::{Held, Pending, Transferred, Void};
    assert_eq!(
        open_in(Pending, 1_005, 100).await,
        ["o0", "o2", "o4"],
        "only open shares in the state, only those last written before the bound, oldest first"
    );
    assert_eq!(open_in(Held, 1_005, 100).await, ["o1", "o3"]);
    assert_eq!(open_in(Transferred, i64::MAX, 100).await, ["o98"]);
    assert!(open_in(Void, i64::MAX, 100).await.is_empty());
    assert_eq!(open_in(Pending, i64::MAX, 2).await, ["o0", "o2"]);
    assert_eq!(open_in(Held, i64::MAX, 100).await.len(), 6);

    // Finishing a share takes it out of the index; a new write moves it to the end.
    let done = LedgerShare {
        transfer_id: Some("tr_0".into()),
        transferred: 4_500,
        ..next(open[0].clone(), ShareState::Transferred)
    };
    assert!(ledger.replace_share(&done).await.unwrap());
    let moved = at(next(open[1].clone(), ShareState::Held), 5_000);
    assert!(ledger.replace_share(&moved).await.unwrap());
    assert_eq!(
        open_in(Pending, i64::MAX, 100).await.len(),
        5,
        "o0 is final"
    );
    let held = open_in(Held, i64::MAX, 100).await;
    assert_eq!(held.len(), 6);
    assert_eq!(
        held.last().map(String::as_str),
        Some("o1"),
        "rewritten last"
    );
    assert_eq!(open_in(Transferred, i64::MAX, 100).await, ["o98"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_replacements_of_one_version_have_one_winner() {
    let ledger = Arc::new(ledger().await);
    let base = share("o1", "sam", ShareState::Held);
    assert!(ledger.insert_share(&base).await.unwrap());
    let mut set = JoinSet::new();
    for i in 0..10 {
        let ledger = ledger.clone();
        // Half of the racers write the very same record (ten deliveries of one event compute
        // the same transition): still exactly one `true`, since callers act on it.
        let candidate = LedgerShare {
            transfer_attempts: if i % 2 == 0 { 0 } else { i },
            ..next(base.clone(), ShareState::Transferred)
        };
        set.spawn(async move { (ledger.replace_share(&candidate).await.unwrap(), candidate) });
    }
    let mut winners = vec![];
    while let Some(joined) = set.join_next().await {
        let (won, candidate) = joined.unwrap();
        if won {
            winners.push(candidate);
        }
    }
    assert_eq!(winners.len(), 1);
    assert_eq!(
        ledger.share("o1", "sam").await.unwrap(),
        Some(winners.remove(0))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_identical_inserts_have_one_winner() {
    let ledger = Arc::new(ledger().await);
    let mut set = JoinSet::new();
    for _ in 0..10 {
        let ledger = ledger.clone();
        set.spawn(async move {
            let shared = ledger
                .insert_share(&share("o1", "sam", ShareState::Held))
                .await
                .unwrap();
            let paid = ledger
                .insert_payment(&payment("o1", Some("ch_1")))
                .await
                .unwrap();
            (shared, paid)
        });
    }
    let results = set.join_all().await;
    assert_eq!(results.iter().filter(|(s, _)| *s).count(), 1);
    assert_eq!(results.iter().filter(|(_, p)| *p).count(), 1);
}
