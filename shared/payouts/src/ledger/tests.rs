use super::transitions::*;
use super::*;
use crate::plan::{PayoutPlan, Share};
use crate::{AccountFlags, SellerAccount};

const T0: i64 = 1_700_000_000;
pub(super) const NOW: i64 = T0 + 60;
pub(super) const STATES: [ShareState; 4] = [
    ShareState::Pending,
    ShareState::Held,
    ShareState::Transferred,
    ShareState::Void,
];

fn plan() -> PayoutPlan {
    PayoutPlan {
        order_id: "ord_1".into(),
        payment_intent_id: "pi_1".into(),
        charge_id: "ch_1".into(),
        currency: Currency::parse("usd").unwrap(),
        amount_received: 1000,
        shares: vec![share(1000, 100)],
    }
}

fn share(gross: i64, fee: i64) -> Share {
    Share {
        seller: "usr_a".into(),
        gross,
        fee,
        net: gross - fee,
    }
}

fn transfer() -> ShareDecision {
    ShareDecision::Transfer {
        destination: "acct_1".into(),
    }
}

/// A consistent share (net 900) in `state`.
pub(super) fn in_state(state: ShareState) -> LedgerShare {
    let p = plan();
    let pending = LedgerShare::new_from_plan(&p, &p.shares[0], &transfer(), T0);
    match state {
        ShareState::Pending => pending,
        ShareState::Held => {
            LedgerShare::new_from_plan(&p, &p.shares[0], &ShareDecision::Hold { reason: "x" }, T0)
        }
        ShareState::Transferred => pending.mark_transferred("tr_1", 900, "acct_1", T0).unwrap(),
        ShareState::Void => in_state(ShareState::Held).withhold(900, T0).unwrap(),
    }
}

type Step = fn(&LedgerShare) -> Result<LedgerShare, TransitionError>;

/// Every transition, and the states it is legal in.
fn transitions() -> Vec<(&'static str, Step, &'static [ShareState])> {
    use ShareState::*;
    vec![
        (
            "begin_transfer_attempt",
            |s| s.begin_transfer_attempt(NOW),
            &[Pending],
        ),
        (
            "mark_transferred",
            |s| s.mark_transferred("tr_9", 900, "acct_1", NOW),
            &[Pending],
        ),
        ("hold_back", |s| s.hold_back("refused", NOW), &[Pending]),
        ("release_to", |s| s.release_to("acct_2", NOW), &[Held]),
        ("withhold", |s| s.withhold(100, NOW), &[Held]),
        (
            "record_reversal",
            |s| s.record_reversal(100, NOW),
            &[Transferred],
        ),
        ("begin_reversal", |s| s.begin_reversal(NOW), &[Transferred]),
        (
            "refuse_reversal",
            |s| s.refuse_reversal("refused", NOW),
            &[Transferred],
        ),
        (
            "flag_attention",
            |s| s.flag_attention("look", NOW),
            &[Pending, Held, Transferred, Void],
        ),
        (
            "clear_attention",
            |s| s.clear_attention(NOW),
            &[Pending, Held, Transferred, Void],
        ),
    ]
}

#[test]
fn every_state_times_every_transition() {
    for state in STATES {
        let before = in_state(state);
        assert_eq!(before.state, state);
        for (name, step, legal) in transitions() {
            match step(&before) {
                Ok(after) => {
                    assert!(
                        legal.contains(&state),
                        "{name} must be illegal from {state:?}"
                    );
                    assert_eq!(after.version, before.version + 1, "{name}");
                    assert_eq!(after.updated_at, NOW, "{name}");
                    assert_eq!(after.created_at, before.created_at, "{name}");
                    assert_eq!(
                        (
                            &after.order_id,
                            &after.seller,
                            after.gross,
                            after.fee,
                            after.net
                        ),
                        (
                            &before.order_id,
                            &before.seller,
                            before.gross,
                            before.fee,
                            before.net
                        ),
                        "{name} must not touch the share's identity or amounts"
                    );
                    assert!(after.refunded <= after.net && after.refunded >= 0, "{name}");
                }
                Err(err) => {
                    assert!(!legal.contains(&state), "{name} from {state:?}: {err}");
                    assert_eq!(
                        err,
                        TransitionError::Illegal {
                            action: action_of(&err),
                            state
                        }
                    );
                    assert!(err.to_string().contains(state.as_str()));
                }
            }
        }
    }
}

fn action_of(err: &TransitionError) -> &'static str {
    match err {
        TransitionError::Illegal { action, .. } => action,
        other => panic!("expected Illegal, got {other:?}"),
    }
}

