use std::collections::BTreeMap;

use super::*;

const RECEIVED: i64 = 10_000;

/// The README's order: 12.5 % fee; alice 3000 → net 2625, bob 7000 → net 6125.
fn alice() -> Share {
    Share {
        seller: "usr_alice".into(),
        gross: 3000,
        fee: 375,
        net: 2625,
    }
}
fn bob() -> Share {
    Share {
        seller: "usr_bob".into(),
        gross: 7000,
        fee: 875,
        net: 6125,
    }
}

fn refund(amount: i64, status: RefundStatus, scope: RefundScope) -> RefundEntry {
    RefundEntry {
        amount,
        status,
        scope,
    }
}

fn proportional(amount: i64) -> RefundEntry {
    refund(amount, RefundStatus::Succeeded, RefundScope::Proportional)
}

fn dispute(amount: i64, stage: DisputeStage) -> DisputeEntry {
    DisputeEntry {
        amount,
        stage,
        policy: DisputePolicy::Reverse,
    }
}

fn claims(events: &ChargeEvents) -> (i64, i64) {
    (
        events.claim(&alice(), RECEIVED).total(),
        events.claim(&bob(), RECEIVED).total(),
    )
}

#[test]
fn a_refund_then_a_dispute_of_the_rest_take_back_exactly_the_nets_and_a_win_gives_it_back() {
    let refunded = ChargeEvents::default()
        .with_refund("re_1", proportional(2000))
        .unwrap();
    assert_eq!(claims(&refunded), (525, 1225));
    let withdrawn = refunded
        .with_dispute("dp_1", dispute(8000, DisputeStage::Withdrawn))
        .unwrap();
    assert_eq!(withdrawn.claim(&alice(), RECEIVED).dispute, 2100);
    assert_eq!(claims(&withdrawn), (2625, 6125));
    let won = withdrawn
        .with_dispute("dp_1", dispute(8000, DisputeStage::Reinstated))
        .unwrap();
    assert_eq!(claims(&won), (525, 1225));
    // A late `funds_withdrawn` never moves a won dispute back.
    assert_eq!(
        won.with_dispute("dp_1", dispute(8000, DisputeStage::Withdrawn)),
        None
    );
    let lost = withdrawn
        .with_dispute("dp_1", dispute(8000, DisputeStage::Lost))
        .unwrap();
    assert_eq!(claims(&lost), (2625, 6125));
}

#[test]
fn a_dispute_never_takes_more_than_refunds_left() {
    let events = ChargeEvents::default()
        .with_refund("re_1", proportional(6000))
        .unwrap()
        .with_dispute("dp_1", dispute(RECEIVED, DisputeStage::Withdrawn))
        .unwrap();
    let claim = events.claim(&alice(), RECEIVED);
    assert_eq!((claim.refunds, claim.dispute), (1575, 1050));
}

#[test]
fn absorb_and_open_or_closed_disputes_take_nothing() {
    for (stage, policy) in [
        (DisputeStage::Withdrawn, DisputePolicy::Absorb),
        (DisputeStage::Lost, DisputePolicy::Absorb),
        (DisputeStage::Open, DisputePolicy::Reverse),
        (DisputeStage::Closed, DisputePolicy::Reverse),
    ] {
        let events = ChargeEvents::default()
            .with_dispute(
                "dp",
                DisputeEntry {
                    amount: RECEIVED,
                    stage,
                    policy,
                },
            )
            .unwrap();
        assert_eq!(claims(&events), (0, 0), "{stage:?} {policy:?}");
    }
}

#[test]
fn a_failed_refund_claims_nothing_and_never_comes_back() {
    let events = ChargeEvents::default()
        .with_refund("re_1", proportional(4000))
        .unwrap();
    assert_eq!(claims(&events), (1050, 2450));
    let failed = events
        .with_refund(
            "re_1",
            refund(4000, RefundStatus::Failed, RefundScope::Proportional),
        )
        .unwrap();
    assert_eq!((claims(&failed), failed.refunded()), ((0, 0), 0));
    assert_eq!(failed.with_refund("re_1", proportional(4000)), None);
    let again = failed.with_refund("re_2", proportional(4000)).unwrap();
    assert_eq!(claims(&again), (1050, 2450));
}

