//! The contract of [`Ledger`](crate::ports::Ledger), continued: shares, their two listings
//! (a seller's unsettled shares, the open shares by state) and their compare-and-set.

use super::ledger::{Book, next, payment, refused_versions, share};
use super::{race, the_one_winner, winners};
use crate::{LedgerShare, ShareState};

pub(super) async fn shares_are_created_once_and_listed_per_order(ledger: Book) {
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
    let again = next(a.clone(), ShareState::Held);
    assert!(
        !ledger.insert_share(&again).await.unwrap(),
        "not overwritten"
    );
    let elsewhere = share("o2", "alice", ShareState::Pending);
    assert!(ledger.insert_share(&elsewhere).await.unwrap());

    assert_eq!(ledger.share("o1", "alice").await.unwrap(), Some(a.clone()));
    assert_eq!(ledger.share("o1", "carol").await.unwrap(), None);
    let mut of_order = ledger.shares_of_order("o1").await.unwrap();
    of_order.sort_by(|x, y| x.seller.cmp(&y.seller));
    assert_eq!(of_order, vec![a, b], "the payment record is not a share");
    assert!(ledger.shares_of_order("o9").await.unwrap().is_empty());
}

pub(super) async fn replace_share_is_compare_and_set(ledger: Book) {
    let v1 = share("o1", "sam", ShareState::Held);
    assert!(ledger.insert_share(&v1).await.unwrap());
    let v2 = next(v1, ShareState::Pending);
    assert!(ledger.replace_share(&v2).await.unwrap());
    let missing = next(share("o1", "tom", ShareState::Held), ShareState::Pending);
    let with_version = |s: &LedgerShare, version| LedgerShare {
        version,
        ..s.clone()
    };
    for (refused, s) in refused_versions((&v2, v2.version), with_version) {
        assert!(!ledger.replace_share(&s).await.unwrap(), "{refused}");
    }
    assert!(!ledger.replace_share(&missing).await.unwrap(), "not stored");
    assert_eq!(ledger.share("o1", "tom").await.unwrap(), None);
    assert_eq!(ledger.share("o1", "sam").await.unwrap(), Some(v2.clone()));
    let v3 = next(v2, ShareState::Transferred);
    assert!(ledger.replace_share(&v3).await.unwrap());
    assert_eq!(ledger.share("o1", "sam").await.unwrap(), Some(v3));
}

pub(super) async fn unsettled_shares_follow_every_state_change(ledger: Book) {
    let held1 = share("o1", "sam", ShareState::Held);
    let pending = share("o2", "sam", ShareState::Pending);
    let held3 = share("o3", "sam", ShareState::Held);
    let other = share("o1", "tom", ShareState::Held);
    for s in [&held1, &pending, &held3, &other] {
        assert!(ledger.insert_share(s).await.unwrap());
    }
    let unsettled = async |seller: &str| -> Vec<String> {
        let shares = ledger.unsettled_shares_of_seller(seller).await.unwrap();
        let mut orders: Vec<String> = shares.into_iter().map(|s| s.order_id).collect();
        orders.sort();
        orders
    };
    assert_eq!(unsettled("sam").await, ["o1", "o2", "o3"]);
    assert_eq!(unsettled("tom").await, ["o1"]);
    assert!(unsettled("nobody").await.is_empty());

    // Released, voided, stale: the listing moves with the record, or not at all.
    let released = LedgerShare {
        transfer_id: Some("tr_1".into()),
        transferred: 4_500,
        ..next(held1.clone(), ShareState::Transferred)
    };
    assert!(ledger.replace_share(&released).await.unwrap());
    assert_eq!(unsettled("sam").await, ["o2", "o3"]);
    let stale = next(held1, ShareState::Void);
    assert!(
        !ledger.replace_share(&stale).await.unwrap(),
        "stale version"
    );
    assert_eq!(ledger.share("o1", "sam").await.unwrap(), Some(released));
    assert!(
        ledger
            .replace_share(&next(held3, ShareState::Void))
            .await
            .unwrap()
    );
    assert_eq!(unsettled("sam").await, ["o2"]);
    // Pending -> held (a refused transfer) stays; transferred leaves.
    let held2 = next(pending, ShareState::Held);
    assert!(ledger.replace_share(&held2).await.unwrap());
    assert_eq!(unsettled("sam").await, ["o2"]);
    let paid = next(held2, ShareState::Transferred);
    assert!(ledger.replace_share(&paid).await.unwrap());
    assert!(unsettled("sam").await.is_empty());
}

