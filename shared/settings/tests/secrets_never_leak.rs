//! Proves secrets never reach Debug output or error messages.

use settings::*;
use std::collections::HashMap;

const SENTINELS: [&str; 6] = [
    "sk_test_SENTINEL0stripe",
    "whsec_SENTINEL1platform",
    "whsec_SENTINEL2connect",
    "SENTINEL3-jwt-secret-0123456789abcdef",
    "SENTINEL4-state-secret-0123456789abcdef",
    "whsec_SENTINEL5old",
];

fn full_env() -> HashMap<&'static str, String> {
    [
        ("STRIPE_CONNECT_SECRET", SENTINELS[0].to_owned()),
        ("STRIPE_WEBHOOK_SECRET", SENTINELS[1].to_owned()),
        (
            "STRIPE_CONNECT_WEBHOOK_SECRET",
            format!("{},{}", SENTINELS[2], SENTINELS[5]),
        ),
        ("JWT_ALGORITHM", "HS256".to_owned()),
        ("JWT_SECRET", SENTINELS[3].to_owned()),
        ("ONBOARDING_STATE_SECRET", SENTINELS[4].to_owned()),
        ("FRONTEND_URL", "https://app.example.com/sell".to_owned()),
        ("PUBLIC_API_URL", "https://api.example.com".to_owned()),
        ("PLATFORM_FEE_BPS", "1000".to_owned()),
    ]
    .into_iter()
    .collect()
}

fn assert_clean(text: &str) {
    for s in SENTINELS {
        assert!(!text.contains("SENTINEL"), "secret {s} leaked into: {text}");
    }
}

#[test]
fn debug_output_of_every_section_is_redacted() {
    let env = full_env();
    let lookup = |k: &str| env.get(k).cloned();
    let stripe = StripeSettings::from_lookup(lookup).unwrap();
    let webhook = WebhookSecrets::from_lookup(lookup).unwrap();
    let jwt = JwtSettings::from_lookup(lookup).unwrap();
    let app = AppSettings::from_lookup(lookup).unwrap();
    let onboarding = OnboardingSettings::from_lookup(lookup).unwrap();
    assert_clean(&format!(
        "{stripe:?} {webhook:?} {jwt:?} {app:?} {onboarding:?} {app:#?}"
    ));
    assert_eq!(stripe.secret_key.expose(), SENTINELS[0]);
    assert_eq!(webhook.connect[1].expose(), SENTINELS[5]);
    assert_eq!(app.onboarding.state_secret.expose(), SENTINELS[4]);
}

#[test]
fn error_messages_never_echo_secret_values() {
    // Each variable set to a malformed value that still carries a sentinel.
    let bad = [
        ("STRIPE_CONNECT_SECRET", "pk_live_SENTINEL"),
        ("STRIPE_CONNECT_SECRET", "sk_live_SENTINEL"), // livemode mismatch
        ("STRIPE_CONNECT_SECRET", "sk_test_SENTINEL with space"),
        ("STRIPE_WEBHOOK_SECRET", "SENTINEL_not_whsec"),
        (
            "STRIPE_WEBHOOK_SECRET",
            "whsec_SENTINEL,whsec_SENTINEL2,whsec_SENTINEL3",
        ),
        ("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_SENTINEL,SENTINEL"),
        ("JWT_SECRET", "SENTINEL-short"),
        ("ONBOARDING_STATE_SECRET", "SENTINEL-short"),
    ];
    for (var, value) in bad {
        let mut env = full_env();
        env.insert(var, value.to_owned());
        let lookup = |k: &str| env.get(k).cloned();
        let errors: Vec<ConfigError> = [
            StripeSettings::from_lookup(lookup).err(),
            WebhookSecrets::from_lookup(lookup).err(),
            JwtSettings::from_lookup(lookup).err(),
            AppSettings::from_lookup(lookup).err(),
        ]
        .into_iter()
        .flatten()
        .collect();
        assert_eq!(errors.len(), 1, "{var}: {errors:?}");
        assert_clean(&format!("{} {:?}", errors[0], errors[0]));
    }
}
