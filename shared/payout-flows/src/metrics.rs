//! Business metrics of the payout flows (docs/METRICS.md), as EMF records through the interceptors'
//! [`Metrics`]. Dimensions hold low-cardinality values only (currency, reason code, event type,
//! outcome); the event and order ids go in as root properties.

use interceptors::metrics::names;
use interceptors::{Metrics, Unit};

/// How a verified delivery ended (the `Outcome` dimension of `WebhookEvents`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The event's flow ran to the end.
    Processed,
    /// Already processed (the de-dup said so).
    Duplicate,
    /// Not an event (or account) this function acts on; the reason is logged.
    Ignored(&'static str),
    /// A payment recorded as rejected (malformed metadata or a second payment for an order).
    Rejected,
    /// Answered 5xx: Stripe redelivers.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Processed => "processed",
            Outcome::Duplicate => "duplicate",
            Outcome::Ignored(_) => "ignored",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
        }
    }
}

/// The business metrics of one event (or one re-drive of the reconciler).
#[derive(Clone, Debug)]
pub struct BusinessMetrics {
    metrics: Metrics,
    event_id: String,
    event_type: String,
}

impl BusinessMetrics {
    pub fn new(metrics: Metrics, event_id: &str, event_type: &str) -> Self {
        BusinessMetrics {
            metrics,
            event_id: event_id.to_owned(),
            event_type: event_type.to_owned(),
        }
    }

    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    fn emit_by(&self, dimension: &str, value: &str, order_id: &str, values: &[(&str, f64, Unit)]) {
        let mut record = self
            .metrics
            .record()
            .dimension(dimension, value)
            .dimension_set(&[names::FUNCTION, dimension])
            .property("event_id", &self.event_id)
            .property("order_id", order_id);
        for (name, v, unit) in values {
            record = record.value(name, *v, *unit);
        }
        self.metrics.emit(&record);
    }

    fn by_currency(&self, currency: &str, order_id: &str, values: &[(&str, f64, Unit)]) {
        self.emit_by(names::CURRENCY, currency, order_id, values);
    }

    fn by_reason(&self, reason: &str, order_id: &str, metric: &str) {
        self.emit_by(
            names::REASON,
            &reason_code(reason),
            order_id,
            &[(metric, 1.0, Unit::Count)],
        );
    }

    pub fn order_paid(&self, currency: &str, order_id: &str) {
        self.by_currency(
            currency,
            order_id,
            &[(names::ORDERS_PAID, 1.0, Unit::Count)],
        );
    }

    pub fn payment_rejected(&self, reason: &str, order_id: &str) {
        self.by_reason(reason, order_id, names::PAYMENTS_REJECTED);
    }

    pub fn transfer_created(&self, currency: &str, amount: i64, order_id: &str) {
        self.by_currency(
            currency,
            order_id,
            &[
                (names::TRANSFERS_CREATED, 1.0, Unit::Count),
                (names::TRANSFERRED_AMOUNT, amount as f64, Unit::None),
            ],
        );
    }

    pub fn transfer_failed(&self, reason: &str, order_id: &str) {
        self.by_reason(reason, order_id, names::TRANSFERS_FAILED);
    }

    pub fn share_held(&self, currency: &str, amount: i64, order_id: &str) {
        self.by_currency(
            currency,
            order_id,
            &[
                (names::SHARES_HELD, 1.0, Unit::Count),
                (names::HELD_AMOUNT, amount as f64, Unit::None),
            ],
        );
    }

    pub fn share_released(&self, currency: &str, order_id: &str) {
        self.by_currency(
            currency,
            order_id,
            &[(names::SHARES_RELEASED, 1.0, Unit::Count)],
        );
    }

    pub fn refund_applied(&self, currency: &str, amount: i64, order_id: &str) {
        self.by_currency(
            currency,
            order_id,
            &[
                (names::REFUNDS, 1.0, Unit::Count),
                (names::REFUNDED_AMOUNT, amount as f64, Unit::None),
            ],
        );
    }

    pub fn reversal_created(&self, currency: &str, amount: i64, order_id: &str) {
        self.by_currency(
            currency,
            order_id,
            &[
                (names::REVERSALS_CREATED, 1.0, Unit::Count),
                (names::REVERSED_AMOUNT, amount as f64, Unit::None),
            ],
        );
    }

    /// A seller repaid by a new transfer (a failed refund, a won dispute).
    pub fn repay_created(&self, currency: &str, amount: i64, order_id: &str) {
        self.by_currency(
            currency,
            order_id,
            &[
                (names::REPAYS_CREATED, 1.0, Unit::Count),
                (names::REPAID_AMOUNT, amount as f64, Unit::None),
            ],
        );
    }