pub(super) async fn open_shares_are_exactly_the_open_ones_oldest_first(ledger: Book) {
    let at = |mut s: LedgerShare, t: i64| {
        s.updated_at = t;
        s
    };
    // Many orders (on DynamoDB, every shard of the `open` index holds some).
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

    let open_in = async |state, before, limit| -> Vec<String> {
        let shares = ledger.open_shares(state, before, limit).await.unwrap();
        shares.into_iter().map(|s| s.order_id).collect()
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
    assert!(open_in(Pending, i64::MAX, 0).await.is_empty());
    assert_eq!(open_in(Held, i64::MAX, 100).await.len(), 6);

    // Finishing a share takes it out; a new write moves it to the end.
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

pub(super) async fn concurrent_replacements_of_one_version_have_one_winner(ledger: Book) {
    let base = share("o1", "sam", ShareState::Held);
    assert!(ledger.insert_share(&base).await.unwrap());
    // Half of the racers write the very same record (ten deliveries of one event compute the
    // same transition): still exactly one `true`, since callers act on it.
    let candidate = |i: usize| LedgerShare {
        transfer_attempts: if i.is_multiple_of(2) { 0 } else { i as u32 },
        ..next(base.clone(), ShareState::Transferred)
    };
    let winner = the_one_winner(candidate, |s| {
        let ledger = ledger.clone();
        async move { ledger.replace_share(&s).await.unwrap() }
    })
    .await;
    assert_eq!(ledger.share("o1", "sam").await.unwrap(), Some(winner));
}

pub(super) async fn concurrent_identical_inserts_have_one_winner(ledger: Book) {
    let won = race(10, |_| {
        let ledger = ledger.clone();
        async move {
            let (share, payment) = (
                share("o1", "sam", ShareState::Held),
                payment("o1", Some("ch_1")),
            );
            let shared = ledger.insert_share(&share).await.unwrap();
            (shared, ledger.insert_payment(&payment).await.unwrap())
        }
    })
    .await;
    let (shares, payments): (Vec<bool>, Vec<bool>) = won.into_iter().unzip();
    assert_eq!(winners(&shares), 1, "{shares:?}");
    assert_eq!(winners(&payments), 1, "{payments:?}");
}

pub(super) async fn seller_history_pages_newest_first_and_only_the_sellers(ledger: Book) {
    // Created at 100, 300, 200 and 300 again (same second: the larger order id is newer).
    let at = |order: &str, created_at| LedgerShare {
        created_at,
        ..share(order, "sam", ShareState::Held)
    };
    let shares = [at("o1", 100), at("o2", 300), at("o3", 200), at("o4", 300)];
    for s in &shares {
        assert!(ledger.insert_share(s).await.unwrap());
    }
    assert!(
        ledger
            .insert_share(&share("o2", "tom", ShareState::Held))
            .await
            .unwrap()
    );
    // Moves in state do not move a share in the history.
    let moved = next(shares[0].clone(), ShareState::Pending);
    assert!(ledger.replace_share(&moved).await.unwrap());

    let orders = |page: &[LedgerShare]| page.iter().map(|s| s.order_id.clone()).collect::<Vec<_>>();
    let first = ledger.seller_history("sam", None, 3).await.unwrap();
    assert_eq!(orders(&first), ["o4", "o2", "o3"]);
    assert!(first.iter().all(|s| s.seller == "sam"));
    let second = ledger.seller_history("sam", first.last(), 3).await.unwrap();
    assert_eq!(second, vec![moved], "the share as stored now");
    let end = ledger
        .seller_history("sam", second.last(), 3)
        .await
        .unwrap();
    assert!(end.is_empty());
    assert!(
        ledger
            .seller_history("nobody", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}
