//! The platform's settlement currency and exchange rates (`/_control/settlement`).
//!
//! By default every charge settles in its own currency (a platform with a bank account in every
//! currency). With a settlement currency set, a charge in another currency settles in it at the
//! configured rate, as Stripe converts a charge when the platform cannot settle its currency: the
//! charge's balance transaction carries the converted `amount`, the `currency` and the
//! `exchange_rate`, and a transfer with `source_transaction` must be in that currency.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Zero-decimal currencies (Stripe's list): their minor unit is the major unit.
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementConfig {
    /// The platform's settlement currency; `None`: each charge settles in its own.
    #[serde(default)]
    pub currency: Option<String>,
    /// Presentment currency → units of the settlement currency per unit (major units, as
    /// Stripe's `exchange_rate`).
    #[serde(default)]
    pub rates: BTreeMap<String, f64>,
}

/// A charge's balance transaction amounts.
#[derive(Clone, Debug, PartialEq)]
pub struct Settled {
    pub currency: String,
    pub amount: i64,
    pub exchange_rate: Option<f64>,
}

impl SettlementConfig {
    /// How a charge of `amount` in `currency` settles; `Err` names the missing rate.
    pub fn settle(&self, currency: &str, amount: i64) -> Result<Settled, String> {
        let own = || Settled {
            currency: currency.to_owned(),
            amount,
            exchange_rate: None,
        };
        let Some(target) = self.currency.as_deref().filter(|t| *t != currency) else {
            return Ok(own());
        };
        let rate = *self.rates.get(currency).ok_or_else(|| {
            format!("No exchange rate from {currency} to {target}: set rates.{currency} with POST /_control/settlement.")
        })?;
        let major = amount as f64 / 10f64.powi(decimals(currency));
        Ok(Settled {
            currency: target.to_owned(),
            amount: (major * rate * 10f64.powi(decimals(target))).round() as i64,
            exchange_rate: Some(rate),
        })
    }
}

/// The charge's balance transaction (`expand[]=balance_transaction`), fixtures3.json's shape.
/// Pending until the charge's `available_on`, as Stripe shows it.
pub fn render_charge_txn(c: &crate::state::Charge, now: i64) -> Value {
    let status = if now >= c.available_on {
        "available"
    } else {
        "pending"
    };
    json!({
        "id": c.balance_transaction, "object": "balance_transaction", "amount": c.settled.amount,
        "available_on": c.available_on, "balance_type": "payments", "created": c.created,
        "currency": c.settled.currency, "description": null,
        "exchange_rate": c.settled.exchange_rate, "fee": 0, "fee_details": [],
        "net": c.settled.amount, "reporting_category": "charge", "source": c.id,
        "status": status, "type": "charge"
    })
}

fn decimals(currency: &str) -> i32 {
    if ZERO_DECIMAL.contains(&currency) {
        0
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur_platform() -> SettlementConfig {
        SettlementConfig {
            currency: Some("eur".into()),
            rates: BTreeMap::from([("usd".into(), 0.9173), ("jpy".into(), 0.006137)]),
        }
    }

    #[test]
    fn a_charge_in_the_settlement_currency_or_without_one_settles_as_is() {
        let same = eur_platform().settle("eur", 1000).unwrap();
        assert_eq!(
            (same.currency.as_str(), same.amount, same.exchange_rate),
            ("eur", 1000, None)
        );
        let none = SettlementConfig::default().settle("usd", 1000).unwrap();
        assert_eq!((none.currency.as_str(), none.amount), ("usd", 1000));
    }

    #[test]
    fn other_currencies_convert_by_major_units_and_round() {
        let usd = eur_platform().settle("usd", 10_000).unwrap();
        assert_eq!(
            (usd.currency.as_str(), usd.amount, usd.exchange_rate),
            ("eur", 9173, Some(0.9173))
        );
        // ¥10,000 (zero-decimal) at 0.006137 €/¥ = €61.37.
        assert_eq!(eur_platform().settle("jpy", 10_000).unwrap().amount, 6137);
    }

    #[test]
    fn a_missing_rate_is_refused_with_the_fix() {
        let err = eur_platform().settle("gbp", 100).unwrap_err();
        assert!(err.contains("rates.gbp"), "{err}");
    }
}
