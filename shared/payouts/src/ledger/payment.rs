//! Payment record transitions (see [`super::transitions`] for the rules they share).

use super::transitions::TransitionError;
use crate::plan::{PaymentFacts, PayoutPlan, RejectReason};
use crate::{PaymentRecord, PaymentStatus};

impl PaymentRecord {
    /// The record of a payment accepted for payout, version 1.
    pub fn accepted(plan: &PayoutPlan, now: i64) -> PaymentRecord {
        PaymentRecord {
            order_id: plan.order_id.clone(),
            payment_intent_id: plan.payment_intent_id.clone(),
            charge_id: Some(plan.charge_id.clone()),
            currency: plan.currency.as_str().to_string(),
            amount_received: plan.amount_received,
            status: PaymentStatus::Accepted,
            shares: plan.shares.clone(),
            refunded_applied: 0,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    /// The record of a rejected payment, version 1. `order_id` is the metadata's order id when it
    /// is valid, else a stand-in the caller chooses (e.g. the PaymentIntent id).
    pub fn rejected(
        order_id: &str,
        facts: &PaymentFacts,
        reason: &RejectReason,
        now: i64,
    ) -> PaymentRecord {
        PaymentRecord {
            order_id: order_id.to_string(),
            payment_intent_id: facts.payment_intent_id.clone(),
            charge_id: facts.charge_id.clone(),
            currency: facts.currency.clone(),
            amount_received: facts.amount_received,
            status: PaymentStatus::Rejected {
                reason: reason.code().to_string(),
                detail: reason.to_string(),
            },
            shares: Vec::new(),
            refunded_applied: 0,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    /// The accepted plan this record claimed (to write its shares from), `None` for a rejected
    /// payment.
    pub fn plan(&self) -> Option<PayoutPlan> {
        if self.status != PaymentStatus::Accepted {
            return None;
        }
        Some(PayoutPlan {
            order_id: self.order_id.clone(),
            payment_intent_id: self.payment_intent_id.clone(),
            charge_id: self.charge_id.clone()?,
            currency: crate::Currency::parse(&self.currency)?,
            amount_received: self.amount_received,
            shares: self.shares.clone(),
        })
    }

    /// Stripe's cumulative `amount_refunded` (clamped to `0..=amount_received`) is now applied to
    /// the shares. A stale or duplicate total does not advance, and a rejected payment has no
    /// shares to apply it to: both are errors the caller treats as "nothing to do".
    pub fn apply_refund(
        &self,
        amount_refunded: i64,
        now: i64,
    ) -> Result<PaymentRecord, TransitionError> {
        if self.status != PaymentStatus::Accepted {
            return Err(TransitionError::PaymentRejected);
        }
        let total = amount_refunded.clamp(0, self.amount_received.max(0));
        if total <= self.refunded_applied {
            return Err(TransitionError::RefundNotAdvancing {
                amount_refunded,
                applied: self.refunded_applied,
            });
        }
        let mut next = self.clone();
        next.refunded_applied = total;
        next.version = self.version.saturating_add(1);
        next.updated_at = now;
        Ok(next)
    }
}
