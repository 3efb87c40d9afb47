use crate::env::{Env, refuse_weak, trim_slash};
use crate::{ConfigError, Secret};
use std::time::Duration;

/// Stripe Connect platform settings.
#[derive(Debug, Clone)]
pub struct StripeSettings {
    /// `STRIPE_CONNECT_SECRET`: the platform API key (`sk_`/`rk_`, test or live).
    pub secret_key: Secret,
    /// `STRIPE_CONNECT_CLIENT_ID` (optional, `ca_...`).
    pub client_id: Option<String>,
    /// `STRIPE_API_BASE` without a trailing slash (default `https://api.stripe.com`).
    pub api_base: String,
    /// `STRIPE_LIVEMODE` (default false); agrees with the key's prefix.
    pub livemode: bool,
    /// `STRIPE_TIMEOUT_MS` (default 8000).
    pub timeout: Duration,
}

const KEY_PREFIXES: [&str; 4] = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"];

impl StripeSettings {
    /// Loads from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(crate::env_lookup)
    }

    /// Loads through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        let secret_key = env.secret("STRIPE_CONNECT_SECRET")?;
        let key = secret_key.expose();
        let Some(prefix) = KEY_PREFIXES.iter().find(|p| key.starts_with(**p)) else {
            return Err(ConfigError::invalid(
                "STRIPE_CONNECT_SECRET",
                "must start with sk_test_, sk_live_, rk_test_ or rk_live_",
            ));
        };
        if key.len() <= prefix.len() || key.chars().any(|c| c.is_whitespace() || c == ',') {
            return Err(ConfigError::invalid(
                "STRIPE_CONNECT_SECRET",
                format!("is not a well-formed {prefix}... key"),
            ));
        }
        refuse_weak("STRIPE_CONNECT_SECRET", "", &key[prefix.len()..])?;
        let live_key = prefix.ends_with("live_");
        let client_id = env.optional("STRIPE_CONNECT_CLIENT_ID");
        if let Some(id) = &client_id
            && (!id.starts_with("ca_") || id.len() <= 3)
        {
            return Err(ConfigError::invalid(
                "STRIPE_CONNECT_CLIENT_ID",
                "must start with ca_",
            ));
        }
        let livemode = env.boolean("STRIPE_LIVEMODE", false)?;
        if livemode != live_key {
            let (kind, expected) = if live_key {
                ("a live", "true")
            } else {
                ("a test", "false")
            };
            return Err(ConfigError::invalid(
                "STRIPE_LIVEMODE",
                format!(
                    "STRIPE_CONNECT_SECRET is {kind} key ({prefix}...), so STRIPE_LIVEMODE must be {expected}"
                ),
            ));
        }
        let api_base = env.http_url("STRIPE_API_BASE", Some("https://api.stripe.com"))?;
        Ok(Self {
            secret_key,
            client_id,
            api_base: trim_slash(&api_base),
            livemode,
            timeout: Duration::from_millis(env.number(
                "STRIPE_TIMEOUT_MS",
                Some(8000),
                1..=60_000,
            )?),
        })
    }
}

/// The webhook endpoints' signing secrets: a section of its own so that only the webhook function
/// is given (and requires) them.
#[derive(Debug, Clone)]
pub struct WebhookSecrets {
    /// `STRIPE_WEBHOOK_SECRET`: signing secrets of the platform endpoint (two during a roll).
    pub platform: Vec<Secret>,
    /// `STRIPE_CONNECT_WEBHOOK_SECRET`: signing secrets of the Connect endpoint (two during a roll).
    pub connect: Vec<Secret>,
}

impl WebhookSecrets {
    /// Loads from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(crate::env_lookup)
    }

    /// Loads through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        Ok(Self {
            platform: webhook_secrets(&env, "STRIPE_WEBHOOK_SECRET")?,
            connect: webhook_secrets(&env, "STRIPE_CONNECT_WEBHOOK_SECRET")?,
        })
    }
}

