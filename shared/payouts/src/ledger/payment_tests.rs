use super::*;
use crate::plan::{PaymentFacts, PayoutPlan, RejectReason};

const T0: i64 = 1_700_000_000;

fn plan() -> PayoutPlan {
    PayoutPlan {
        order_id: "ord_1".into(),
        payment_intent_id: "pi_1".into(),
        charge_id: "ch_1".into(),
        currency: Currency::parse("eur").unwrap(),
        amount_received: 1000,
        shares: vec![],
    }
}

#[test]
fn accepted_record() {
    let r = PaymentRecord::accepted(&plan(), T0);
    assert_eq!(r.status, PaymentStatus::Accepted);
    assert_eq!(
        (r.order_id.as_str(), r.payment_intent_id.as_str()),
        ("ord_1", "pi_1")
    );
    assert_eq!(
        (r.charge_id.as_deref(), r.currency.as_str()),
        (Some("ch_1"), "eur")
    );
    assert_eq!(
        (r.amount_received, r.refunded_applied, r.version),
        (1000, 0, 1)
    );
    assert_eq!((r.created_at, r.updated_at), (T0, T0));
}

#[test]
fn rejected_record_keeps_code_and_detail() {
    let facts = PaymentFacts {
        payment_intent_id: "pi_9".into(),
        charge_id: None,
        amount_received: 10,
        currency: "xyz".into(),
        metadata: Default::default(),
    };
    let reason = RejectReason::UnknownCurrency("xyz".into());
    let r = PaymentRecord::rejected("pi_9", &facts, &reason, T0);
    assert_eq!(
        r.status,
        PaymentStatus::Rejected {
            reason: "unknown_currency".into(),
            detail: reason.to_string()
        }
    );
    assert_eq!((r.currency.as_str(), r.version), ("xyz", 1));
    assert_eq!(
        r.record_events(Default::default(), T0),
        Err(TransitionError::PaymentRejected)
    );
}

#[test]
fn recorded_events_set_the_live_refund_total_clamped_to_received() {
    use crate::claims::{ChargeEvents, RefundEntry, RefundScope, RefundStatus};
    let r = PaymentRecord::accepted(&plan(), T0);
    let refund = |amount, status| RefundEntry {
        amount,
        status,
        scope: RefundScope::Proportional,
    };
    let events = ChargeEvents::default()
        .with_refund("re_1", refund(300, RefundStatus::Succeeded))
        .unwrap()
        .with_refund("re_2", refund(200, RefundStatus::Failed))
        .unwrap();
    let r1 = r.record_events(events.clone(), T0 + 1).unwrap();
    assert_eq!(
        (r1.refunded_applied, r1.version, r1.updated_at),
        (300, 2, T0 + 1)
    );
    assert_eq!(r1.events, events);
    let more = events
        .with_refund("re_3", refund(5000, RefundStatus::Pending))
        .unwrap();
    assert_eq!(
        r1.record_events(more, T0 + 2).unwrap().refunded_applied,
        1000
    );
}

#[test]
fn statuses_serialize_with_a_tag_and_old_rejections_still_read() {
    let s = PaymentStatus::Rejected {
        reason: "missing_charge".into(),
        detail: "d".into(),
    };
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"status": "rejected", "reason": "missing_charge", "detail": "d"})
    );
    let old: PaymentStatus = serde_json::from_str(r#"{"status":"rejected","reason":"x"}"#).unwrap();
    assert_eq!(
        old,
        PaymentStatus::Rejected {
            reason: "x".into(),
            detail: String::new()
        }
    );
    let ok: PaymentStatus = serde_json::from_str(r#"{"status":"accepted"}"#).unwrap();
    assert_eq!(ok, PaymentStatus::Accepted);
}

#[test]
fn share_states_serialize_as_their_names() {
    for state in [
        ShareState::Pending,
        ShareState::Held,
        ShareState::Transferred,
        ShareState::Void,
    ] {
        assert_eq!(
            serde_json::to_value(state).unwrap(),
            serde_json::json!(state.as_str())
        );
    }
}

#[test]
fn an_accepted_record_carries_its_plan_and_a_rejected_one_none() {
    let mut plan = plan();
    plan.shares = vec![crate::Share {
        seller: "usr_a".into(),
        gross: 600,
        fee: 60,
        net: 540,
    }];
    let record = PaymentRecord::accepted(&plan, T0);
    assert_eq!(record.plan(), Some(plan));
    let facts = PaymentFacts {
        payment_intent_id: "pi_9".into(),
        charge_id: Some("ch_9".into()),
        amount_received: 1000,
        currency: "eur".into(),
        metadata: Default::default(),
    };
    let rejected = PaymentRecord::rejected("ord_9", &facts, &RejectReason::MissingShares, T0);
    assert_eq!(rejected.plan(), None);
    assert!(rejected.shares.is_empty());
}
