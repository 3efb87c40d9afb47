//! The payout domain: seller account state, the payout plan (shares, platform fee, rounding),
//! ledger transitions and refund apportioning. Pure code, no I/O: adapters implement [`ports`].
//!
//! Money is always an integer amount of minor units (cents) with its currency; see [`money`].

pub mod account;
pub mod clock;
pub mod keys;
pub mod ledger;
pub mod money;
pub mod plan;
pub mod ports;
pub mod refund;
#[cfg(test)]
mod testkit;

pub use account::{AccountFlags, OnboardingStatus, SellerAccount};
pub use ledger::{
    LedgerShare, PaymentRecord, PaymentStatus, ShareDecision, ShareState, TransitionError,
    decide_share,
};
pub use money::{Currency, Money};
pub use plan::{PaymentFacts, PayoutPlan, RejectReason, Share};

/// The marketplace's user id (the JWT `sub`) of a seller.
pub type UserId = String;
