//! Property-style: for many generated orders and refund histories (partial refunds, duplicated
//! and out-of-order deliveries, releases of held shares in between), driving the ledger exactly
//! as the webhook does never claims more than `net`, never reverses more than was transferred,
//! never takes back more than the buyers got, and ends at exactly `net` after a full refund.

use super::*;
use crate::LedgerShare;
use crate::ledger::transitions::ShareDecision;
use crate::plan::{ORDER_ID_KEY, PaymentFacts, SHARES_KEY, plan_payout};
use crate::testkit::Gen;

/// One share's ledger plus what moved at "Stripe" for it.
struct Tracked {
    share: LedgerShare,
    reversed: i64,
}

fn settle(t: &mut Tracked) {
    // The webhook settles a pending share first: the transfer of what is outstanding.
    let s = t.share.begin_transfer_attempt(1).unwrap();
    let amount = s.outstanding();
    t.share = s.mark_transferred("tr", amount, "acct", 1).unwrap();
}

fn apply(t: &mut Tracked, received: i64, total: i64) {
    loop {
        match refund_action(&t.share, received, total) {
            RefundAction::Nothing => return,
            RefundAction::SettleFirst => settle(t),
            RefundAction::Reverse { amount, target } => {
                assert_eq!(amount, target - t.share.refunded);
                t.reversed += amount;
                t.share = t.share.record_reversal(target, 1).unwrap();
            }
            RefundAction::Withhold {
                amount,
                target,
                void,
            } => {
                assert_eq!(amount, target - t.share.refunded);
                t.share = t.share.withhold(target, 1).unwrap();
                assert_eq!(void, t.share.state == ShareState::Void);
            }
            other => panic!("a growing refund never shrinks a claim: {other:?}"),
        }
    }
}

fn check(shares: &[Tracked], received: i64, max_total: i64) {
    let mut claimed = 0i128;
    for t in shares {
        let s = &t.share;
        assert!(s.refunded >= 0 && s.refunded <= s.net);
        assert_eq!(s.refunded, refund_claim(s.net, received, max_total));
        if s.state == ShareState::Transferred {
            assert!(t.reversed <= s.transferred);
            assert_eq!(s.transferred - t.reversed, s.outstanding());
        } else {
            assert_eq!(t.reversed, 0);
        }
        claimed += i128::from(s.refunded);
    }
    // The sellers together never give back more than the buyers were refunded.
    assert!(claimed <= i128::from(max_total.max(0)));
}

fn case(g: &mut Gen) {
    let sellers = g.range(1, 8);
    let grosses: Vec<i64> = (0..sellers).map(|_| g.range(1, 50_000)).collect();
    let shipping = g.range(0, 3_000);
    let received: i64 = grosses.iter().sum::<i64>() + shipping;
    let shares = grosses
        .iter()
        .enumerate()
        .map(|(i, gross)| format!("s{i}:{gross}"))
        .collect::<Vec<_>>()
        .join(",");
    let facts = PaymentFacts {
        payment_intent_id: "pi".into(),
        charge_id: Some("ch".into()),
        amount_received: received,
        currency: "usd".into(),
        metadata: [
            (ORDER_ID_KEY.to_string(), "o".to_string()),
            (SHARES_KEY.to_string(), shares),
        ]
        .into_iter()
        .collect(),
    };
    let plan = plan_payout(&facts, g.range(0, 10_000) as u32).unwrap();
    let mut tracked: Vec<Tracked> = plan
        .shares
        .iter()
        .map(|s| {
            let decision = if g.range(0, 1) == 0 {
                ShareDecision::Transfer {
                    destination: "acct".into(),
                }
            } else {
                ShareDecision::Hold {
                    reason: "no_account",
                }
            };
            let mut t = Tracked {
                share: LedgerShare::new_from_plan(&plan, s, &decision, 0),
                reversed: 0,
            };
            if t.share.state == ShareState::Pending && g.range(0, 1) == 0 {
                settle(&mut t);
            }
            t
        })
        .collect();

    // Cumulative refund totals, increasing, ending with the full refund; then delivered with
    // duplicates and some out of order.
    let mut totals: Vec<i64> = (0..g.range(0, 5)).map(|_| g.range(1, received)).collect();
    totals.sort();
    totals.push(received);
    let mut deliveries = Vec::new();
    for &t in &totals {
        for _ in 0..g.range(1, 3) {
            deliveries.push(t);
        }
    }
    for i in 0..deliveries.len() {
        if g.range(0, 3) == 0 {
            let j = g.range(0, deliveries.len() as i64 - 1) as usize;
            deliveries.swap(i, j);
        }
    }

    let mut max_total = 0;
    for total in deliveries {
        for t in &mut tracked {
            // Sometimes the seller finishes onboarding between refunds: the held share is released.
            if t.share.state == ShareState::Held && g.range(0, 4) == 0 {
                t.share = t.share.release_to("acct", 1).unwrap();
                if g.range(0, 1) == 0 {
                    settle(t);
                }
            }
            apply(t, received, total);
        }
        max_total = max_total.max(total);
        check(&tracked, received, max_total);
    }

    // After the full refund every share has given back exactly its net.
    for t in &tracked {
        let s = &t.share;
        assert_eq!(s.refunded, s.net);
        assert_eq!(s.outstanding(), 0);
        match s.state {
            ShareState::Transferred => assert_eq!(t.reversed, s.transferred),
            ShareState::Void => assert_eq!(t.reversed, 0),
            // A pending share is settled before a claim applies; a held one is voided by it.
            other => panic!("share left {other:?} after a full refund"),
        }
    }
}

#[test]
fn claims_never_exceed_net_and_end_at_net() {
    for seed in 0..3_000u64 {
        let mut g = Gen::new(seed);
        case(&mut g);
    }
}
