use crate::ConfigError;
use crate::env::{Env, trim_slash};

/// DynamoDB table names (and an optional endpoint for local runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableNames {
    /// `SELLER_ACCOUNTS_TABLE`.
    pub seller_accounts: String,
    /// `PAYOUT_LEDGER_TABLE`.
    pub payout_ledger: String,
    /// `WEBHOOK_EVENTS_TABLE`.
    pub webhook_events: String,
    /// `BALANCE_CACHE_TABLE`.
    pub balance_cache: String,
    /// `DYNAMODB_ENDPOINT`: a DynamoDB-compatible endpoint (moto, DynamoDB Local) for local runs.
    pub dynamodb_endpoint: Option<String>,
}

impl TableNames {
    /// Loads from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(crate::env_lookup)
    }

    /// Loads through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        let dynamodb_endpoint = match env.optional("DYNAMODB_ENDPOINT") {
            Some(_) => Some(trim_slash(&env.http_url("DYNAMODB_ENDPOINT", None)?)),
            None => None,
        };
        Ok(Self {
            seller_accounts: table(&env, "SELLER_ACCOUNTS_TABLE")?,
            payout_ledger: table(&env, "PAYOUT_LEDGER_TABLE")?,
            webhook_events: table(&env, "WEBHOOK_EVENTS_TABLE")?,
            balance_cache: table(&env, "BALANCE_CACHE_TABLE")?,
            dynamodb_endpoint,
        })
    }
}

/// DynamoDB's naming rule: 3 to 255 of `[A-Za-z0-9_.-]`.
fn table(env: &Env<'_>, var: &'static str) -> Result<String, ConfigError> {
    let name = env.required(var)?;
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !(3..=255).contains(&name.len()) || !valid_chars {
        return Err(ConfigError::invalid(
            var,
            format!("{name:?} is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)"),
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::test_support::{lookup, with};

    const BASE: &[(&str, &str)] = &[
        ("SELLER_ACCOUNTS_TABLE", "veza-seller-accounts"),
        ("PAYOUT_LEDGER_TABLE", "veza-payout-ledger"),
        ("WEBHOOK_EVENTS_TABLE", "veza-webhook-events"),
        ("BALANCE_CACHE_TABLE", "veza-balance-cache"),
    ];

    #[test]
    fn loads_names_and_endpoint() {
        let t = TableNames::from_lookup(lookup(BASE)).unwrap();
        assert_eq!(t.seller_accounts, "veza-seller-accounts");
        assert_eq!(t.balance_cache, "veza-balance-cache");
        assert_eq!(t.dynamodb_endpoint, None);
        let pairs = with(BASE, "DYNAMODB_ENDPOINT", Some("http://127.0.0.1:5000/"));
        let t = TableNames::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!(
            t.dynamodb_endpoint.as_deref(),
            Some("http://127.0.0.1:5000")
        );
    }

    #[test]
    fn missing_and_malformed_names_are_named() {
        for (var, _) in BASE {
            let err = TableNames::from_lookup(lookup(&with(BASE, var, None))).unwrap_err();
            assert_eq!(err, ConfigError::Missing { var: err.var() });
            assert_eq!(err.var(), *var);
            for bad in ["ab", "has space", "sl/ash", &"x".repeat(256)] {
                let err = TableNames::from_lookup(lookup(&with(BASE, var, Some(bad)))).unwrap_err();
                assert!(matches!(err, ConfigError::Invalid { var: v, .. } if v == *var));
            }
        }
        let err = TableNames::from_lookup(lookup(&with(
            BASE,
            "DYNAMODB_ENDPOINT",
            Some("localhost:8000"),
        )))
        .unwrap_err();
        assert_eq!(err.var(), "DYNAMODB_ENDPOINT");
    }
}
