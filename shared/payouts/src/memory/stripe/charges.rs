//! A buyer's money: payments, refunds (and their failure) and disputes, each returning the
//! events Stripe would send (recorded for the event source too).

use std::collections::BTreeMap;

use super::MemoryStripe;
use super::control::record_event;
use super::world::{Charge, World};
use crate::PaymentFacts;
use crate::claims::{DisputeStage, RefundStatus};
use crate::ports::{DisputeFacts, EventFacts, RefundFacts, RefundItem, StripeEvent};

/// A buyer's payment: its ids and its `payment_intent.succeeded` event.
#[derive(Clone, Debug)]
pub struct Paid {
    pub payment_intent: String,
    pub charge: String,
    pub event: StripeEvent,
}

/// A refund: its id, `charge.refunded` (the charge with all its refunds) and `refund.created`.
#[derive(Clone, Debug)]
pub struct Refunded {
    pub id: String,
    pub charge_refunded: StripeEvent,
    pub refund_created: StripeEvent,
}

/// A dispute: its id and its events (`charge.dispute.created`, `charge.dispute.funds_withdrawn`).
#[derive(Clone, Debug)]
pub struct Disputed {
    pub id: String,
    pub events: Vec<StripeEvent>,
}

/// A dispute as the double keeps it.
#[derive(Clone, Debug)]
pub struct Dispute {
    pub charge: String,
    pub amount: i64,
    /// Stripe's `status` (`needs_response`, `won`, `lost`).
    pub status: String,
    /// Balance transactions so far: one per withdrawal or reinstatement of funds.
    pub balance_transactions: usize,
}

impl MemoryStripe {
    /// A buyer pays `amount` for `order`, whose metadata names the sellers' gross shares
    /// (`[("usr_a", 6000)]` → `veza_shares = usr_a:6000`).
    pub fn pay(&self, order: &str, currency: &str, amount: i64, shares: &[(&str, i64)]) -> Paid {
        let shares: Vec<String> = shares.iter().map(|(s, g)| format!("{s}:{g}")).collect();
        let metadata = [("veza_order_id", order), ("veza_shares", &shares.join(","))];
        self.pay_with_metadata(currency, amount, &metadata)
    }

    /// A buyer pays `amount` with any PaymentIntent `metadata`.
    pub fn pay_with_metadata(
        &self,
        currency: &str,
        amount: i64,
        metadata: &[(&str, &str)],
    ) -> Paid {
        self.world(|w| {
            let (payment_intent, charge) = (w.id("pi"), w.id("ch"));
            let settled = w.settle(currency, amount);
            let facts = PaymentFacts {
                payment_intent_id: payment_intent.clone(),
                charge_id: Some(charge.clone()),
                amount_received: amount,
                currency: currency.to_owned(),
                metadata: to_map(metadata),
            };
            w.intents.insert(payment_intent.clone(), facts.clone());
            let record = Charge {
                payment_intent: payment_intent.clone(),
                amount,
                settled,
                available_on: w.now + w.availability_delay,
                refunds: Vec::new(),
            };
            w.charges.insert(charge.clone(), record);
            let event = record_event(
                w,
                "payment_intent.succeeded",
                None,
                EventFacts::Payment(facts),
            );
            Paid {
                payment_intent,
                charge,
                event,
            }
        })
    }

    /// Refunds `amount` of a charge (`None`: what is left of it) with refund `metadata`.
    pub fn refund(&self, charge: &str, amount: Option<i64>, metadata: &[(&str, &str)]) -> Refunded {
        self.world(|w| {
            let left = unrefunded(w, charge);
            let id = w.id("re");
            let item = RefundItem {
                id: id.clone(),
                amount: amount.unwrap_or(left),
                status: RefundStatus::Succeeded,
                metadata: to_map(metadata),
            };
            w.refunds.insert(id.clone(), item.clone());
            w.charges
                .get_mut(charge)
                .unwrap_or_else(|| panic!("no charge {charge}"))
                .refunds
                .push(id.clone());
            let all = refunds_of(w, charge);
            let charge_refunded = refund_event(w, "charge.refunded", charge, all);
            let refund_created = refund_event(w, "refund.created", charge, vec![item]);
            Refunded {
                id,
                charge_refunded,
                refund_created,
            }
        })
    }

