use crate::env::{Env, trim_slash};
use crate::{ConfigError, Secret};
use std::time::Duration;

/// What every HTTP function needs: the front-end origin (CORS) and the body limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    /// `FRONTEND_URL`: the seller page (https, or http on localhost/127.0.0.1), no trailing slash.
    pub frontend_url: String,
    /// The origin of `FRONTEND_URL` (`scheme://host[:port]`): the only CORS origin.
    pub frontend_origin: String,
    /// `MAX_BODY_BYTES` (default 65536).
    pub max_body_bytes: usize,
}

/// What the onboarding link and its callback need.
#[derive(Debug, Clone)]
pub struct OnboardingSettings {
    /// `FRONTEND_URL` (see [`HttpSettings::frontend_url`]): where the callback sends the seller back.
    pub frontend_url: String,
    /// `PUBLIC_API_URL`: base URL of this API, no trailing slash (builds the callback URLs).
    pub public_api_url: String,
    /// `ONBOARDING_STATE_SECRET` (>= 32 bytes): signs the onboarding `state`.
    pub state_secret: Secret,
    /// `SELLER_RATE_PER_MINUTE` (default 10, 1..=600): each seller's budget of onboarding
    /// requests (onboard and callback call Stripe for them) refills at this rate...
    pub seller_rate_per_minute: u32,
    /// `SELLER_RATE_BURST` (default 5, 1..=100): ...up to this many at once.
    pub seller_rate_burst: u32,
}

/// What payout planning needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayoutSettings {
    /// `PLATFORM_FEE_BPS` (0..=10000, required): the platform's fee in basis points.
    pub platform_fee_bps: u16,
    /// `DISPUTE_POLICY` (`reverse`, the default, or `absorb`): `true` when the platform carries a
    /// dispute's withdrawn funds instead of reversing them from the sellers.
    pub absorb_disputes: bool,
}

/// What the balance endpoint needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BalanceSettings {
    /// `BALANCE_CACHE_TTL_SECONDS` (default 30, 1..=3600).
    pub cache_ttl: Duration,
}

/// What the reconciler needs: how long a share may stay open before it is re-driven, and how
/// much one run may do (a run must end well inside the Lambda timeout; the next one continues).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconcileSettings {
    /// `RECONCILE_GRACE_SECONDS` (default 600, 0..=86400): a share untouched this long is re-driven;
    /// younger ones are left to the webhook delivery that is (probably) working on them.
    pub grace: Duration,
    /// `RECONCILE_MAX_EVENTS` (default 500, 1..=10000): events listed from Stripe per run.
    pub max_events: usize,
    /// `RECONCILE_MAX_SHARES` (default 200, 1..=5000): open shares re-driven per run.
    pub max_shares: usize,
}

/// Every application section at once (local tools, tests); functions load only their sections.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// See [`HttpSettings`].
    pub http: HttpSettings,
    /// See [`OnboardingSettings`].
    pub onboarding: OnboardingSettings,
    /// See [`PayoutSettings`].
    pub payout: PayoutSettings,
    /// See [`BalanceSettings`].
    pub balance: BalanceSettings,
}

/// `from_env()` for a section whose `from_lookup` is defined below.
macro_rules! from_env {
    ($t:ty) => {
        impl $t {
            /// Loads from the process environment.
            pub fn from_env() -> Result<Self, ConfigError> {
                Self::from_lookup(crate::env_lookup)
            }
        }
    };
}
from_env!(HttpSettings);
from_env!(OnboardingSettings);
from_env!(PayoutSettings);
from_env!(BalanceSettings);
from_env!(ReconcileSettings);
from_env!(AppSettings);

impl HttpSettings {
    /// Loads through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        let url = env.public_url("FRONTEND_URL")?;
        Ok(Self {
            frontend_url: trim_slash(&url),
            frontend_origin: url.origin().ascii_serialization(),
            max_body_bytes: env.number("MAX_BODY_BYTES", Some(65_536), 1..=10 * 1024 * 1024)?,
        })
    }
}

