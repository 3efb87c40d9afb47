//! Deterministic Stripe idempotency keys: the same logical operation always sends the same key,
//! so a retry (ours or Stripe's webhook redelivery) can never create a second object.
//!
//! Transfer and reversal keys carry the share's key round (`LedgerShare::key_round`, see
//! [`with_round`]): after Stripe refuses a request it answers the same refusal to that key for
//! 24 h, so the attempt after a refusal must send a new key.
//!
//! Parts are joined with `:`, a character ids cannot contain ([`crate::plan::is_valid_id`]
//! allows `[A-Za-z0-9_-]`), so two different (order, seller) pairs can never produce one key
//! (with `-` as the separator, order `a-b` + seller `c` and order `a` + seller `b-c` collided).
//! Stripe keys are at most 255 characters: with ids of at most 64 characters the longest key
//! here is 9 + 64 + 1 + 64 + 1 + 20 = 159, 171 with a round suffix. User ids from elsewhere (the
//! JWT `sub`) must pass [`crate::plan::is_valid_id`] before they go into [`account_key`].

/// Creating the seller's Express account: concurrent first calls by one seller share one account.
pub fn account_key(user_id: &str) -> String {
    format!("veza-acct:{user_id}")
}

/// The one transfer of a seller's share of an order (also used when a held share is released),
/// in key round `round`.
pub fn transfer_key(order_id: &str, seller: &str, round: u32) -> String {
    with_round(&format!("veza-tr:{order_id}:{seller}"), round)
}

/// One reversal of a seller's transfer for an order, keyed by the reversal's starting point and
/// not by its target: `base` is the share's reversed total *before* the reversal (refunds
/// withheld before the transfer plus what Stripe has reversed since), in key round `round`.
/// Every delivery of the same refund step computes the same base, so a redelivery sends the same
/// key; two refund steps racing from the same base send the same key with different amounts, and
/// Stripe executes only one of them (the other gets an `idempotency_error`) instead of both.
pub fn reversal_key(order_id: &str, seller: &str, base: i64, round: u32) -> String {
    with_round(&format!("veza-trr:{order_id}:{seller}:{base}"), round)
}

/// One repayment transfer of a seller's share (a failed refund, a won dispute), keyed like a
/// reversal by its starting point: `base` is the share's repaid total *before* it (what Stripe
/// holds in the share's repayment transfers), in key round `round`. Every delivery of the same
/// step computes the same base and sends the same key; two racing steps from one base send one key
/// and Stripe executes only one of them.
pub fn repay_key(order_id: &str, seller: &str, base: i64, round: u32) -> String {
    with_round(&format!("veza-rp:{order_id}:{seller}:{base}"), round)
}

/// How long after its first use a key is still certainly held by Stripe: it replays the first
/// result for "at least 24 hours"; an hour of margin covers clock skew and a slow attempt. Within
/// it, sending the key again is enough to find out what an unanswered attempt did.
pub const KEY_HELD_SECS: i64 = 23 * 3600;

/// `key` for retry round `round` (after Stripe refused the request under the previous key, which it
/// keeps answering for 24 h): round 0 is `key` itself, later rounds append `:r<round>`. The `:`
/// keeps rounds from colliding with other ids (a `-r1` suffix would equal seller `s-r1`'s key).
pub fn with_round(key: &str, round: u32) -> String {
    if round == 0 {
        key.to_string()
    } else {
        format!("{key}:r{round}")
    }
}

#[cfg(test)]
mod tests;
