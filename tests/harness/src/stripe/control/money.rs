//! Money in and out through the control API: payments, refunds (and their failure), disputes,
//! balances.

use serde_json::{Value, json};

use super::{Control, str_of, strs};

/// A payment made through the control API.
#[derive(Clone, Debug)]
pub struct Payment {
    pub payment_intent: String,
    pub charge: String,
    /// The `payment_intent.succeeded` event.
    pub event: String,
}

/// A refund made through the control API.
#[derive(Clone, Debug)]
pub struct Refunded {
    pub id: String,
    /// `charge.refunded` (delivered at once when asked).
    pub event: String,
    /// `refund.created` (recorded; delivered on demand).
    pub refund_event: String,
}

/// A dispute opened through the control API.
#[derive(Clone, Debug)]
pub struct Disputed {
    pub id: String,
    /// `charge.dispute.created`, `charge.dispute.funds_withdrawn`.
    pub events: Vec<String>,
}

impl Control {
    /// A buyer pays `amount` for `order` whose metadata names the sellers' gross shares
    /// (`[("usr_a", 6000)]` → `veza_shares = usr_a:6000`). `deliver: false` only records the
    /// `payment_intent.succeeded` event.
    pub async fn pay(
        &self,
        order: &str,
        currency: &str,
        amount: i64,
        shares: &[(&str, i64)],
        deliver: bool,
    ) -> Payment {
        let shares: Vec<String> = shares.iter().map(|(s, g)| format!("{s}:{g}")).collect();
        let metadata = json!({ "veza_order_id": order, "veza_shares": shares.join(",") });
        self.pay_with_metadata(currency, amount, metadata, deliver)
            .await
    }

    pub async fn pay_with_metadata(
        &self,
        currency: &str,
        amount: i64,
        metadata: Value,
        deliver: bool,
    ) -> Payment {
        self.payment(json!({
            "currency": currency, "amount": amount, "metadata": metadata, "deliver": deliver,
        }))
        .await
    }

    /// A payment from a raw `POST /_control/payments` body (`order_id`, `transfer_group`, ...).
    pub async fn payment(&self, body: Value) -> Payment {
        let v = self.post("payments", body).await;
        Payment {
            payment_intent: str_of(&v["payment_intent"]["id"]),
            charge: str_of(&v["charge"]["id"]),
            event: str_of(&v["event_id"]),
        }
    }

    /// Refunds `amount` (or the rest) of a charge; returns the `charge.refunded` event id.
    pub async fn refund(&self, charge: &str, amount: Option<i64>, deliver: bool) -> String {
        let mut body = json!({ "deliver": deliver });
        if let Some(a) = amount {
            body["amount"] = json!(a);
        }
        let v = self.post(&format!("charges/{charge}/refunds"), body).await;
        str_of(&v["event_id"])
    }

    /// Refunds `amount` (or the rest) of a charge with refund `metadata`.
    pub async fn refund_with(
        &self,
        charge: &str,
        amount: Option<i64>,
        metadata: Value,
        deliver: bool,
    ) -> Refunded {
        let mut body = json!({ "deliver": deliver, "metadata": metadata });
        if let Some(a) = amount {
            body["amount"] = json!(a);
        }
        let v = self.post(&format!("charges/{charge}/refunds"), body).await;
        Refunded {
            id: str_of(&v["refund"]["id"]),
            event: str_of(&v["event_id"]),
            refund_event: str_of(&v["refund_event_id"]),
        }
    }

    /// Fails a succeeded refund; returns `refund.failed` and `charge.refund.updated`.
    pub async fn fail_refund(&self, refund: &str, deliver: bool) -> Vec<String> {
        let v = self
            .post(
                &format!("refunds/{refund}/fail"),
                json!({ "deliver": deliver }),
            )
            .await;
        strs(&v["event_ids"])
    }

    /// Opens a dispute of `amount` (or what is left unrefunded) on a charge.
    pub async fn dispute(&self, charge: &str, amount: Option<i64>, deliver: bool) -> Disputed {
        let mut body = json!({ "deliver": deliver });
        if let Some(a) = amount {
            body["amount"] = json!(a);
        }
        let v = self.post(&format!("charges/{charge}/disputes"), body).await;
        Disputed {
            id: str_of(&v["dispute"]["id"]),
            events: strs(&v["event_ids"]),
        }
    }

    /// Closes a dispute `won` or `lost`; returns its events (`funds_reinstated` when won, then
    /// `closed`).
    pub async fn close_dispute(&self, dispute: &str, outcome: &str, deliver: bool) -> Vec<String> {
        let body = json!({ "outcome": outcome, "deliver": deliver });
        let v = self.post(&format!("disputes/{dispute}/close"), body).await;
        strs(&v["event_ids"])
    }

    /// Sets one currency of an account's balance (`platform` for the platform's own).
    pub async fn set_balance(&self, account: &str, currency: &str, available: i64, pending: i64) {
        let body = json!({ "currency": currency, "available": available, "pending": pending });
        self.post(&format!("accounts/{account}/balance"), body)
            .await;
    }

    /// Sets one currency's available balance, leaving its pending amount as it is.
    pub async fn set_available(&self, account: &str, currency: &str, available: i64) {
        let body = json!({ "currency": currency, "available": available });
        self.post(&format!("accounts/{account}/balance"), body)
            .await;
    }

    /// Makes a charge's funds, and every transfer funded from it, available now (they are
    /// pending until the charge's `available_on` otherwise).
    pub async fn make_available(&self, charge: &str) {
        self.post(&format!("charges/{charge}/available"), json!({}))
            .await;
    }

    /// How long later charges stay pending (seconds; 0: available at once).
    pub async fn set_availability_delay(&self, seconds: i64) {
        self.post("availability", json!({ "delay_seconds": seconds }))
            .await;
    }
}
