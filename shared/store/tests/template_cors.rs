//! One CORS policy: API Gateway answers preflights from template.yaml's `CorsConfiguration` and
//! overrides the functions' CORS headers in production, while `make dev` serves the functions'
//! own policy (`interceptors::response::cors`). The two must be the same, or the web app works
//! locally and breaks on the first deploy (e.g. `X-Request-Id` not exposed, `Idempotency-Key`
//! refused).

use std::collections::BTreeSet;

use interceptors::response::cors;
use serde_norway::Value;

fn cors_configuration() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml");
    let template: Value =
        serde_norway::from_str(&std::fs::read_to_string(path).expect("template.yaml"))
            .expect("yaml");
    template["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"].clone()
}

/// A comma-separated header list, or a YAML list, as a lower-cased set.
fn set_of_text(list: &str) -> BTreeSet<String> {
    list.split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect()
}

fn set_of(value: &Value) -> BTreeSet<String> {
    value
        .as_sequence()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("a string").to_ascii_lowercase())
        .collect()
}

#[test]
fn the_template_configures_exactly_the_functions_cors_policy() {
    let cfg = cors_configuration();
    assert_eq!(
        set_of(&cfg["AllowMethods"]),
        set_of_text(cors::ALLOW_METHODS)
    );
    assert_eq!(
        set_of(&cfg["AllowHeaders"]),
        set_of_text(cors::ALLOW_HEADERS)
    );
    assert_eq!(
        set_of(&cfg["ExposeHeaders"]),
        set_of_text(cors::EXPOSE_HEADERS)
    );
    assert_eq!(
        cfg["MaxAge"].as_u64().map(|m| m.to_string()).as_deref(),
        Some(cors::MAX_AGE_SECS)
    );
    assert_eq!(cfg["AllowCredentials"].as_bool(), Some(false));
    // One origin, derived from FrontendUrl (the functions allow FRONTEND_URL's origin only).
    let origins = cfg["AllowOrigins"].as_sequence().expect("a list");
    assert_eq!(origins.len(), 1);
    let origin = serde_norway::to_string(&origins[0]).expect("yaml");
    assert!(origin.contains("FrontendUrl"), "{origin}");
}
