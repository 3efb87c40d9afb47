//! Pure ledger transitions. Each returns the *next* value (`version + 1`, `updated_at = now`) or
//! says why the move is illegal; the store writes it conditionally on the previous version, so a
//! concurrent or redelivered webhook loses the race instead of applying a step twice.
//!
//! ```text
//!            new_from_plan
//!        ┌─────────┼──────────────┐ (net == 0)
//!        v         v              v
//!     Pending    Held  ──withhold(net)──> Void
//!      │  ^ └hold_back┘ ^ │ withhold(< net)
//!      │  └──release_to─┘ └─> Held
//!      │ begin_transfer_attempt (Pending -> Pending, attempts + 1)
//!      v mark_transferred
//!   Transferred ──record_reversal──> Transferred
//!               ──begin_reversal──> Transferred (attempts + 1, before the Stripe call)
//!               ──refuse_reversal──> Transferred (key round + 1)
//! ```
//! `hold_back` is a refusal too: it starts a new key round. `flag_attention` / `clear_attention`
//! are allowed in every state.

use crate::ledger::KeyUse;
use crate::plan::{PayoutPlan, Share};
use crate::{LedgerShare, SellerAccount, ShareState};

/// What to do with a seller's share when the payment arrives (or the account changes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareDecision {
    /// The seller can be paid: transfer to this connected account.
    Transfer { destination: String },
    /// Keep the money until the seller can receive it; `reason` is a stable code for logs/metrics.
    Hold { reason: &'static str },
}

/// The seller has no Stripe account yet.
pub const HOLD_NO_ACCOUNT: &str = "no_account";
/// The account exists but Stripe does not let it receive transfers and pay out yet.
pub const HOLD_TRANSFERS_DISABLED: &str = "transfers_disabled";

/// Transfer when the seller's account can receive transfers (payouts enabled and the
/// `transfers` capability active), hold otherwise.
pub fn decide_share(account: Option<&SellerAccount>) -> ShareDecision {
    match account {
        None => ShareDecision::Hold {
            reason: HOLD_NO_ACCOUNT,
        },
        Some(a) if a.flags.can_receive_transfers() => ShareDecision::Transfer {
            destination: a.stripe_account_id.clone(),
        },
        Some(_) => ShareDecision::Hold {
            reason: HOLD_TRANSFERS_DISABLED,
        },
    }
}

/// Why a transition was refused. None of these is retryable: the caller reloads and decides again.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot {action} a {} share", state.as_str())]
    Illegal {
        action: &'static str,
        state: ShareState,
    },
    #[error("refund target {target} must be above {refunded} and at most {net}")]
    BadTarget {
        target: i64,
        refunded: i64,
        net: i64,
    },
    #[error("transfer amount {0} must be positive")]
    BadAmount(i64),
    #[error("missing {0}")]
    Missing(&'static str),
    #[error("refund total {amount_refunded} does not advance the {applied} already applied")]
    RefundNotAdvancing { amount_refunded: i64, applied: i64 },
    #[error("the payment was rejected: nothing was paid out")]
    PaymentRejected,
}

impl LedgerShare {
    /// The share as first recorded: `Pending` (to transfer) or `Held`, version 1. A share whose net
    /// is 0 (the fee took it all) owes nothing and starts `Void`: Stripe refuses 0-amount transfers.
    pub fn new_from_plan(
        plan: &PayoutPlan,
        share: &Share,
        decision: &ShareDecision,
        now: i64,
    ) -> LedgerShare {
        LedgerShare::new_settled(plan, share, None, decision, now)
    }

