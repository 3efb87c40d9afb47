use super::*;
use crate::claims::DisputeStage;
use crate::ledger::ShareDecision;
use crate::money::Currency;
use crate::plan::{PayoutPlan, Share};

const T0: i64 = 1_700_000_000;

/// One order of 10 000 in `currency`: usr_a's share of 3000 (net 2625).
fn plan(currency: &str) -> PayoutPlan {
    PayoutPlan {
        order_id: "ord_1".into(),
        payment_intent_id: "pi_1".into(),
        charge_id: "ch_1".into(),
        currency: Currency::parse(currency).unwrap(),
        amount_received: 10_000,
        shares: vec![Share {
            seller: "usr_a".into(),
            gross: 3000,
            fee: 375,
            net: 2625,
        }],
    }
}

fn new_share(decision: ShareDecision) -> LedgerShare {
    let plan = plan("eur");
    LedgerShare::new_from_plan(&plan, &plan.shares[0], &decision, T0)
}

fn pending() -> LedgerShare {
    new_share(ShareDecision::Transfer {
        destination: "acct_a".into(),
    })
}

fn held() -> LedgerShare {
    new_share(ShareDecision::Hold {
        reason: "onboarding",
    })
}

fn kinds(share: &LedgerShare) -> Vec<(ShareEventKind, i64)> {
    share.history.iter().map(|e| (e.kind, e.amount)).collect()
}

/// `step` applied to `share` at `at`, chronicled as every write is.
fn write(
    share: &LedgerShare,
    at: i64,
    step: impl Fn(&LedgerShare, i64) -> LedgerShare,
) -> LedgerShare {
    step(share, at).chronicled(share)
}

fn paid() -> LedgerShare {
    write(&pending(), T0 + 1, |s, now| {
        s.mark_transferred("tr_1", 2625, "acct_a", now).unwrap()
    })
}

#[test]
fn a_share_is_paid_reversed_repaid_and_disputed_in_its_history() {
    assert!(pending().history.is_empty(), "nothing moved yet");
    let share = paid();
    assert_eq!(kinds(&share), [(ShareEventKind::Paid, 2625)]);
    assert_eq!(PayoutItem::of(&share).state, PayoutState::Paid);

    let refunded = write(&share, T0 + 2, |s, now| {
        s.record_reversal(525, now).unwrap()
    });
    assert_eq!(
        refunded.history[1],
        ShareEvent {
            at: T0 + 2,
            kind: ShareEventKind::Reversed,
            amount: 525
        }
    );
    let item = PayoutItem::of(&refunded);
    assert_eq!(
        (item.state, item.transferred, item.reversed),
        (PayoutState::PartiallyReversed, 2625, 525)
    );

    let repaid = write(&refunded, T0 + 3, |s, now| {
        s.record_repay("tr_2", 525, now).unwrap()
    });
    assert_eq!(repaid.history[2].kind, ShareEventKind::Repaid);
    let item = PayoutItem::of(&repaid);
    assert_eq!(
        (item.state, item.transferred, item.reversed),
        (PayoutState::Paid, 3150, 525)
    );

    let disputed = write(&repaid, T0 + 4, |s, now| {
        s.note_dispute(Some(DisputeStage::Withdrawn), now).unwrap()
    });
    assert_eq!(
        disputed.history[3],
        ShareEvent {
            at: T0 + 4,
            kind: ShareEventKind::DisputeWithdrawn,
            amount: 0
        }
    );
    assert_eq!(PayoutItem::of(&disputed).state, PayoutState::Disputed);
    let won = write(&disputed, T0 + 5, |s, now| {
        s.note_dispute(Some(DisputeStage::Reinstated), now).unwrap()
    });
    assert_eq!(won.history[4].kind, ShareEventKind::DisputeWon);
    assert_eq!(PayoutItem::of(&won).state, PayoutState::Paid);
    // A write that moves nothing adds nothing.
    let same = write(&won, T0 + 6, |s, now| {
        s.flag_attention("look", now).unwrap()
    });
    assert_eq!(same.history.len(), 5);
}

