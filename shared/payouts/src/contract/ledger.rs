//! The contract of [`Ledger`], payment records here and shares in `ledger_shares`: creation
//! once, the charge index and its guard, compare-and-set on `version` (also under races).

use std::sync::Arc;

use super::ledger_shares::{
    concurrent_identical_inserts_have_one_winner,
    concurrent_replacements_of_one_version_have_one_winner,
    open_shares_are_exactly_the_open_ones_oldest_first, replace_share_is_compare_and_set,
    seller_history_pages_newest_first_and_only_the_sellers,
    shares_are_created_once_and_listed_per_order, unsettled_shares_follow_every_state_change,
};
use super::{assert_conflict, cases, the_one_winner};
use crate::plan::{PayoutPlan, Share};
use crate::ports::Ledger;
use crate::{Currency, LedgerShare, PaymentRecord, PaymentStatus, ShareDecision, ShareState};

pub(super) type Book = Arc<dyn Ledger>;

/// Every rule of [`Ledger`], each case on a store made by `fresh`.
pub async fn ledger_contract<L: Ledger + 'static>(fresh: impl AsyncFn() -> L) {
    cases!("ledger", fresh, dyn Ledger;
        payment_is_created_once_with_its_charge_index,
        a_charge_belongs_to_one_order,
        replace_payment_is_compare_and_set,
        racing_payment_replacements_have_one_winner,
        shares_are_created_once_and_listed_per_order,
        replace_share_is_compare_and_set,
        unsettled_shares_follow_every_state_change,
        open_shares_are_exactly_the_open_ones_oldest_first,
        seller_history_pages_newest_first_and_only_the_sellers,
        concurrent_replacements_of_one_version_have_one_winner,
        concurrent_identical_inserts_have_one_winner,
    );
}

/// An order of 100.00 usd with one seller's share of 50.00 (fee 5.00).
fn plan(order: &str, seller: &str) -> PayoutPlan {
    let share = Share {
        seller: seller.into(),
        gross: 5_000,
        fee: 500,
        net: 4_500,
    };
    PayoutPlan {
        order_id: order.into(),
        payment_intent_id: format!("pi_{order}"),
        charge_id: format!("ch_{order}"),
        currency: Currency::parse("usd").unwrap(),
        amount_received: 10_000,
        shares: vec![share],
    }
}

/// The accepted payment of `order` (version 1), with `charge`.
pub(super) fn payment(order: &str, charge: Option<&str>) -> PaymentRecord {
    PaymentRecord {
        charge_id: charge.map(Into::into),
        ..PaymentRecord::accepted(&plan(order, "sam"), 100)
    }
}

/// `seller`'s share of `order` (version 1), in `state`.
pub(super) fn share(order: &str, seller: &str, state: ShareState) -> LedgerShare {
    let plan = plan(order, seller);
    let held = ShareDecision::Hold {
        reason: "no_account",
    };
    LedgerShare {
        state,
        ..LedgerShare::new_from_plan(&plan, &plan.shares[0], &held, 100)
    }
}

/// The next version of `s`, in `state`, written a second later.
pub(super) fn next(mut s: LedgerShare, state: ShareState) -> LedgerShare {
    s.state = state;
    s.version += 1;
    s.updated_at += 1;
    s
}

async fn payment_is_created_once_with_its_charge_index(ledger: Book) {
    let p = payment("o1", Some("ch_1"));
    assert!(ledger.insert_payment(&p).await.unwrap());
    let changed = PaymentRecord {
        amount_received: 1,
        ..p.clone()
    };
    assert!(
        !ledger.insert_payment(&changed).await.unwrap(),
        "a second insert must not overwrite"
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
        shares: vec![],
        ..payment("o3", None)
    };
    assert!(ledger.insert_payment(&rejected).await.unwrap());
    assert_eq!(ledger.payment("o3").await.unwrap(), Some(rejected));
}

