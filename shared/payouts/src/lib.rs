//! The payout domain: seller account state, the payout plan (shares, platform fee, rounding),
//! ledger transitions and refund apportioning. Pure code, no I/O: adapters implement [`ports`].
//!
//! Money is always an integer amount of minor units (cents) with its currency; see [`money`].
//!
//! For tests only, two features: `memory` adds in-memory adapters of the storage ports
//! (`memory`), and `contract` the suites that prove them equal to the DynamoDB ones (`contract`).

pub mod account;
pub mod claims;
pub mod clock;
#[cfg(feature = "contract")]
pub mod contract;
pub mod history;
pub mod keys;
pub mod ledger;
#[cfg(feature = "memory")]
pub mod memory;
pub mod money;
pub mod plan;
pub mod ports;
pub mod queue;
pub mod rate;
pub mod refund;
pub mod seller_view;
pub mod settlement;
#[cfg(test)]
mod testkit;

pub use account::{AccountFlags, OnboardingStatus, SellerAccount};
pub use ledger::{
    LedgerShare, PaymentRecord, PaymentStatus, ShareDecision, ShareState, TransitionError,
    decide_share,
};
pub use money::{Currency, Money};
pub use plan::{PaymentFacts, PayoutPlan, RejectReason, Share};
pub use settlement::{Presentment, Settlement};

/// The marketplace's user id (the JWT `sub`) of a seller.
pub type UserId = String;
