//! The time source, in the units the ledger and Stripe use. The only impure part of this crate:
//! flows take `now` as a value or a [`Clock`] from their dependencies, so tests move time (past a
//! cache TTL, a state's lifetime) with a [`ManualClock`] instead of sleeping; production wires
//! [`SystemClock`].

use std::sync::atomic::{AtomicI64, Ordering};

/// What "now" is for a function: passed through its dependencies.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Unix milliseconds (orders reads of Stripe that happen within one second).
    fn now_ms(&self) -> i64;

    /// Unix seconds.
    fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }
}

/// The wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        unix_now_ms()
    }
}

/// A clock tests set and move forward.
#[derive(Debug, Default)]
pub struct ManualClock {
    ms: AtomicI64,
}

impl ManualClock {
    /// Starts at the wall clock's time (so values compared with real timestamps stay sensible).
    pub fn starting_now() -> ManualClock {
        ManualClock {
            ms: AtomicI64::new(unix_now_ms()),
        }
    }

    pub fn advance_secs(&self, seconds: i64) {
        self.ms.fetch_add(seconds * 1000, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.ms.load(Ordering::SeqCst)
    }
}

/// The wall clock moved forward by what tests say: for a stack that runs on real time next to a
/// server whose clock a test advances (the local Stripe server's `/_control/clock`), so both see
/// the same day pass.
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset_ms: AtomicI64,
}

impl OffsetClock {
    pub fn advance_secs(&self, seconds: i64) {
        self.offset_ms.fetch_add(seconds * 1000, Ordering::SeqCst);
    }
}

impl Clock for OffsetClock {
    fn now_ms(&self) -> i64 {
        unix_now_ms() + self.offset_ms.load(Ordering::SeqCst)
    }
}

/// Unix seconds of the wall clock (for the edges that have no dependencies yet: a process
/// start, a test's own timestamps).
pub fn unix_now() -> i64 {
    unix_now_ms().div_euclid(1000)
}

/// Unix milliseconds of the wall clock.
pub fn unix_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let c = ManualClock::starting_now();
        let start = c.now_ms();
        assert_eq!(c.now_ms(), start);
        c.advance_secs(31);
        assert_eq!(c.now_ms(), start + 31_000);
        assert_eq!(c.now(), (start + 31_000).div_euclid(1000));
    }

    #[test]
    fn an_offset_clock_runs_ahead_of_the_wall_clock_by_what_it_was_told() {
        let c = OffsetClock::default();
        c.advance_secs(90_000);
        let ahead = c.now_ms() - unix_now_ms();
        assert!((89_999_000..=90_000_000).contains(&ahead), "{ahead}");
    }

    #[test]
    fn the_system_clock_is_the_wall_clock_in_both_units() {
        let (before, read, after) = (unix_now_ms(), SystemClock.now_ms(), unix_now_ms());
        assert!(before <= read && read <= after);
        assert!((SystemClock.now() - unix_now()).abs() <= 1);
    }
}