#[test]
fn a_held_share_is_withheld_restored_released_and_voided() {
    let share = held();
    assert_eq!(kinds(&share), [(ShareEventKind::Held, 2625)]);
    assert_eq!(PayoutItem::of(&share).state, PayoutState::Held);
    let withheld = write(&share, T0 + 1, |s, now| s.withhold(525, now).unwrap());
    assert_eq!(withheld.history[1].kind, ShareEventKind::Withheld);
    assert_eq!(withheld.history[1].amount, 525);
    let restored = write(&withheld, T0 + 2, |s, now| s.restore(0, now).unwrap());
    assert_eq!(
        restored.history[2],
        ShareEvent {
            at: T0 + 2,
            kind: ShareEventKind::Restored,
            amount: 525
        }
    );
    let all = write(&restored, T0 + 3, |s, now| s.withhold(2625, now).unwrap());
    assert_eq!(all.state, ShareState::Void);
    assert_eq!(
        &kinds(&all)[3..],
        [(ShareEventKind::Withheld, 2625), (ShareEventKind::Void, 0)]
    );
    assert_eq!(PayoutItem::of(&all).state, PayoutState::Void);
}

#[test]
fn a_released_share_paid_less_what_was_withheld_counts_no_reversal() {
    let withheld = write(&held(), T0 + 1, |s, now| s.withhold(525, now).unwrap());
    let released = write(&withheld, T0 + 2, |s, now| {
        s.release_to("acct_a", now).unwrap()
    });
    assert_eq!(PayoutItem::of(&released).state, PayoutState::Pending);
    let paid = write(&released, T0 + 3, |s, now| {
        s.mark_transferred("tr_1", 2100, "acct_a", now).unwrap()
    });
    assert_eq!(kinds(&paid).last(), Some(&(ShareEventKind::Paid, 2100)));
    let item = PayoutItem::of(&paid);
    assert_eq!(
        (item.state, item.transferred, item.reversed),
        (PayoutState::Paid, 2100, 0)
    );
    let all = write(&paid, T0 + 4, |s, now| {
        s.record_reversal(2625, now).unwrap()
    });
    let item = PayoutItem::of(&all);
    assert_eq!((item.state, item.reversed), (PayoutState::Reversed, 2100));
    assert_eq!(kinds(&all).last(), Some(&(ShareEventKind::Reversed, 2100)));
}

#[test]
fn a_refused_transfer_holds_the_share_again() {
    let back = write(&pending(), T0 + 1, |s, now| {
        s.hold_back("refused", now).unwrap()
    });
    assert_eq!(kinds(&back), [(ShareEventKind::Held, 2625)]);
}

#[test]
fn the_item_serializes_in_the_apis_words() {
    let item = serde_json::to_value(PayoutItem::of(&paid())).unwrap();
    assert_eq!(item["state"], "paid");
    assert_eq!(item["currency"], "eur");
    assert_eq!(item["events"][0]["kind"], "paid");
    assert_eq!(item["events"][0]["at"], T0 + 1);
    assert_eq!(item["transfer_id"], "tr_1");
    let pending = serde_json::to_value(PayoutItem::of(&pending())).unwrap();
    assert!(pending.get("transfer_id").is_none());
}

#[test]
fn a_converted_share_shows_what_the_buyer_paid_and_what_it_became() {
    let plan = plan("usd");
    let settlement = crate::Settlement {
        currency: Currency::parse("eur").unwrap(),
        amount: 9173,
    };
    let decision = ShareDecision::Transfer {
        destination: "acct_a".into(),
    };
    let share = LedgerShare::new_settled(&plan, &plan.shares[0], Some(&settlement), &decision, T0);
    let item = PayoutItem::of(&share);
    assert_eq!(
        (item.currency.as_str(), item.gross, item.fee, item.net),
        ("usd", 3000, 375, 2625)
    );
    assert_eq!(
        item.settlement,
        Some(SettledNet {
            currency: "eur".into(),
            amount: 2407
        })
    );
    assert_eq!(PayoutItem::of(&pending()).settlement, None);
}
