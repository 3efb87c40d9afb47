//! The wall clock, in the units the ledger and Stripe use. The only impure part of this crate:
//! flows take `now` as a value from their caller (tests pass any time they like); only the edges
//! (a delivery, a reconcile run, an API request) read it here.

/// Unix seconds.
pub fn unix_now() -> i64 {
    unix_now_ms().div_euclid(1000)
}

/// Unix milliseconds (orders reads of Stripe that happen within one second).
pub fn unix_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
