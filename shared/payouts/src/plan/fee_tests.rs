//! The fee rule: `fee = round_half_up(gross * bps / 10_000)`, `net = gross - fee`.

use super::*;
use crate::testkit::Gen;

/// An independent statement of the rule: compare the remainder with one half.
fn reference_fee(gross: i64, bps: u32) -> i64 {
    let num = i128::from(gross) * i128::from(bps.min(10_000));
    let (q, r) = (num / 10_000, num % 10_000);
    (if 2 * r >= 10_000 { q + 1 } else { q }) as i64
}

#[test]
fn half_rounds_up_at_every_bps() {
    // For every bps, find grosses whose exact fee ends in .5 or just below it.
    let mut halves = 0;
    for bps in 1..=10_000u32 {
        let b = i64::from(bps);
        // gross * bps == k * 10_000 + 5_000  <=>  exact fee == k + 0.5
        for gross in 1..=20_000i64 {
            let rem = (gross * b) % 10_000;
            if rem == 5_000 {
                assert_eq!(
                    platform_fee(gross, bps),
                    (gross * b) / 10_000 + 1,
                    "{gross}@{bps}"
                );
                halves += 1;
            } else if rem == 4_999 {
                assert_eq!(
                    platform_fee(gross, bps),
                    (gross * b) / 10_000,
                    "{gross}@{bps}"
                );
            }
            if gross > 200 && bps > 50 {
                break; // enough grosses for the larger bps values; keeps the test fast
            }
        }
    }
    assert!(halves > 1_000, "only {halves} .5 boundaries checked");
}

#[test]
fn known_boundaries() {
    for (gross, bps, fee) in [
        (20, 250, 1),  // 0.5   -> 1
        (19, 250, 0),  // 0.475 -> 0
        (60, 250, 2),  // 1.5   -> 2
        (5, 1000, 1),  // 0.5   -> 1
        (15, 1000, 2), // 1.5   -> 2
        (25, 1000, 3), // 2.5   -> 3 (half up, not to even)
        (5000, 1, 1),  // 0.5   -> 1
        (4999, 1, 0),  // 0.4999 -> 0
        (1, 5000, 1),  // 0.5   -> 1: the seller's net is 0
        (1, 4999, 0),
        (3333, 3333, 1111), // 1110.8889 -> 1111
        (10_000, 1234, 1234),
        (0, 1000, 0),
    ] {
        assert_eq!(platform_fee(gross, bps), fee, "{gross}@{bps}");
    }
}

#[test]
fn zero_and_full_bps() {
    for gross in [1, 2, 99, 12_345, i64::MAX] {
        assert_eq!(platform_fee(gross, 0), 0);
        assert_eq!(platform_fee(gross, 10_000), gross);
    }
}

#[test]
fn bps_above_full_is_capped_at_gross() {
    for bps in [10_001, 20_000, u32::MAX] {
        for gross in [1, 7, 1_000_000, i64::MAX] {
            assert_eq!(platform_fee(gross, bps), gross, "{gross}@{bps}");
        }
    }
}

#[test]
fn fee_plus_net_is_gross_for_many_cases() {
    let mut g = Gen::new(7);
    for case in 0..200_000 {
        let gross = g.amount();
        let bps = g.range(0, 10_500) as u32;
        let fee = platform_fee(gross, bps);
        assert_eq!(fee, reference_fee(gross, bps), "case {case}: {gross}@{bps}");
        assert!((0..=gross).contains(&fee), "case {case}");
        // Through the plan too: every share's fee + net == gross, net >= 0.
        if case % 50 == 0 {
            let second = g.range(1, 1_000_000);
            let meta = [
                (ORDER_ID_KEY.to_string(), "o".to_string()),
                (SHARES_KEY.to_string(), format!("a:{gross},b:{second}")),
            ];
            let facts = PaymentFacts {
                payment_intent_id: "pi".into(),
                charge_id: Some("ch".into()),
                amount_received: i64::MAX,
                currency: "eur".into(),
                metadata: meta.into_iter().collect(),
            };
            match plan_payout(&facts, bps) {
                Ok(plan) => {
                    for s in plan.shares {
                        assert_eq!(s.fee + s.net, s.gross);
                        assert!(s.net >= 0 && s.fee >= 0);
                    }
                }
                Err(RejectReason::AmountExceedsReceived { .. }) => {
                    assert!(gross.checked_add(second).is_none())
                }
                Err(other) => panic!("case {case}: {other:?}"),
            }
        }
    }
}
