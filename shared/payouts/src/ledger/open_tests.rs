//! Claims and openness: a reversal attempt is claimed without moving money or the key round, and
//! a share is open exactly while money may still move or someone must look.

use super::tests::{NOW, STATES, in_state};
use super::*;

#[test]
fn a_reversal_attempt_is_claimed_without_touching_money_or_the_key_round() {
    let transferred = in_state(ShareState::Transferred);
    let claimed = transferred.begin_reversal(NOW).unwrap();
    assert_eq!(claimed.reversal_attempts, transferred.reversal_attempts + 1);
    assert_eq!(
        (claimed.refunded, claimed.key_round, claimed.transferred),
        (
            transferred.refunded,
            transferred.key_round,
            transferred.transferred
        )
    );
    // The key of the attempt is the share's current round's key for the base.
    assert_eq!(claimed.reversal_key(0), transferred.reversal_key(0));
}

#[test]
fn open_means_money_may_still_move_or_someone_must_look() {
    for state in STATES {
        let share = in_state(state);
        let expected = matches!(state, ShareState::Pending | ShareState::Held);
        assert_eq!(share.is_open(), expected, "{state:?}");
        let flagged = share.flag_attention("look", NOW).unwrap();
        assert!(flagged.is_open(), "{state:?} with a note");
        assert_eq!(flagged.clear_attention(NOW).unwrap().is_open(), expected);
    }
}
