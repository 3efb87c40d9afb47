//! Integer minor units with a currency. No floats anywhere near money.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Currencies we accept for payouts (lower-case ISO 4217, as Stripe spells them).
/// A payment in any other currency is rejected rather than guessed at.
const SUPPORTED: &[&str] = &[
    "aud", "bgn", "brl", "cad", "chf", "czk", "dkk", "eur", "gbp", "hkd", "huf", "jpy", "mxn",
    "nok", "nzd", "pln", "ron", "sek", "sgd", "usd",
];

/// A supported, lower-case ISO 4217 currency code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// Parses a currency code (case-insensitive); `None` for anything we do not support.
    pub fn parse(code: &str) -> Option<Currency> {
        let lower = code.trim().to_ascii_lowercase();
        SUPPORTED
            .contains(&lower.as_str())
            .then_some(Currency(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value).ok_or_else(|| format!("unsupported currency {value:?}"))
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount of minor units in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: i64, currency: Currency) -> Money {
        Money { amount, currency }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_supported_currencies_case_insensitively() {
        for code in SUPPORTED {
            assert_eq!(Currency::parse(code).unwrap().as_str(), *code);
            assert_eq!(
                Currency::parse(&code.to_uppercase()).unwrap().as_str(),
                *code
            );
        }
        assert_eq!(Currency::parse(" Eur\n").unwrap().to_string(), "eur");
    }

    #[test]
    fn rejects_anything_else() {
        for code in ["", "xyz", "us", "usdd", "u s d", "€", "ＵＳＤ"] {
            assert_eq!(Currency::parse(code), None, "{code}");
        }
    }

    #[test]
    fn serde_round_trips_and_refuses_unsupported() {
        let m = Money::new(1234, Currency::parse("gbp").unwrap());
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json, serde_json::json!({"amount": 1234, "currency": "gbp"}));
        assert_eq!(serde_json::from_value::<Money>(json).unwrap(), m);
        assert!(serde_json::from_str::<Currency>(r#""xyz""#).is_err());
        assert_eq!(
            serde_json::from_str::<Currency>(r#""USD""#)
                .unwrap()
                .as_str(),
            "usd"
        );
    }
}
