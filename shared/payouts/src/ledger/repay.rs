//! Transitions for a claim that shrinks (a failed refund, a won dispute): a transferred share is
//! repaid by a new transfer (a reversal cannot be undone), a held (or voided) share gets back what
//! was withheld. Same rules as [`super::transitions`]: each returns the next version or an error.

use super::transitions::TransitionError;
use crate::{LedgerShare, ShareState};

impl LedgerShare {
    /// Claims one repayment attempt (written *before* the Stripe call, like
    /// [`LedgerShare::begin_reversal`]): a delivery holding a stale copy loses and re-decides.
    pub fn begin_repay(&self, now: i64) -> Result<LedgerShare, TransitionError> {
        self.require(ShareState::Transferred, "begin a repayment of")?;
        let mut next = self.next(now);
        next.repay_attempts = self.repay_attempts.saturating_add(1);
        Ok(next)
    }

    /// Stripe holds repayment transfer `transfer_id` of `amount` for this share.
    pub fn record_repay(
        &self,
        transfer_id: &str,
        amount: i64,
        now: i64,
    ) -> Result<LedgerShare, TransitionError> {
        self.require(ShareState::Transferred, "record a repayment on")?;
        if transfer_id.is_empty() {
            return Err(TransitionError::Missing("transfer id"));
        }
        if amount <= 0 || amount > self.taken() {
            return Err(TransitionError::BadAmount(amount));
        }
        let mut next = self.next(now);
        next.repaid = self.repaid + amount;
        next.repays.push(transfer_id.to_string());
        Ok(next)
    }

    /// The stage of the charge's dispute as this share has applied it.
    pub fn note_dispute(
        &self,
        stage: Option<crate::claims::DisputeStage>,
        now: i64,
    ) -> Result<LedgerShare, TransitionError> {
        let mut next = self.next(now);
        next.dispute = stage;
        Ok(next)
    }

    /// A held share's withholding goes back down to `target` (a refund failed, a dispute was
    /// won); a voided share owes the seller again and is held.
    pub fn restore(&self, target: i64, now: i64) -> Result<LedgerShare, TransitionError> {
        if !matches!(self.state, ShareState::Held | ShareState::Void) {
            return Err(TransitionError::Illegal {
                action: "restore",
                state: self.state,
            });
        }
        if target < 0 || target >= self.refunded {
            return Err(TransitionError::BadTarget {
                target,
                refunded: self.refunded,
                net: self.net,
            });
        }
        let mut next = self.next(now);
        next.refunded = target;
        next.state = ShareState::Held;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use crate::ShareState;
    use crate::ledger::tests::in_state;

    #[test]
    fn a_repayment_is_claimed_then_recorded_and_never_exceeds_what_was_taken() {
        let mut share = in_state(ShareState::Transferred);
        share.refunded = 500;
        let claimed = share.begin_repay(7).unwrap();
        assert_eq!(
            (claimed.repay_attempts, claimed.version),
            (1, share.version + 1)
        );
        assert!(claimed.record_repay("tr_r", 501, 8).is_err());
        let repaid = claimed.record_repay("tr_r", 300, 8).unwrap();
        assert_eq!((repaid.repaid, repaid.taken()), (300, 200));
        assert_eq!(repaid.repays, vec!["tr_r".to_string()]);
        assert!(in_state(ShareState::Held).begin_repay(1).is_err());
    }

    #[test]
    fn a_voided_share_is_held_again_when_its_claim_shrinks() {
        let mut void = in_state(ShareState::Void);
        void.refunded = void.net;
        let held = void.restore(100, 9).unwrap();
        assert_eq!((held.state, held.refunded), (ShareState::Held, 100));
        assert!(held.restore(100, 10).is_err());
        assert!(in_state(ShareState::Transferred).restore(0, 1).is_err());
    }
}
