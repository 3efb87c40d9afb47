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
            settlement: None,
            status: PaymentStatus::Accepted,
            shares: plan.shares.clone(),
            refunded_applied: 0,
            events: Default::default(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    /// This record with the charge's `settlement` (see [`PaymentRecord::settlement`]).
    pub fn settled_as(mut self, settlement: Option<crate::Settlement>) -> PaymentRecord {
        self.settlement = settlement;
        self
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
            settlement: None,
            status: PaymentStatus::Rejected {
                reason: reason.code().to_string(),
                detail: reason.to_string(),
            },
            shares: Vec::new(),
            refunded_applied: 0,
            events: Default::default(),
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

    /// The charge's refunds and disputes are now `events` (merged by the caller, see
    /// [`crate::claims::ChargeEvents`]); `refunded_applied` follows their live refund total. A
    /// rejected payment has no shares to apply them to: an error the caller treats as "nothing
    /// to do".
    pub fn record_events(
        &self,
        events: crate::claims::ChargeEvents,
        now: i64,
    ) -> Result<PaymentRecord, TransitionError> {
        if self.status != PaymentStatus::Accepted {
            return Err(TransitionError::PaymentRejected);
        }
        let mut next = self.clone();
        next.refunded_applied = events.refunded().clamp(0, self.amount_received.max(0));
        next.events = events;
        next.version = self.version.saturating_add(1);
        next.updated_at = now;
        Ok(next)
    }
}
