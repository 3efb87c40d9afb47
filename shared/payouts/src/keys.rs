//! Deterministic Stripe idempotency keys: the same logical operation always sends the same key,
//! so a retry (ours or Stripe's webhook redelivery) can never create a second object.
//! Stripe keys are at most 255 characters; ids are bounded well below that by [`crate::plan`].

/// Creating the seller's Express account: concurrent first calls by one seller share one account.
pub fn account_key(user_id: &str) -> String {
    format!("veza-acct-{user_id}")
}

/// The one transfer of a seller's share of an order (also used when a held share is released).
pub fn transfer_key(order_id: &str, seller: &str) -> String {
    format!("veza-tr-{order_id}-{seller}")
}

/// A reversal that brings a seller's reversed total for an order to `cumulative_target`:
/// a redelivered refund event computes the same target, hence the same key.
pub fn reversal_key(order_id: &str, seller: &str, cumulative_target: i64) -> String {
    format!("veza-trr-{order_id}-{seller}-{cumulative_target}")
}