impl OnboardingSettings {
    /// Loads through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        Ok(Self {
            frontend_url: trim_slash(&env.public_url("FRONTEND_URL")?),
            public_api_url: trim_slash(&env.public_url("PUBLIC_API_URL")?),
            state_secret: env.strong_secret("ONBOARDING_STATE_SECRET", 32)?,
            seller_rate_per_minute: env.number("SELLER_RATE_PER_MINUTE", Some(10), 1..=600)?,
            seller_rate_burst: env.number("SELLER_RATE_BURST", Some(5), 1..=100)?,
        })
    }
}

impl PayoutSettings {
    /// Loads through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        let absorb_disputes = match env.optional("DISPUTE_POLICY").as_deref() {
            None | Some("reverse") => false,
            Some("absorb") => true,
            Some(other) => {
                return Err(ConfigError::invalid(
                    "DISPUTE_POLICY",
                    format!("expected reverse or absorb, got {other:?}"),
                ));
            }
        };
        Ok(Self {
            platform_fee_bps: env.number("PLATFORM_FEE_BPS", None, 0..=10_000)?,
            absorb_disputes,
        })
    }
}

impl BalanceSettings {
    /// Loads through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let secs = Env(&lookup).number("BALANCE_CACHE_TTL_SECONDS", Some(30), 1..=3600)?;
        Ok(Self {
            cache_ttl: Duration::from_secs(secs),
        })
    }
}

impl ReconcileSettings {
    /// Loads through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        let grace: u64 = env.number("RECONCILE_GRACE_SECONDS", Some(600), 0..=86_400)?;
        Ok(Self {
            grace: Duration::from_secs(grace),
            max_events: env.number("RECONCILE_MAX_EVENTS", Some(500), 1..=10_000)?,
            max_shares: env.number("RECONCILE_MAX_SHARES", Some(200), 1..=5_000)?,
        })
    }
}

impl AppSettings {
    /// Loads through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            http: HttpSettings::from_lookup(&lookup)?,
            onboarding: OnboardingSettings::from_lookup(&lookup)?,
            payout: PayoutSettings::from_lookup(&lookup)?,
            balance: BalanceSettings::from_lookup(&lookup)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::test_support::{lookup, with};

    const BASE: &[(&str, &str)] = &[
        ("FRONTEND_URL", "https://app.example.com/sell/"),
        ("PUBLIC_API_URL", "https://api.example.com"),
        (
            "ONBOARDING_STATE_SECRET",
            "SENTINEL-state-secret-0123456789abcdef",
        ),
        ("PLATFORM_FEE_BPS", "1000"),
    ];