/// One or two comma-separated `whsec_` values (two while a signing secret is being rolled).
fn webhook_secrets(env: &Env<'_>, var: &'static str) -> Result<Vec<Secret>, ConfigError> {
    let raw = env.required(var)?;
    let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
    if parts.len() > 2 {
        return Err(ConfigError::invalid(
            var,
            format!(
                "expected one or two comma-separated whsec_ values, got {}",
                parts.len()
            ),
        ));
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            if !part.starts_with("whsec_") || part.len() <= "whsec_".len() {
                return Err(ConfigError::invalid(
                    var,
                    format!("value #{} must be a non-empty whsec_... secret", i + 1),
                ));
            }
            refuse_weak(var, &format!("value #{} ", i + 1), &part["whsec_".len()..])?;
            Ok(Secret::new(part))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::test_support::{lookup, with};

    const BASE: &[(&str, &str)] = &[
        ("STRIPE_CONNECT_SECRET", "sk_test_SENTINELkey123"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_SENTINELplatform"),
        ("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_SENTINELconnect"),
    ];

    fn load(pairs: &[(&str, &str)]) -> Result<StripeSettings, ConfigError> {
        StripeSettings::from_lookup(lookup(pairs))
    }

    fn invalid(pairs: &[(&str, &str)], var: &str) -> String {
        match load(pairs) {
            Err(ConfigError::Invalid { var: v, reason }) if v == var => reason,
            other => panic!("expected {var} invalid, got {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let s = load(BASE).unwrap();
        assert_eq!(s.secret_key.expose(), "sk_test_SENTINELkey123");
        assert_eq!(s.client_id, None);
        assert_eq!(s.api_base, "https://api.stripe.com");
        assert!(!s.livemode);
        assert_eq!(s.timeout, Duration::from_millis(8000));
        let w = WebhookSecrets::from_lookup(lookup(BASE)).unwrap();
        assert_eq!(w.platform, vec![Secret::new("whsec_SENTINELplatform")]);
        assert_eq!(w.connect, vec![Secret::new("whsec_SENTINELconnect")]);
    }

    #[test]
    fn api_functions_need_no_signing_secrets() {
        let pairs = [BASE[0]];
        assert!(load(&pairs).is_ok());
        let err = WebhookSecrets::from_lookup(lookup(&pairs)).unwrap_err();
        assert_eq!(err.var(), "STRIPE_WEBHOOK_SECRET");
    }

    #[test]
    fn all_set() {
        let mut pairs = with(BASE, "STRIPE_CONNECT_SECRET", Some("rk_live_abc"));
        pairs.extend([
            ("STRIPE_LIVEMODE", "true"),
            ("STRIPE_CONNECT_CLIENT_ID", "ca_123"),
            ("STRIPE_API_BASE", "http://127.0.0.1:12111/"),
            ("STRIPE_TIMEOUT_MS", "2500"),
        ]);
        let pairs = with(
            &pairs,
            "STRIPE_WEBHOOK_SECRET",
            Some("whsec_new , whsec_old"),
        );
        let s = load(&pairs).unwrap();
        assert!(s.livemode);
        assert_eq!(s.client_id.as_deref(), Some("ca_123"));
        assert_eq!(s.api_base, "http://127.0.0.1:12111");
        assert_eq!(s.timeout, Duration::from_millis(2500));
        let w = WebhookSecrets::from_lookup(lookup(&pairs)).unwrap();
        let secrets: Vec<_> = w.platform.iter().map(Secret::expose).collect();
        assert_eq!(secrets, ["whsec_new", "whsec_old"]);
    }

    #[test]
    fn missing_variables_are_named() {
        for var in [
            "STRIPE_CONNECT_SECRET",
            "STRIPE_WEBHOOK_SECRET",
            "STRIPE_CONNECT_WEBHOOK_SECRET",
        ] {
            let both = |pairs: &[(&str, &str)]| {
                load(pairs)
                    .err()
                    .or_else(|| WebhookSecrets::from_lookup(lookup(pairs)).err())
                    .expect("an error")
            };
            let err = both(&with(BASE, var, None));
            assert_eq!(
                err,
                ConfigError::Missing {
                    var: var_static(var)
                }
            );
            let err = both(&with(BASE, var, Some("   ")));
            assert_eq!(err.var(), var);
        }
    }

    fn var_static(var: &str) -> &'static str {
        [
            "STRIPE_CONNECT_SECRET",
            "STRIPE_WEBHOOK_SECRET",
            "STRIPE_CONNECT_WEBHOOK_SECRET",
        ]
        .into_iter()
        .find(|v| *v == var)
        .unwrap()
    }

    #[test]
    fn bad_key_prefix_or_shape() {
        for key in [
            "pk_test_SECRET",
            "sk_test_",
            "whsec_SECRET",
            "sk_test_SEC RET",
            "SK_TEST_SECRET",
        ] {
            let reason = invalid(
                &with(BASE, "STRIPE_CONNECT_SECRET", Some(key)),
                "STRIPE_CONNECT_SECRET",
            );
            assert!(!reason.contains("SEC"), "{reason}");
        }
    }

    #[test]
    fn livemode_must_agree_with_key() {
        let mut live_key = with(BASE, "STRIPE_CONNECT_SECRET", Some("sk_live_abc"));
        let reason = invalid(&live_key, "STRIPE_LIVEMODE");
        assert!(reason.contains("must be true"), "{reason}");
        assert!(!reason.contains("abc"));
        live_key.push(("STRIPE_LIVEMODE", "false"));
        invalid(&live_key, "STRIPE_LIVEMODE");
        let mut test_key = BASE.to_vec();
        test_key.push(("STRIPE_LIVEMODE", "true"));
        assert!(invalid(&test_key, "STRIPE_LIVEMODE").contains("must be false"));
        let mut bad_bool = BASE.to_vec();
        bad_bool.push(("STRIPE_LIVEMODE", "maybe"));
        invalid(&bad_bool, "STRIPE_LIVEMODE");
    }

    #[test]
    fn client_id_must_start_with_ca() {
        for id in ["acct_1", "ca_", "CA_1"] {
            let mut pairs = BASE.to_vec();
            pairs.push(("STRIPE_CONNECT_CLIENT_ID", id));
            invalid(&pairs, "STRIPE_CONNECT_CLIENT_ID");
        }
    }

    #[test]
    fn webhook_secret_lists() {
        for bad in [
            "sk_test_x",
            "whsec_",
            "whsec_a,",
            "whsec_a,whsec_b,whsec_c",
            ",whsec_a",
        ] {
            for var in ["STRIPE_WEBHOOK_SECRET", "STRIPE_CONNECT_WEBHOOK_SECRET"] {
                match WebhookSecrets::from_lookup(lookup(&with(BASE, var, Some(bad)))) {
                    Err(ConfigError::Invalid { var: v, reason }) if v == var => {
                        assert!(!reason.contains("whsec_a"), "{reason}")
                    }
                    other => panic!("expected {var} invalid, got {other:?}"),
                }
            }
        }
    }

    #[test]
    fn api_base_and_timeout() {
        for bad in [
            "ftp://stripe",
            "api.stripe.com",
            "https://user:pw@api.stripe.com",
            "https://x?q=1",
        ] {
            invalid(&with(BASE, "STRIPE_API_BASE", Some(bad)), "STRIPE_API_BASE");
        }
        for bad in ["0", "-1", "abc", "60001", "1.5"] {
            invalid(
                &with(BASE, "STRIPE_TIMEOUT_MS", Some(bad)),
                "STRIPE_TIMEOUT_MS",
            );
        }
    }
}