    /// A refund that failed after it was reported (the money is back on the platform).
    pub fn refund_failed(&self, currency: &str, amount: i64, order_id: &str) {
        self.by_currency(
            currency,
            order_id,
            &[
                (names::REFUNDS_FAILED, 1.0, Unit::Count),
                (names::FAILED_REFUND_AMOUNT, amount as f64, Unit::None),
            ],
        );
    }

    /// A refund whose seller metadata was rejected: nothing moved, a human must look.
    pub fn refund_rejected(&self, reason: &str, order_id: &str) {
        self.by_reason(reason, order_id, names::REFUNDS_REJECTED);
    }

    /// A dispute recorded at `stage` (`Stage` dimension: open, withdrawn, reinstated, lost,
    /// closed), with its amount.
    pub fn dispute_recorded(&self, currency: &str, stage: &str, amount: i64, order_id: &str) {
        let record = self
            .metrics
            .record()
            .dimension(names::CURRENCY, currency)
            .dimension(names::STAGE, stage)
            .dimension_set(&[names::FUNCTION, names::CURRENCY, names::STAGE])
            .count(names::DISPUTES, 1.0)
            .value(names::DISPUTED_AMOUNT, amount as f64, Unit::None)
            .property("event_id", &self.event_id)
            .property("order_id", order_id);
        self.metrics.emit(&record);
    }

    pub fn reversal_failed(&self, reason: &str, order_id: &str) {
        self.by_reason(reason, order_id, names::REVERSALS_FAILED);
    }

    /// Stripe refused a read for good (400/403: the platform cannot see the object); no retry
    /// fixes it, so the step is answered and a human is alarmed. `object` names what was read
    /// (e.g. `account`), as a property: it is not an order.
    pub fn stripe_refused(&self, reason: &str, object: &str) {
        let record = self
            .metrics
            .record()
            .dimension(names::REASON, reason_code(reason))
            .dimension_set(&[names::FUNCTION, names::REASON])
            .count(names::STRIPE_REFUSALS, 1.0)
            .property("event_id", &self.event_id)
            .property("object", object);
        self.metrics.emit(&record);
    }

    pub fn onboarding_completed(&self, user_id: &str) {
        let record = self
            .metrics
            .record()
            .dimension_set(&[names::FUNCTION])
            .count(names::ONBOARDINGS_COMPLETED, 1.0)
            .property("event_id", &self.event_id)
            .property("user_id", user_id);
        self.metrics.emit(&record);
    }

    /// `WebhookEvents` for every verified delivery.
    pub fn webhook_event(&self, outcome: Outcome) {
        let event_type = reason_code(&self.event_type);
        let record = self
            .metrics
            .record()
            .dimension(names::EVENT_TYPE, event_type)
            .dimension(names::OUTCOME, outcome.as_str())
            .dimension_set(&[names::FUNCTION, names::EVENT_TYPE, names::OUTCOME])
            .count(names::WEBHOOK_EVENTS, 1.0)
            .property("event_id", &self.event_id);
        let record = match outcome {
            Outcome::Ignored(why) => record.property("ignored_because", why),
            _ => record,
        };
        self.metrics.emit(&record);
    }
}

/// A dimension-safe code: Stripe's codes and event types are short `[a-z0-9_.]` strings; anything
/// else (or empty) is folded so a surprising value cannot explode the metric's cardinality.
pub fn reason_code(raw: &str) -> String {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
    if ok {
        raw.to_owned()
    } else {
        "other".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interceptors::metrics::{MemorySink, validate};

    #[test]
    fn records_are_valid_emf_with_ids_as_properties() {
        let sink = MemorySink::new();
        let biz = BusinessMetrics::new(
            Metrics::new("webhook", sink.clone()),
            "evt_1",
            "payment_intent.succeeded",
        );
        biz.transfer_created("eur", 5400, "ord_1");
        biz.transfer_failed("Weird Code!", "ord_1");
        biz.onboarding_completed("usr_1");
        biz.webhook_event(Outcome::Ignored("unhandled_event"));
        let records = sink.records();
        assert_eq!(records.len(), 4);
        for r in &records {
            validate(r).unwrap();
            assert_eq!(r["event_id"], "evt_1");
        }
        assert_eq!(records[0]["TransferredAmount"], 5400.0);
        assert_eq!(records[0]["Currency"], "eur");
        assert_eq!(records[1]["Reason"], "other");
        assert_eq!(records[3]["Outcome"], "ignored");
        assert_eq!(records[3]["EventType"], "payment_intent.succeeded");
    }
}