#[test]
fn new_share_follows_the_decision() {
    let p = plan();
    let pending = LedgerShare::new_from_plan(&p, &p.shares[0], &transfer(), T0);
    assert_eq!(pending.state, ShareState::Pending);
    assert_eq!(pending.destination.as_deref(), Some("acct_1"));
    assert_eq!(
        (pending.version, pending.created_at, pending.updated_at),
        (1, T0, T0)
    );
    assert_eq!(
        (
            pending.gross,
            pending.fee,
            pending.net,
            pending.outstanding()
        ),
        (1000, 100, 900, 900)
    );
    assert_eq!(pending.charge_id.as_deref(), Some("ch_1"));
    assert_eq!(
        (
            pending.transferred,
            pending.refunded,
            pending.transfer_attempts
        ),
        (0, 0, 0)
    );
    let held = LedgerShare::new_from_plan(
        &p,
        &p.shares[0],
        &ShareDecision::Hold {
            reason: HOLD_NO_ACCOUNT,
        },
        T0,
    );
    assert_eq!(
        (held.state, held.destination.clone()),
        (ShareState::Held, None)
    );
}

#[test]
fn a_share_with_nothing_owed_starts_void() {
    let p = plan();
    for decision in [
        transfer(),
        ShareDecision::Hold {
            reason: HOLD_NO_ACCOUNT,
        },
    ] {
        let s = LedgerShare::new_from_plan(&p, &share(1, 1), &decision, T0);
        assert_eq!(s.state, ShareState::Void);
        assert_eq!(s.outstanding(), 0);
    }
}

#[test]
fn transfer_attempts_count_up() {
    let s = in_state(ShareState::Pending);
    let s1 = s.begin_transfer_attempt(NOW).unwrap();
    let s2 = s1.begin_transfer_attempt(NOW + 1).unwrap();
    assert_eq!((s1.transfer_attempts, s2.transfer_attempts), (1, 2));
    assert_eq!((s2.version, s2.updated_at), (3, NOW + 1));
    assert_eq!(s2.state, ShareState::Pending);
}

#[test]
fn begin_transfer_needs_a_destination() {
    let mut s = in_state(ShareState::Pending);
    s.destination = None;
    assert_eq!(
        s.begin_transfer_attempt(NOW),
        Err(TransitionError::Missing("destination"))
    );
}

#[test]
fn mark_transferred_records_the_transfer() {
    let t = in_state(ShareState::Pending)
        .mark_transferred("tr_1", 900, "acct_1", NOW)
        .unwrap();
    assert_eq!(t.state, ShareState::Transferred);
    assert_eq!(
        (t.transfer_id.as_deref(), t.transferred),
        (Some("tr_1"), 900)
    );
    assert_eq!(t.attention, None);
}

#[test]
fn mark_transferred_keeps_stripes_truth_and_flags_a_mismatch() {
    let p = in_state(ShareState::Pending);
    let more = p.mark_transferred("tr_1", 950, "acct_1", NOW).unwrap();
    assert_eq!(more.transferred, 950);
    assert!(more.attention.unwrap().contains("950"));
    let elsewhere = p.mark_transferred("tr_1", 900, "acct_9", NOW).unwrap();
    assert_eq!(elsewhere.destination.as_deref(), Some("acct_9"));
    assert!(elsewhere.attention.is_some());
}

#[test]
fn mark_transferred_rejects_bad_input() {
    let p = in_state(ShareState::Pending);
    assert_eq!(
        p.mark_transferred("", 900, "acct_1", NOW),
        Err(TransitionError::Missing("transfer id"))
    );
    assert_eq!(
        p.mark_transferred("tr", 900, "", NOW),
        Err(TransitionError::Missing("destination"))
    );
    for amount in [0, -1, i64::MIN] {
        assert_eq!(
            p.mark_transferred("tr", amount, "acct_1", NOW),
            Err(TransitionError::BadAmount(amount))
        );
    }
}

#[test]
fn hold_back_then_release_keeps_attempts() {
    let p = in_state(ShareState::Pending)
        .begin_transfer_attempt(NOW)
        .unwrap();
    let held = p.hold_back("transfer_refused:x", NOW).unwrap();
    assert_eq!(
        (held.state, held.destination.clone(), held.transfer_attempts),
        (ShareState::Held, None, 1)
    );
    let released = held.release_to("acct_2", NOW).unwrap();
    assert_eq!(released.state, ShareState::Pending);
    assert_eq!(released.destination.as_deref(), Some("acct_2"));
    assert_eq!(released.transfer_attempts, 1);
    assert_eq!(
        held.release_to("", NOW),
        Err(TransitionError::Missing("destination"))
    );
}