    /// [`LedgerShare::new_from_plan`] for a charge that settled as `settlement` (another
    /// currency): the share is converted ([`crate::settlement`]) and keeps what the buyer paid.
    pub fn new_settled(
        plan: &PayoutPlan,
        share: &Share,
        settlement: Option<&crate::Settlement>,
        decision: &ShareDecision,
        now: i64,
    ) -> LedgerShare {
        let (currency, presentment, share) = match settlement {
            None => (plan.currency.clone(), None, share.clone()),
            Some(settled) => (
                settled.currency.clone(),
                Some(crate::Presentment {
                    currency: plan.currency.clone(),
                    gross: share.gross,
                    fee: share.fee,
                    net: share.net,
                }),
                settled.convert_share(share, plan.amount_received),
            ),
        };
        let (state, destination) = match decision {
            _ if share.net <= 0 => (ShareState::Void, None),
            ShareDecision::Transfer { destination } => {
                (ShareState::Pending, Some(destination.clone()))
            }
            ShareDecision::Hold { .. } => (ShareState::Held, None),
        };
        LedgerShare {
            order_id: plan.order_id.clone(),
            seller: share.seller.clone(),
            currency,
            charge_id: Some(plan.charge_id.clone()),
            gross: share.gross,
            fee: share.fee,
            net: share.net,
            state,
            destination,
            transfer_id: None,
            transferred: 0,
            refunded: 0,
            transfer_attempts: 0,
            key_round: 0,
            transfer_key_use: None,
            reversal_attempts: 0,
            repaid: 0,
            repays: Vec::new(),
            repay_attempts: 0,
            applied: 0,
            presentment,
            dispute: None,
            attention: None,
            history: Vec::new(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
        .first_events()
    }

    pub(crate) fn next(&self, now: i64) -> LedgerShare {
        let mut next = self.clone();
        next.version = self.version.saturating_add(1);
        next.updated_at = now;
        next
    }

    pub(crate) fn require(
        &self,
        state: ShareState,
        action: &'static str,
    ) -> Result<(), TransitionError> {
        if self.state == state {
            Ok(())
        } else {
            Err(TransitionError::Illegal {
                action,
                state: self.state,
            })
        }
    }

    fn check_target(&self, target: i64) -> Result<(), TransitionError> {
        if target > self.refunded && target - self.repaid <= self.net {
            Ok(())
        } else {
            Err(TransitionError::BadTarget {
                target,
                refunded: self.refunded,
                net: self.net,
            })
        }
    }

    /// Records that a transfer of `outstanding()` is about to be attempted (written *before* the
    /// Stripe call): from the second attempt on, the caller looks the transfer up first.
    pub fn begin_transfer_attempt(&self, now: i64) -> Result<LedgerShare, TransitionError> {
        self.require(ShareState::Pending, "begin a transfer of")?;
        if self.destination.is_none() {
            return Err(TransitionError::Missing("destination"));
        }
        if self.outstanding() <= 0 {
            return Err(TransitionError::BadAmount(self.outstanding()));
        }
        let mut next = self.next(now);
        next.transfer_attempts = self.transfer_attempts.saturating_add(1);
        next.transfer_key_use = Some(match self.transfer_key_use {
            Some(used) => KeyUse {
                attempts: used.attempts.saturating_add(1),
                ..used
            },
            None => KeyUse {
                first_at: now,
                attempts: 1,
            },
        });
        Ok(next)
    }

    /// Stripe holds `transfer_id` for this share. The ledger records what Stripe says even when it
    /// differs from the plan (a transfer found by look-up after the share changed), and flags it.
    pub fn mark_transferred(
        &self,
        transfer_id: &str,
        amount: i64,
        destination: &str,
        now: i64,
    ) -> Result<LedgerShare, TransitionError> {
        self.require(ShareState::Pending, "mark transferred")?;
        if transfer_id.is_empty() {
            return Err(TransitionError::Missing("transfer id"));
        }
        if destination.is_empty() {
            return Err(TransitionError::Missing("destination"));
        }
        if amount <= 0 {
            return Err(TransitionError::BadAmount(amount));
        }
        let mut next = self.next(now);
        if amount != self.outstanding() {
            next.attention = Some(format!(
                "transferred {amount}, but {} was outstanding",
                self.outstanding()
            ));
        } else if self.destination.as_deref() != Some(destination) {
            next.attention = Some(format!(
                "transferred to {destination}, not the planned account"
            ));
        }
        next.state = ShareState::Transferred;
        next.transfer_id = Some(transfer_id.to_string());
        next.transferred = amount;
        next.destination = Some(destination.to_string());
        Ok(next)
    }

    /// Back to held: Stripe refused the transfer for good (e.g. the account lost its transfers
    /// capability); `reason` becomes the attention note. A new key round starts, since the refusal
    /// stays saved under the old key. `transfer_attempts` is kept, so a later release looks the
    /// transfer up first.
    pub fn hold_back(&self, reason: &str, now: i64) -> Result<LedgerShare, TransitionError> {
        self.require(ShareState::Pending, "hold back")?;
        let mut next = self.next(now);
        next.state = ShareState::Held;
        next.destination = None;
        next.attention = Some(reason.to_string());
        next.key_round = self.key_round.saturating_add(1);
        next.transfer_key_use = None;
        Ok(next)
    }

    /// The seller can now be paid: the held share becomes `Pending` towards `destination`.
    pub fn release_to(&self, destination: &str, now: i64) -> Result<LedgerShare, TransitionError> {
        self.require(ShareState::Held, "release")?;
        if destination.is_empty() {
            return Err(TransitionError::Missing("destination"));
        }
        if self.outstanding() <= 0 {
            return Err(TransitionError::BadAmount(self.outstanding()));
        }
        let mut next = self.next(now);
        next.state = ShareState::Pending;
        next.destination = Some(destination.to_string());
        Ok(next)
    }

    /// A refund reduces a held share to `target` refunded (cumulative); at `net` nothing is owed
    /// any more and the share is `Void`.
    pub fn withhold(&self, target: i64, now: i64) -> Result<LedgerShare, TransitionError> {
        self.require(ShareState::Held, "withhold from")?;
        self.check_target(target)?;
        let mut next = self.next(now);
        next.refunded = target;
        if target == self.net {
            next.state = ShareState::Void;
        }
        Ok(next)
    }

    /// A reversal brought the transferred share's refunded total to `target` (cumulative).
    pub fn record_reversal(&self, target: i64, now: i64) -> Result<LedgerShare, TransitionError> {
        self.require(ShareState::Transferred, "record a reversal on")?;
        self.check_target(target)?;
        let mut next = self.next(now);
        next.refunded = target;
        Ok(next)
    }

    /// Claims one reversal attempt (written *before* the Stripe call). Only one of the deliveries
    /// holding the same version wins; a delivery holding a stale copy loses, reloads, and sends the
    /// current key round instead of pairing an old round with Stripe's current reversed total.
    pub fn begin_reversal(&self, now: i64) -> Result<LedgerShare, TransitionError> {
        self.require(ShareState::Transferred, "begin a reversal of")?;
        let mut next = self.next(now);
        next.reversal_attempts = self.reversal_attempts.saturating_add(1);
        Ok(next)
    }

    /// Stripe refused a reversal (e.g. the seller's balance is too low): `reason` becomes the
    /// attention note and a new key round starts, so the next refund step can retry the whole
    /// missing amount under keys the refusal is not saved under.
    pub fn refuse_reversal(&self, reason: &str, now: i64) -> Result<LedgerShare, TransitionError> {
        self.require(ShareState::Transferred, "refuse a reversal of")?;
        let mut next = self.next(now);
        next.attention = Some(reason.to_string());
        next.key_round = self.key_round.saturating_add(1);
        Ok(next)
    }

    /// A human must look (e.g. a transfer that differs from the plan). Kept until
    /// [`LedgerShare::clear_attention`], even if a later step succeeds.
    pub fn flag_attention(&self, reason: &str, now: i64) -> Result<LedgerShare, TransitionError> {
        let mut next = self.next(now);
        next.attention = Some(reason.to_string());
        Ok(next)
    }

    pub fn clear_attention(&self, now: i64) -> Result<LedgerShare, TransitionError> {
        let mut next = self.next(now);
        next.attention = None;
        Ok(next)
    }
}