#[test]
fn named_sellers_give_back_their_net_for_the_gross_named_the_others_nothing() {
    let scope = RefundScope::Sellers {
        grosses: BTreeMap::from([("usr_alice".to_string(), 1500)]),
    };
    let events = ChargeEvents::default()
        .with_refund("re_1", refund(1500, RefundStatus::Succeeded, scope))
        .unwrap();
    assert_eq!(claims(&events), (1312, 0));
    let platform = events
        .with_refund(
            "re_2",
            refund(500, RefundStatus::Succeeded, RefundScope::Platform),
        )
        .unwrap();
    assert_eq!(claims(&platform), (1312, 0));
    assert_eq!(platform.refunded(), 2000);
}

fn metadata(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn reason(scope: RefundScope) -> String {
    match scope {
        RefundScope::Rejected { reason, .. } => reason,
        other => panic!("not rejected: {other:?}"),
    }
}

#[test]
fn refund_metadata_is_read_strictly() {
    let shares = [alice(), bob()];
    let none = ChargeEvents::default();
    let scope =
        |pairs: &[(&str, &str)], amount| refund_scope(&metadata(pairs), amount, &shares, &none);
    assert_eq!(scope(&[], 100), RefundScope::Proportional);
    assert_eq!(
        scope(&[(REFUND_SCOPE_KEY, "platform")], 100),
        RefundScope::Platform
    );
    assert_eq!(
        scope(&[(REFUND_SHARES_KEY, "usr_alice:1000,usr_bob:2000")], 3000),
        RefundScope::Sellers {
            grosses: BTreeMap::from([
                ("usr_alice".to_string(), 1000),
                ("usr_bob".to_string(), 2000)
            ])
        }
    );
    for (pairs, amount, code) in [
        (
            vec![(REFUND_SHARES_KEY, "usr_carol:100")],
            100,
            "unknown_seller",
        ),
        (
            vec![(REFUND_SHARES_KEY, "usr_alice:3001")],
            4000,
            "exceeds_share",
        ),
        (
            vec![(REFUND_SHARES_KEY, "usr_alice:100")],
            99,
            "exceeds_refund",
        ),
        (
            vec![(REFUND_SHARES_KEY, "usr_alice=100")],
            100,
            "malformed_share",
        ),
        (
            vec![(REFUND_SHARES_KEY, "usr_alice:1,usr_alice:1")],
            100,
            "duplicate_seller",
        ),
        (vec![(REFUND_SCOPE_KEY, "sellers")], 100, "unknown_scope"),
        (
            vec![
                (REFUND_SCOPE_KEY, "platform"),
                (REFUND_SHARES_KEY, "usr_alice:1"),
            ],
            100,
            "conflicting_metadata",
        ),
    ] {
        assert_eq!(reason(scope(&pairs, amount)), code, "{pairs:?}");
    }
}

#[test]
fn a_seller_cannot_be_named_for_more_than_their_gross_over_all_live_refunds() {
    let shares = [alice(), bob()];
    let first = RefundScope::Sellers {
        grosses: BTreeMap::from([("usr_alice".to_string(), 2000)]),
    };
    let events = ChargeEvents::default()
        .with_refund("re_1", refund(2000, RefundStatus::Succeeded, first.clone()))
        .unwrap();
    let more = metadata(&[(REFUND_SHARES_KEY, "usr_alice:1001")]);
    assert_eq!(
        reason(refund_scope(&more, 1001, &shares, &events)),
        "exceeds_share"
    );
    let failed = events
        .with_refund("re_1", refund(2000, RefundStatus::Failed, first))
        .unwrap();
    assert!(matches!(
        refund_scope(&more, 1001, &shares, &failed),
        RefundScope::Sellers { .. }
    ));
}

#[test]
fn dispute_stages_follow_stripes_status_and_event() {
    use DisputeStage::*;
    for (kind, status, bts, stage) in [
        ("charge.dispute.created", "needs_response", 0, Open),
        ("charge.dispute.created", "needs_response", 1, Withdrawn),
        (
            "charge.dispute.funds_withdrawn",
            "needs_response",
            0,
            Withdrawn,
        ),
        (
            "charge.dispute.funds_reinstated",
            "under_review",
            2,
            Reinstated,
        ),
        ("charge.dispute.closed", "won", 2, Reinstated),
        ("charge.dispute.closed", "lost", 1, Lost),
        ("charge.dispute.closed", "warning_closed", 0, Closed),
        ("charge.dispute.updated", "under_review", 2, Reinstated),
    ] {
        assert_eq!(
            DisputeStage::of(kind, status, bts),
            stage,
            "{kind} {status}"
        );
    }
    assert_eq!(
        RefundStatus::parse(Some("requires_action")),
        RefundStatus::Pending
    );
    assert_eq!(RefundStatus::parse(None), RefundStatus::Succeeded);
    assert_eq!(DisputePolicy::parse("absorb"), Some(DisputePolicy::Absorb));
    assert_eq!(DisputePolicy::parse("keep"), None);
}

#[test]
fn claims_never_exceed_net_in_any_mix() {
    let mut g = crate::testkit::Gen::new(13);
    for _ in 0..2000 {
        let mut events = ChargeEvents::default();
        for i in 0..g.range(0, 4) {
            let status = [
                RefundStatus::Pending,
                RefundStatus::Succeeded,
                RefundStatus::Failed,
            ][g.range(0, 2) as usize];
            events = events
                .with_refund(
                    &format!("re_{i}"),
                    refund(g.range(1, RECEIVED), status, RefundScope::Proportional),
                )
                .unwrap_or(events);
        }
        let stage = [
            DisputeStage::Withdrawn,
            DisputeStage::Lost,
            DisputeStage::Reinstated,
        ][g.range(0, 2) as usize];
        events = events
            .with_dispute("dp", dispute(g.range(1, RECEIVED), stage))
            .unwrap();
        for share in [alice(), bob()] {
            let claim = events.claim(&share, RECEIVED);
            assert!(claim.refunds >= 0 && claim.dispute >= 0, "{events:?}");
            assert!(claim.total() <= share.net, "{events:?}");
        }
    }
}

/// A share converted to the settlement currency ($100.00 settled as €91.73) claims its own
/// (converted) net times the presentment ratios: a named refund's dollars are compared with the
/// dollars the buyer paid, never with the converted gross.
#[test]
fn a_converted_share_claims_the_same_fractions_of_its_converted_net() {
    use crate::ledger::ShareDecision;
    let settlement = crate::Settlement {
        currency: crate::Currency::parse("eur").unwrap(),
        amount: 9173,
    };
    let plan = crate::PayoutPlan {
        order_id: "ord_fx".into(),
        payment_intent_id: "pi_fx".into(),
        charge_id: "ch_fx".into(),
        currency: crate::Currency::parse("usd").unwrap(),
        amount_received: RECEIVED,
        shares: vec![alice(), bob()],
    };
    let to = ShareDecision::Transfer {
        destination: "acct_a".into(),
    };
    let share = crate::LedgerShare::new_settled(&plan, &alice(), Some(&settlement), &to, 0);
    assert_eq!((share.gross, share.fee, share.net), (2751, 344, 2407));
    let mut payment = crate::PaymentRecord::accepted(&plan, 0).settled_as(Some(settlement));
    // A fifth refunded in proportion: floor(2407 / 5).
    payment.events = ChargeEvents::default()
        .with_refund("re_1", proportional(2000))
        .unwrap();
    assert_eq!(payment.claim_of(&share).refunds, 481);
    // Alice's whole $30.00 named: her whole converted net, not 3000 / 2751 of it.
    let named = RefundScope::Sellers {
        grosses: BTreeMap::from([("usr_alice".to_string(), 3000)]),
    };
    payment.events = ChargeEvents::default()
        .with_refund("re_2", refund(3000, RefundStatus::Succeeded, named))
        .unwrap();
    assert_eq!(payment.claim_of(&share).refunds, 2407);
    // Half the charge disputed and withdrawn: floor(2407 / 2).
    payment.events = ChargeEvents::default()
        .with_dispute("dp_1", dispute(5000, DisputeStage::Withdrawn))
        .unwrap();
    assert_eq!(payment.claim_of(&share).dispute, 1203);
}