#[test]
fn withhold_partially_then_fully() {
    let h = in_state(ShareState::Held);
    let part = h.withhold(300, NOW).unwrap();
    assert_eq!(
        (part.state, part.refunded, part.outstanding()),
        (ShareState::Held, 300, 600)
    );
    // Released after a partial refund: only the rest is transferred.
    let released = part.release_to("acct_1", NOW).unwrap();
    assert_eq!(released.outstanding(), 600);
    let void = part.withhold(900, NOW).unwrap();
    assert_eq!(
        (void.state, void.refunded, void.outstanding()),
        (ShareState::Void, 900, 0)
    );
}

#[test]
fn refund_targets_must_advance_within_net() {
    let h = in_state(ShareState::Held).withhold(300, NOW).unwrap();
    for target in [i64::MIN, -1, 0, 299, 300, 901, i64::MAX] {
        assert_eq!(
            h.withhold(target, NOW),
            Err(TransitionError::BadTarget {
                target,
                refunded: 300,
                net: 900
            }),
            "{target}"
        );
    }
    let t = in_state(ShareState::Transferred)
        .record_reversal(300, NOW)
        .unwrap();
    assert_eq!((t.refunded, t.state), (300, ShareState::Transferred));
    for target in [0, 300, 901] {
        assert!(matches!(
            t.record_reversal(target, NOW),
            Err(TransitionError::BadTarget { .. })
        ));
    }
    assert_eq!(t.record_reversal(900, NOW).unwrap().refunded, 900);
}

#[test]
fn attention_is_sticky_until_cleared() {
    let t = in_state(ShareState::Transferred)
        .flag_attention("reversal refused: balance_insufficient", NOW)
        .unwrap();
    let after = t.record_reversal(500, NOW).unwrap();
    assert_eq!(
        after.attention.as_deref(),
        Some("reversal refused: balance_insufficient")
    );
    assert_eq!(after.clear_attention(NOW).unwrap().attention, None);
}

fn account(flags: AccountFlags) -> SellerAccount {
    SellerAccount {
        flags,
        ..SellerAccount::new("usr_a".into(), "acct_1".into(), T0)
    }
}

#[test]
fn decide_share_for_every_account_situation() {
    assert_eq!(
        decide_share(None),
        ShareDecision::Hold {
            reason: HOLD_NO_ACCOUNT
        }
    );
    for bits in 0..16u8 {
        let flags = AccountFlags {
            details_submitted: bits & 1 != 0,
            charges_enabled: bits & 2 != 0,
            payouts_enabled: bits & 4 != 0,
            transfers_active: bits & 8 != 0,
            ..AccountFlags::default()
        };
        let expected = if flags.payouts_enabled && flags.transfers_active {
            ShareDecision::Transfer {
                destination: "acct_1".into(),
            }
        } else {
            ShareDecision::Hold {
                reason: HOLD_TRANSFERS_DISABLED,
            }
        };
        assert_eq!(decide_share(Some(&account(flags))), expected, "{bits:04b}");
    }
}

#[test]
fn a_retry_sends_the_held_key_again_instead_of_looking_up() {
    let first = in_state(ShareState::Pending)
        .begin_transfer_attempt(NOW)
        .unwrap();
    assert!(!first.transfer_look_up_needed(NOW), "nothing before it");
    let second = first.begin_transfer_attempt(NOW + 60).unwrap();
    let held = crate::keys::KEY_HELD_SECS;
    assert_eq!(
        second.transfer_key_use,
        Some(KeyUse {
            first_at: NOW,
            attempts: 2
        })
    );
    assert!(!second.transfer_look_up_needed(NOW + held - 1));
    // Measured from the key's first use, not from the latest attempt.
    assert!(second.transfer_look_up_needed(NOW + held));
}

#[test]
fn a_new_key_round_looks_up_what_the_old_key_may_have_made() {
    let tried = in_state(ShareState::Pending)
        .begin_transfer_attempt(NOW)
        .unwrap();
    let held = tried.hold_back("transfer_refused:x", NOW + 1).unwrap();
    assert_eq!(held.transfer_key_use, None);
    let released = held.release_to("acct_2", NOW + 2).unwrap();
    let again = released.begin_transfer_attempt(NOW + 3).unwrap();
    assert_eq!(
        again.transfer_key_use,
        Some(KeyUse {
            first_at: NOW + 3,
            attempts: 1
        })
    );
    assert!(again.transfer_look_up_needed(NOW + 3));
}

#[test]
fn an_item_without_key_uses_looks_up_once_it_was_tried() {
    let mut legacy = in_state(ShareState::Pending);
    legacy.transfer_attempts = 1;
    let again = legacy.begin_transfer_attempt(NOW).unwrap();
    assert!(again.transfer_look_up_needed(NOW));
}
