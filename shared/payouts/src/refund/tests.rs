use super::*;
use crate::ledger::transitions::ShareDecision;
use crate::plan::{PayoutPlan, Share};
use crate::{Currency, LedgerShare};

fn share_in(state: ShareState, net: i64) -> LedgerShare {
    let plan = PayoutPlan {
        order_id: "o".into(),
        payment_intent_id: "pi".into(),
        charge_id: "ch".into(),
        currency: Currency::parse("usd").unwrap(),
        amount_received: net,
        shares: vec![],
    };
    let share = Share {
        seller: "s".into(),
        gross: net,
        fee: 0,
        net,
    };
    let decision = match state {
        ShareState::Held | ShareState::Void => ShareDecision::Hold { reason: "x" },
        _ => ShareDecision::Transfer {
            destination: "acct".into(),
        },
    };
    let s = LedgerShare::new_from_plan(&plan, &share, &decision, 0);
    match state {
        ShareState::Transferred => s.mark_transferred("tr", net, "acct", 0).unwrap(),
        ShareState::Void => s.withhold(net, 0).unwrap(),
        _ => s,
    }
}

#[test]
fn claim_is_proportional_and_floored() {
    assert_eq!(refund_claim(900, 1000, 0), 0);
    assert_eq!(refund_claim(900, 1000, 1), 0); // 0.9 -> 0
    assert_eq!(refund_claim(900, 1000, 2), 1); // 1.8 -> 1
    assert_eq!(refund_claim(900, 1000, 500), 450);
    assert_eq!(refund_claim(900, 1000, 999), 899); // 899.1
    assert_eq!(refund_claim(900, 1000, 1000), 900);
    assert_eq!(refund_claim(1, 3, 2), 0); // 0.67 -> 0
}

#[test]
fn claim_is_clamped_and_safe_on_degenerate_input() {
    assert_eq!(refund_claim(900, 1000, 5000), 900);
    assert_eq!(refund_claim(900, 1000, -5), 0);
    assert_eq!(refund_claim(900, 0, 10), 0);
    assert_eq!(refund_claim(900, -1, 10), 0);
    assert_eq!(refund_claim(i64::MAX, i64::MAX, i64::MAX), i64::MAX);
    assert_eq!(refund_claim(i64::MAX, i64::MAX, i64::MAX / 2), i64::MAX / 2);
}

#[test]
fn partial_refunds_then_full_claim_exactly_net_for_every_share() {
    let received = 10_007;
    let nets = [5_403, 3_599, 1, 997, 0];
    for net in nets {
        let mut last = 0;
        for total in [1, 333, 3_333, 5_000, 9_999, received] {
            let claim = refund_claim(net, received, total);
            assert!(claim >= last && claim <= net);
            last = claim;
        }
        assert_eq!(last, net);
    }
}

#[test]
fn actions_by_state() {
    let (received, total) = (1000, 500);
    assert_eq!(
        refund_action(&share_in(ShareState::Transferred, 900), received, total),
        RefundAction::Reverse {
            amount: 450,
            target: 450
        }
    );
    assert_eq!(
        refund_action(&share_in(ShareState::Held, 900), received, total),
        RefundAction::Withhold {
            amount: 450,
            target: 450,
            void: false
        }
    );
    assert_eq!(
        refund_action(&share_in(ShareState::Held, 900), received, received),
        RefundAction::Withhold {
            amount: 900,
            target: 900,
            void: true
        }
    );
    assert_eq!(
        refund_action(&share_in(ShareState::Pending, 900), received, total),
        RefundAction::SettleFirst
    );
    assert_eq!(
        refund_action(&share_in(ShareState::Void, 900), received, received),
        RefundAction::Nothing
    );
}

#[test]
fn redelivery_and_smaller_totals_give_nothing() {
    let s = share_in(ShareState::Transferred, 900)
        .record_reversal(450, 1)
        .unwrap();
    for total in [500, 499, 1, 0, -3] {
        assert_eq!(
            refund_action(&s, 1000, total),
            RefundAction::Nothing,
            "{total}"
        );
    }
    // A larger total reverses only the difference.
    assert_eq!(
        refund_action(&s, 1000, 800),
        RefundAction::Reverse {
            amount: 270,
            target: 720
        }
    );
    let h = share_in(ShareState::Held, 900).withhold(450, 1).unwrap();
    assert_eq!(refund_action(&h, 1000, 500), RefundAction::Nothing);
    assert_eq!(
        refund_action(&h, 1000, 1000),
        RefundAction::Withhold {
            amount: 450,
            target: 900,
            void: true
        }
    );
}

#[test]
fn a_pending_share_with_nothing_to_claim_needs_no_settling() {
    assert_eq!(
        refund_action(&share_in(ShareState::Pending, 900), 1000, 1),
        RefundAction::Nothing
    );
}

#[test]
fn a_tiny_refund_claims_nothing_until_it_adds_up() {
    let s = share_in(ShareState::Transferred, 3);
    assert_eq!(refund_action(&s, 1000, 300), RefundAction::Nothing);
    assert_eq!(
        refund_action(&s, 1000, 334),
        RefundAction::Reverse {
            amount: 1,
            target: 1
        }
    );
}
