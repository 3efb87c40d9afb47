//! Key rounds: only refusals start one, every other transition keeps it, and the share's keys
//! follow it.

use super::*;
use crate::keys;
use crate::plan::{PayoutPlan, Share};

const NOW: i64 = 1_700_000_000;

fn pending() -> LedgerShare {
    let plan = PayoutPlan {
        order_id: "ord_1".into(),
        payment_intent_id: "pi_1".into(),
        charge_id: "ch_1".into(),
        currency: Currency::parse("eur").unwrap(),
        amount_received: 1000,
        shares: vec![Share {
            seller: "usr_a".into(),
            gross: 1000,
            fee: 100,
            net: 900,
        }],
    };
    let decision = ShareDecision::Transfer {
        destination: "acct_1".into(),
    };
    LedgerShare::new_from_plan(&plan, &plan.shares[0], &decision, NOW)
}

#[test]
fn only_refusals_start_a_new_round() {
    let first = pending().begin_transfer_attempt(NOW).unwrap();
    assert_eq!(first.key_round, 0);
    assert_eq!(first.transfer_key(), "veza-tr:ord_1:usr_a");

    let held = first.hold_back("transfer_refused:x", NOW).unwrap();
    assert_eq!(held.key_round, 1);
    assert_eq!(held.attention.as_deref(), Some("transfer_refused:x"));
    assert_eq!(held.version, first.version + 1, "one compare-and-set");
    let again = held
        .release_to("acct_1", NOW)
        .and_then(|s| s.begin_transfer_attempt(NOW))
        .unwrap();
    assert_eq!(again.key_round, 1);
    assert_eq!(again.transfer_key(), "veza-tr:ord_1:usr_a:r1");

    let paid = again.mark_transferred("tr_1", 900, "acct_1", NOW).unwrap();
    assert_eq!(
        paid.reversal_key(0),
        keys::reversal_key("ord_1", "usr_a", 0, 1)
    );
    let refused = paid.refuse_reversal("reversal_refused:y", NOW).unwrap();
    assert_eq!(
        (refused.key_round, refused.refunded, refused.state),
        (2, 0, ShareState::Transferred)
    );
    assert_eq!(refused.reversal_key(0), "veza-trr:ord_1:usr_a:0:r2");
    let reversed = refused.record_reversal(100, NOW).unwrap();
    assert_eq!(reversed.key_round, 2);
    assert_eq!(reversed.flag_attention("look", NOW).unwrap().key_round, 2);
}

#[test]
fn items_written_before_the_round_existed_are_round_zero() {
    let mut item = serde_json::to_value(pending()).unwrap();
    item.as_object_mut().unwrap().remove("key_round");
    let share: LedgerShare = serde_json::from_value(item).unwrap();
    assert_eq!(share.key_round, 0);
}