    fn invalid_var(pairs: &[(&str, &str)]) -> &'static str {
        match AppSettings::from_lookup(lookup(pairs)) {
            Err(e @ ConfigError::Invalid { .. }) => e.var(),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn loads_with_defaults() {
        let s = AppSettings::from_lookup(lookup(BASE)).unwrap();
        assert_eq!(s.http.frontend_url, "https://app.example.com/sell");
        assert_eq!(s.http.frontend_origin, "https://app.example.com");
        assert_eq!(s.http.max_body_bytes, 65_536);
        assert_eq!(s.onboarding.public_api_url, "https://api.example.com");
        assert_eq!(s.payout.platform_fee_bps, 1000);
        assert!(!s.payout.absorb_disputes, "reverse by default");
        assert_eq!(s.balance.cache_ttl, Duration::from_secs(30));
    }

    #[test]
    fn local_http_urls_and_overrides() {
        let pairs = [
            ("FRONTEND_URL", "http://localhost:5173/sell"),
            ("MAX_BODY_BYTES", "1024"),
            ("BALANCE_CACHE_TTL_SECONDS", "3600"),
        ];
        let h = HttpSettings::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!(h.frontend_origin, "http://localhost:5173");
        assert_eq!(h.max_body_bytes, 1024);
        let b = BalanceSettings::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!(b.cache_ttl, Duration::from_secs(3600));
        let o = OnboardingSettings::from_lookup(lookup(&with(
            BASE,
            "PUBLIC_API_URL",
            Some("http://127.0.0.1:9000/"),
        )));
        assert_eq!(o.unwrap().public_api_url, "http://127.0.0.1:9000");
        let p = PayoutSettings::from_lookup(lookup(&with(BASE, "DISPUTE_POLICY", Some("absorb"))));
        assert!(p.unwrap().absorb_disputes);
    }

    #[test]
    fn seller_rate_defaults_overrides_and_bounds() {
        let d = OnboardingSettings::from_lookup(lookup(BASE)).unwrap();
        assert_eq!((d.seller_rate_per_minute, d.seller_rate_burst), (10, 5));
        let pairs = with(
            &with(BASE, "SELLER_RATE_PER_MINUTE", Some("600")),
            "SELLER_RATE_BURST",
            Some("1"),
        );
        let o = OnboardingSettings::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!((o.seller_rate_per_minute, o.seller_rate_burst), (600, 1));
        for (var, value) in [
            ("SELLER_RATE_PER_MINUTE", "0"),
            ("SELLER_RATE_PER_MINUTE", "601"),
            ("SELLER_RATE_BURST", "0"),
            ("SELLER_RATE_BURST", "101"),
            ("SELLER_RATE_BURST", "lots"),
        ] {
            let err =
                OnboardingSettings::from_lookup(lookup(&with(BASE, var, Some(value)))).unwrap_err();
            assert_eq!(err.var(), var, "{var}={value}");
        }
    }

    #[test]
    fn reconcile_defaults_overrides_and_bounds() {
        let d = ReconcileSettings::from_lookup(lookup(&[])).unwrap();
        assert_eq!(
            (d.grace, d.max_events, d.max_shares),
            (Duration::from_secs(600), 500, 200)
        );
        let pairs = [
            ("RECONCILE_GRACE_SECONDS", "0"),
            ("RECONCILE_MAX_EVENTS", "10000"),
            ("RECONCILE_MAX_SHARES", "1"),
        ];
        let o = ReconcileSettings::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!(
            (o.grace, o.max_events, o.max_shares),
            (Duration::ZERO, 10_000, 1)
        );
        for (var, value) in [
            ("RECONCILE_GRACE_SECONDS", "86401"),
            ("RECONCILE_MAX_EVENTS", "0"),
            ("RECONCILE_MAX_SHARES", "5001"),
            ("RECONCILE_MAX_SHARES", "many"),
        ] {
            let err = ReconcileSettings::from_lookup(lookup(&[(var, value)])).unwrap_err();
            assert_eq!(err.var(), var, "{var}={value}");
        }
    }

    #[test]
    fn bad_values_name_their_variable() {
        let cases = [
            ("FRONTEND_URL", "http://app.example.com"),
            ("FRONTEND_URL", "app.example.com"),
            ("FRONTEND_URL", "https://app.example.com/#x"),
            ("PUBLIC_API_URL", "ftp://api.example.com"),
            ("PUBLIC_API_URL", "http://10.0.0.1"),
            ("ONBOARDING_STATE_SECRET", "too-short"),
            ("PLATFORM_FEE_BPS", "10001"),
            ("PLATFORM_FEE_BPS", "-5"),
            ("PLATFORM_FEE_BPS", "10%"),
            ("DISPUTE_POLICY", "Absorb"),
            ("DISPUTE_POLICY", "split"),
            ("BALANCE_CACHE_TTL_SECONDS", "0"),
            ("BALANCE_CACHE_TTL_SECONDS", "3601"),
            ("MAX_BODY_BYTES", "0"),
            ("MAX_BODY_BYTES", "lots"),
        ];
        for (var, value) in cases {
            assert_eq!(
                invalid_var(&with(BASE, var, Some(value))),
                var,
                "{var}={value}"
            );
        }
        for var in [
            "FRONTEND_URL",
            "PUBLIC_API_URL",
            "ONBOARDING_STATE_SECRET",
            "PLATFORM_FEE_BPS",
        ] {
            let err = AppSettings::from_lookup(lookup(&with(BASE, var, None))).unwrap_err();
            assert!(matches!(err, ConfigError::Missing { var: v } if v == var));
            assert_eq!(err.to_string(), format!("{var} is required but not set"));
        }
    }
}