    /// A succeeded refund fails (the money is back on the platform): `refund.failed` and
    /// `charge.refund.updated`.
    pub fn fail_refund(&self, refund: &str) -> Vec<StripeEvent> {
        self.world(|w| {
            let item = w
                .refunds
                .get_mut(refund)
                .unwrap_or_else(|| panic!("no refund {refund}"));
            item.status = RefundStatus::Failed;
            let item = item.clone();
            let charge = charge_of_refund(w, refund);
            ["refund.failed", "charge.refund.updated"]
                .map(|kind| refund_event(w, kind, &charge, vec![item.clone()]))
                .to_vec()
        })
    }

    /// The buyer disputes `amount` of a charge (`None`: what refunds left of it); the funds are
    /// withdrawn at once.
    pub fn dispute(&self, charge: &str, amount: Option<i64>) -> Disputed {
        self.world(|w| {
            let left = unrefunded(w, charge);
            let id = w.id("dp");
            let mut dispute = Dispute {
                charge: charge.to_owned(),
                amount: amount.unwrap_or(left),
                status: "needs_response".into(),
                balance_transactions: 0,
            };
            let created = dispute_event(w, "charge.dispute.created", &id, &dispute);
            dispute.balance_transactions = 1;
            let withdrawn = dispute_event(w, "charge.dispute.funds_withdrawn", &id, &dispute);
            w.disputes.insert(id.clone(), dispute);
            Disputed {
                id,
                events: vec![created, withdrawn],
            }
        })
    }

    /// Closes a dispute, won (`funds_reinstated`, then `closed`) or lost (`closed`).
    pub fn close_dispute(&self, dispute: &str, won: bool) -> Vec<StripeEvent> {
        self.world(|w| {
            let mut d = w.disputes.get(dispute).cloned().expect("a dispute");
            d.status = if won { "won" } else { "lost" }.into();
            let mut events = Vec::new();
            if won {
                d.balance_transactions += 1;
                events.push(dispute_event(
                    w,
                    "charge.dispute.funds_reinstated",
                    dispute,
                    &d,
                ));
            }
            events.push(dispute_event(w, "charge.dispute.closed", dispute, &d));
            w.disputes.insert(dispute.to_owned(), d);
            events
        })
    }
}

/// What live refunds left of a charge (what a full refund or a dispute takes by default).
fn unrefunded(w: &World, charge: &str) -> i64 {
    let refunded: i64 = refunds_of(w, charge)
        .iter()
        .filter(|r| r.status.is_live())
        .map(|r| r.amount)
        .sum();
    w.charges.get(charge).map_or(0, |c| c.amount) - refunded
}

fn refunds_of(w: &World, charge: &str) -> Vec<RefundItem> {
    let ids = w.charges.get(charge).map(|c| c.refunds.clone());
    ids.into_iter()
        .flatten()
        .filter_map(|id| w.refunds.get(&id).cloned())
        .collect()
}

fn charge_of_refund(w: &World, refund: &str) -> String {
    let found = w
        .charges
        .iter()
        .find(|(_, c)| c.refunds.iter().any(|r| r == refund));
    found.map(|(id, _)| id.clone()).expect("a refund's charge")
}

fn refund_event(w: &mut World, kind: &str, charge: &str, refunds: Vec<RefundItem>) -> StripeEvent {
    let facts = RefundFacts {
        charge_id: charge.to_owned(),
        payment_intent_id: w.charges.get(charge).map(|c| c.payment_intent.clone()),
        refunds,
    };
    record_event(w, kind, None, EventFacts::Refund(facts))
}

fn dispute_event(w: &mut World, kind: &str, id: &str, d: &Dispute) -> StripeEvent {
    let facts = DisputeFacts {
        dispute_id: id.to_owned(),
        charge_id: d.charge.clone(),
        payment_intent_id: w.charges.get(&d.charge).map(|c| c.payment_intent.clone()),
        amount: d.amount,
        stage: DisputeStage::of(kind, &d.status, d.balance_transactions),
    };
    record_event(w, kind, None, EventFacts::Dispute(facts))
}

fn to_map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}
