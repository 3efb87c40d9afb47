use std::collections::BTreeSet;

use super::*;

fn facts(
    meta: &[(&str, &str)],
    received: i64,
    currency: &str,
    charge: Option<&str>,
) -> PaymentFacts {
    PaymentFacts {
        payment_intent_id: "pi_1".into(),
        charge_id: charge.map(str::to_string),
        amount_received: received,
        currency: currency.into(),
        metadata: meta
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn with_shares(shares: &str, received: i64) -> PaymentFacts {
    facts(
        &[(ORDER_ID_KEY, "ord_1"), (SHARES_KEY, shares)],
        received,
        "usd",
        Some("ch_1"),
    )
}

fn reject(f: &PaymentFacts) -> RejectReason {
    plan_payout(f, 1000).expect_err("should be rejected")
}

#[test]
fn accepts_a_two_seller_order() {
    let plan = plan_payout(&with_shares("usr_alice:6000,usr_bob:4000", 12_000), 1000).unwrap();
    assert_eq!(plan.order_id, "ord_1");
    assert_eq!(plan.payment_intent_id, "pi_1");
    assert_eq!(plan.charge_id, "ch_1");
    assert_eq!(plan.currency.as_str(), "usd");
    assert_eq!(plan.amount_received, 12_000);
    let got: Vec<_> = plan
        .shares
        .iter()
        .map(|s| (s.seller.as_str(), s.gross, s.fee, s.net))
        .collect();
    assert_eq!(
        got,
        vec![("usr_alice", 6000, 600, 5400), ("usr_bob", 4000, 400, 3600)]
    );
}

#[test]
fn shares_summing_exactly_to_received_are_allowed() {
    assert!(plan_payout(&with_shares("a:6000,b:4000", 10_000), 0).is_ok());
    assert_eq!(
        reject(&with_shares("a:6000,b:4001", 10_000)),
        RejectReason::AmountExceedsReceived {
            total: 10_001,
            received: 10_000
        }
    );
}

#[test]
fn whitespace_is_tolerated_around_every_part() {
    let f = facts(
        &[
            (ORDER_ID_KEY, "  ord_1 \n"),
            (SHARES_KEY, "  a : 100 ,\tb:200  "),
        ],
        300,
        " USD ",
        Some("ch_1"),
    );
    let plan = plan_payout(&f, 0).unwrap();
    assert_eq!(plan.order_id, "ord_1");
    assert_eq!(plan.currency.as_str(), "usd");
    assert_eq!(plan.shares[0].seller, "a");
    assert_eq!(plan.shares[1].gross, 200);
}

#[test]
fn missing_or_invalid_order_id_is_rejected() {
    let long = "o".repeat(65);
    for meta in [
        vec![(SHARES_KEY, "a:1")],
        vec![(ORDER_ID_KEY, ""), (SHARES_KEY, "a:1")],
        vec![(ORDER_ID_KEY, "   "), (SHARES_KEY, "a:1")],
        vec![(ORDER_ID_KEY, "ord 1"), (SHARES_KEY, "a:1")],
        vec![(ORDER_ID_KEY, "ord:1"), (SHARES_KEY, "a:1")],
        vec![(ORDER_ID_KEY, "ordé"), (SHARES_KEY, "a:1")],
        vec![(ORDER_ID_KEY, long.as_str()), (SHARES_KEY, "a:1")],
    ] {
        assert_eq!(
            reject(&facts(&meta, 10, "usd", Some("ch"))),
            RejectReason::MissingOrderId,
            "{meta:?}"
        );
    }
    assert!(
        plan_payout(
            &facts(
                &[(ORDER_ID_KEY, &"o".repeat(64)), (SHARES_KEY, "a:1")],
                10,
                "usd",
                Some("ch")
            ),
            0
        )
        .is_ok()
    );
}

#[test]
fn missing_shares_is_rejected() {
    for meta in [
        vec![(ORDER_ID_KEY, "o")],
        vec![(ORDER_ID_KEY, "o"), (SHARES_KEY, "")],
        vec![(ORDER_ID_KEY, "o"), (SHARES_KEY, " \t ")],
    ] {
        assert_eq!(
            reject(&facts(&meta, 10, "usd", Some("ch"))),
            RejectReason::MissingShares
        );
    }
}

#[test]
fn malformed_entries_are_rejected() {
    let long_seller = format!("{}:1", "s".repeat(65));
    for shares in [
        "a",
        "a:",
        ":5",
        "a:-5",
        "a:+5",
        "a:1.5",
        "a:0",
        "a:00",
        "a:1e3",
        "a:5x",
        "a:0x10",
        "a:1:2",
        "a:1,",
        ",a:1",
        "a:1,,b:2",
        "a b:1",
        "a:1 2",
        "a;1",
        "ä:1",
        "a:٣",
        "a:99999999999999999999",
        long_seller.as_str(),
    ] {
        match reject(&with_shares(shares, i64::MAX)) {
            RejectReason::MalformedShare(entry) => assert!(entry.chars().count() <= 80, "{shares}"),
            other => panic!("{shares}: {other:?}"),
        }
    }
}

#[test]
fn malformed_entry_is_quoted_briefly() {
    let huge = format!("{}:x", "s".repeat(500));
    match reject(&with_shares(&huge, 10)) {
        RejectReason::MalformedShare(entry) => assert_eq!(entry.len(), 80),
        other => panic!("{other:?}"),
    }
}

#[test]
fn leading_zeros_and_largest_amount_parse() {
    let plan = plan_payout(&with_shares("a:007", 7), 0).unwrap();
    assert_eq!(plan.shares[0].gross, 7);
    let max = i64::MAX.to_string();
    let plan = plan_payout(&with_shares(&format!("a:{max}"), i64::MAX), 1000).unwrap();
    let s = &plan.shares[0];
    assert_eq!(s.gross, i64::MAX);
    assert_eq!(s.fee + s.net, s.gross);
    assert_eq!(s.fee, i64::MAX / 10 + 1); // 922337203685477580.7 rounds up
}

#[test]
fn duplicate_sellers_are_rejected_even_with_whitespace() {
    assert_eq!(
        reject(&with_shares("a:1,b:2, a :3", 100)),
        RejectReason::DuplicateSeller("a".into())
    );
    // Ids are case-sensitive: these are two sellers.
    assert!(plan_payout(&with_shares("a:1,A:2", 100), 0).is_ok());
}

#[test]
fn at_most_max_sellers() {
    let entries = |n: usize| {
        (0..n)
            .map(|i| format!("s{i}:1"))
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(
        plan_payout(&with_shares(&entries(MAX_SELLERS), 1000), 0)
            .unwrap()
            .shares
            .len(),
        MAX_SELLERS
    );
    assert_eq!(
        reject(&with_shares(&entries(MAX_SELLERS + 1), 1000)),
        RejectReason::TooManySellers
    );
    assert_eq!(
        reject(&with_shares(&entries(500), 1000)),
        RejectReason::TooManySellers
    );
}

#[test]
fn totals_over_received_are_rejected_without_overflow() {
    let max = i64::MAX;
    assert_eq!(
        reject(&with_shares(&format!("a:{max},b:{max}"), max)),
        RejectReason::AmountExceedsReceived {
            total: max,
            received: max
        }
    );
    assert_eq!(
        reject(&with_shares("a:1", 0)),
        RejectReason::AmountExceedsReceived {
            total: 1,
            received: 0
        }
    );
    assert_eq!(
        reject(&with_shares("a:1", -5)),
        RejectReason::AmountExceedsReceived {
            total: 1,
            received: -5
        }
    );
}

#[test]
fn unknown_currency_is_rejected() {
    for currency in ["xyz", "", "us d", "usdd", "€"] {
        let f = facts(
            &[(ORDER_ID_KEY, "o"), (SHARES_KEY, "a:1")],
            10,
            currency,
            Some("ch"),
        );
        assert_eq!(reject(&f), RejectReason::UnknownCurrency(currency.into()));
    }
}

#[test]
fn missing_charge_is_rejected() {
    let f = facts(&[(ORDER_ID_KEY, "o"), (SHARES_KEY, "a:1")], 10, "eur", None);
    assert_eq!(reject(&f), RejectReason::MissingCharge);
}

#[test]
fn first_problem_in_documented_order_wins() {
    // order id, then currency, then shares, then total, then charge.
    let f = facts(&[(SHARES_KEY, "bad")], 0, "xyz", None);
    assert_eq!(reject(&f), RejectReason::MissingOrderId);
    let f = facts(&[(ORDER_ID_KEY, "o"), (SHARES_KEY, "bad")], 0, "xyz", None);
    assert!(matches!(reject(&f), RejectReason::UnknownCurrency(_)));
    let f = facts(&[(ORDER_ID_KEY, "o"), (SHARES_KEY, "a:5")], 0, "usd", None);
    assert!(matches!(
        reject(&f),
        RejectReason::AmountExceedsReceived { .. }
    ));
}

#[test]
fn reject_codes_are_stable_and_distinct() {
    let all = [
        (RejectReason::MissingOrderId, "missing_order_id"),
        (RejectReason::MissingShares, "missing_shares"),
        (RejectReason::MalformedShare("x".into()), "malformed_share"),
        (
            RejectReason::DuplicateSeller("x".into()),
            "duplicate_seller",
        ),
        (RejectReason::TooManySellers, "too_many_sellers"),
        (
            RejectReason::AmountExceedsReceived {
                total: 2,
                received: 1,
            },
            "amount_exceeds_received",
        ),
        (
            RejectReason::UnknownCurrency("x".into()),
            "unknown_currency",
        ),
        (RejectReason::MissingCharge, "missing_charge"),
    ];
    let codes: BTreeSet<_> = all.iter().map(|(r, _)| r.code()).collect();
    assert_eq!(codes.len(), all.len());
    for (reason, code) in all {
        assert_eq!(reason.code(), code);
        assert!(!reason.to_string().is_empty());
    }
}

#[test]
fn order_id_is_readable_from_a_rejected_payment() {
    let f = facts(
        &[(ORDER_ID_KEY, " o-1 "), (SHARES_KEY, "bad")],
        0,
        "xyz",
        None,
    );
    assert_eq!(order_id_of(&f.metadata), Some("o-1"));
    assert_eq!(order_id_of(&BTreeMap::new()), None);
}

#[test]
fn valid_ids() {
    for id in ["a", "A-z_0", &"x".repeat(64)] {
        assert!(is_valid_id(id), "{id}");
    }
    for id in ["", " a", "a:b", "a,b", "a/b", "é", &"x".repeat(65)] {
        assert!(!is_valid_id(id), "{id}");
    }
}

#[test]
fn a_payment_with_neither_order_id_nor_shares_is_not_a_marketplace_payment() {
    let meta = |kv: &[(&str, &str)]| facts(kv, 100, "usd", Some("ch_1")).metadata;
    assert!(!is_marketplace_payment(&meta(&[])));
    assert!(!is_marketplace_payment(&meta(&[("subscription", "sub_1")])));
    // Either key makes it ours: malformed metadata is then rejected, never silently skipped.
    assert!(is_marketplace_payment(&meta(&[(ORDER_ID_KEY, "")])));
    assert!(is_marketplace_payment(&meta(&[(SHARES_KEY, "usr_a:100")])));
    assert!(is_marketplace_payment(&meta(&[
        (ORDER_ID_KEY, "ord_1"),
        (SHARES_KEY, "x")
    ])));
}