async fn a_charge_belongs_to_one_order(ledger: Book) {
    let o1 = payment("o1", Some("ch_x"));
    assert!(ledger.insert_payment(&o1).await.unwrap());
    let err = ledger.insert_payment(&payment("o2", Some("ch_x"))).await;
    assert_conflict(err, "charge");
    assert_eq!(ledger.payment("o2").await.unwrap(), None, "nothing written");

    // A replacement may not take the charge either.
    let o2 = payment("o2", None);
    assert!(ledger.insert_payment(&o2).await.unwrap());
    let taking = PaymentRecord {
        charge_id: Some("ch_x".into()),
        version: 2,
        ..o2.clone()
    };
    let err = ledger.replace_payment(&taking).await;
    assert_conflict(err, "charge");
    assert_eq!(ledger.payment("o2").await.unwrap(), Some(o2.clone()));
    assert_eq!(
        ledger.payment_by_charge("ch_x").await.unwrap(),
        Some(o1.clone())
    );

    // The charge's own order may write it again.
    let o1_v2 = PaymentRecord {
        refunded_applied: 10,
        version: 2,
        ..o1.clone()
    };
    assert!(ledger.replace_payment(&o1_v2).await.unwrap());
    assert_eq!(ledger.payment_by_charge("ch_x").await.unwrap(), Some(o1_v2));

    // A record that fails its own condition is `false`, even with another order's charge.
    let o3 = payment("o3", Some("ch_3"));
    assert!(ledger.insert_payment(&o3).await.unwrap());
    assert!(
        !ledger
            .insert_payment(&payment("o1", Some("ch_3")))
            .await
            .unwrap()
    );
    let stale = PaymentRecord {
        charge_id: Some("ch_3".into()),
        ..o2
    };
    assert!(!ledger.replace_payment(&stale).await.unwrap());
    assert_eq!(ledger.payment_by_charge("ch_3").await.unwrap(), Some(o3));
}

async fn replace_payment_is_compare_and_set(ledger: Book) {
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

    let missing = PaymentRecord {
        version: 2,
        ..payment("nope", None)
    };
    let with_version = |p: &PaymentRecord, version| PaymentRecord {
        version,
        ..p.clone()
    };
    for (refused, p) in refused_versions((&v2, v2.version), with_version) {
        assert!(!ledger.replace_payment(&p).await.unwrap(), "{refused}");
    }
    assert!(
        !ledger.replace_payment(&missing).await.unwrap(),
        "not stored"
    );
    assert_eq!(ledger.payment("o1").await.unwrap(), Some(v2.clone()));
    assert_eq!(ledger.payment("nope").await.unwrap(), None);

    let v3 = PaymentRecord {
        refunded_applied: 2_500,
        version: 3,
        ..v2
    };
    assert!(ledger.replace_payment(&v3).await.unwrap());
    assert_eq!(ledger.payment("o1").await.unwrap(), Some(v3));
}

/// What a compare-and-set on `version` refuses, whatever the record, when `stored` is stored
/// at `version`: that version again (taken), a version that skips one, and version 0 (nothing
/// precedes it); each named.
pub(super) fn refused_versions<R>(
    (stored, version): (&R, u64),
    with_version: impl Fn(&R, u64) -> R,
) -> [(&'static str, R); 3] {
    [
        ("a taken version", with_version(stored, version)),
        ("a skipping version", with_version(stored, version + 2)),
        ("version 0", with_version(stored, 0)),
    ]
}

/// Ten deliveries replace the same version of a payment record (with its charge index): one
/// wins, and its record is the one stored.
async fn racing_payment_replacements_have_one_winner(ledger: Book) {
    let v1 = payment("o1", Some("ch_1"));
    assert!(ledger.insert_payment(&v1).await.unwrap());
    let candidate = |i: usize| PaymentRecord {
        refunded_applied: i as i64,
        version: 2,
        ..v1.clone()
    };
    let winner = the_one_winner(candidate, |p| {
        let ledger = ledger.clone();
        async move { ledger.replace_payment(&p).await.unwrap() }
    })
    .await;
    assert_eq!(ledger.payment("o1").await.unwrap(), Some(winner.clone()));
    assert_eq!(
        ledger.payment_by_charge("ch_1").await.unwrap(),
        Some(winner)
    );
}
