use std::collections::BTreeSet;

use super::*;
use crate::plan::is_valid_id;

const STRIPE_MAX_KEY: usize = 255;

fn max_id(c: char) -> String {
    std::iter::repeat_n(c, 64).collect()
}

#[test]
fn keys_are_deterministic() {
    assert_eq!(account_key("u1"), account_key("u1"));
    assert_eq!(transfer_key("o1", "s1", 0), transfer_key("o1", "s1", 0));
    assert_eq!(
        reversal_key("o1", "s1", 50, 1),
        reversal_key("o1", "s1", 50, 1)
    );
    assert_eq!(transfer_key("ord_1", "usr_a", 0), "veza-tr:ord_1:usr_a");
    assert_eq!(transfer_key("ord_1", "usr_a", 1), "veza-tr:ord_1:usr_a:r1");
    assert_eq!(
        reversal_key("ord_1", "usr_a", 250, 0),
        "veza-trr:ord_1:usr_a:250"
    );
    assert_eq!(
        reversal_key("ord_1", "usr_a", 250, 2),
        "veza-trr:ord_1:usr_a:250:r2"
    );
    assert_eq!(account_key("usr_a"), "veza-acct:usr_a");
}

#[test]
fn keys_fit_stripe_limit_for_max_length_ids() {
    let (order, seller) = (max_id('o'), max_id('s'));
    assert!(is_valid_id(&order) && is_valid_id(&seller));
    assert!(account_key(&seller).len() <= STRIPE_MAX_KEY);
    assert!(transfer_key(&order, &seller, u32::MAX).len() <= STRIPE_MAX_KEY);
    for base in [0, 1, i64::MAX, i64::MIN] {
        let key = reversal_key(&order, &seller, base, u32::MAX);
        assert!(key.len() <= STRIPE_MAX_KEY, "{}", key.len());
    }
    assert_eq!(reversal_key(&order, &seller, i64::MIN, 0).len(), 159);
    assert_eq!(reversal_key(&order, &seller, i64::MIN, u32::MAX).len(), 171);
}

#[test]
fn keys_of_different_operations_never_collide() {
    // Ids may contain '-' and '_': splitting them differently must not give the same key.
    let ids = [
        "a", "b", "a-b", "b-c", "c", "a_b", "ab", "1", "-", "_", "a-r1", "r1",
    ];
    let mut seen = BTreeSet::new();
    let mut count = 0;
    for order in ids {
        seen.insert(account_key(order));
        count += 1;
        for seller in ids {
            for round in 0..3 {
                seen.insert(transfer_key(order, seller, round));
                count += 1;
                for base in [0, 1, 12, 123] {
                    seen.insert(reversal_key(order, seller, base, round));
                    count += 1;
                }
            }
        }
    }
    assert_eq!(seen.len(), count);
}

#[test]
fn the_old_dash_separator_collision_is_gone() {
    assert_ne!(transfer_key("a-b", "c", 0), transfer_key("a", "b-c", 0));
    assert_ne!(
        reversal_key("o", "s-1", 2, 0),
        reversal_key("o", "s", 12, 0)
    );
}

#[test]
fn reversal_keys_differ_per_base_and_round() {
    assert_ne!(reversal_key("o", "s", 1, 0), reversal_key("o", "s", 2, 0));
    assert_ne!(reversal_key("o", "s", 1, 0), reversal_key("o", "s", 1, 1));
}

#[test]
fn round_zero_is_the_plain_key() {
    assert_eq!(with_round("veza-tr:o:s", 0), "veza-tr:o:s");
    assert_eq!(with_round("veza-tr:o:s", 2), "veza-tr:o:s:r2");
    // The suffix the webhook used first ("-r<n>") collides with another seller's plain key.
    assert_eq!(
        format!("{}-r1", transfer_key("o", "s", 0)),
        transfer_key("o", "s-r1", 0)
    );
    assert_ne!(transfer_key("o", "s", 1), transfer_key("o", "s-r1", 0));
}
