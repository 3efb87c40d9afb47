//! Fresh `Stripe-Signature`s for the webhook events of `tests/events/`.
//!
//! A signature is only valid for 300 s (the webhook checks `t` against its clock), so signed
//! events cannot be committed: the files carry the payload and `__STRIPE_SIGNATURE__`, and this
//! signs a copy right before it is invoked (`scripts/invoke-events.sh`, or by hand before
//! `sam local invoke -e`). The signature is the local Stripe server's own code, i.e. Stripe's
//! scheme: `t=<unix>,v1=<hex hmac_sha256(secret, "<t>.<body>")>`.

use serde_json::Value;

/// The `stripe-signature` value of the committed webhook events.
pub const PLACEHOLDER: &str = "__STRIPE_SIGNATURE__";

/// The setting holding the secret of the endpoint an event is addressed to (its `rawPath`).
pub fn secret_var(raw_path: &str) -> &'static str {
    if raw_path.trim_end_matches('/').ends_with("/connect") {
        "STRIPE_CONNECT_WEBHOOK_SECRET"
    } else {
        "STRIPE_WEBHOOK_SECRET"
    }
}

/// Signs an API Gateway v2 event's body at `t` with each secret (two during a roll): sets the
/// `stripe-signature` header and a matching `content-length`.
pub fn sign_event(event: &mut Value, secrets: &[String], t: i64) -> Result<(), String> {
    if event.get("isBase64Encoded").and_then(Value::as_bool) == Some(true) {
        return Err("base64-encoded bodies are not supported".into());
    }
    let body = event
        .get("body")
        .and_then(Value::as_str)
        .ok_or("the event has no string `body`")?
        .to_owned();
    let headers = event
        .get_mut("headers")
        .and_then(Value::as_object_mut)
        .ok_or("the event has no `headers` object")?;
    let signature = stripe_local::webhooks::sign(secrets, t, &body);
    headers.insert("stripe-signature".into(), Value::String(signature));
    headers.insert(
        "content-length".into(),
        Value::String(body.len().to_string()),
    );
    Ok(())
}

/// The event's `rawPath` (to pick the secret).
pub fn raw_path(event: &Value) -> Option<&str> {
    event.get("rawPath").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn signs_the_body_and_fixes_the_length() {
        let mut event = json!({
            "rawPath": "/api/v1/webhooks/stripe",
            "headers": {"stripe-signature": PLACEHOLDER, "content-length": "1"},
            "body": "{\"id\":\"evt_1\"}",
            "isBase64Encoded": false
        });
        sign_event(
            &mut event,
            &["whsec_a".into(), "whsec_b".into()],
            1_700_000_000,
        )
        .unwrap();
        let header = event["headers"]["stripe-signature"].as_str().unwrap();
        assert_eq!(
            header,
            stripe_local::webhooks::sign(
                &["whsec_a".into(), "whsec_b".into()],
                1_700_000_000,
                "{\"id\":\"evt_1\"}"
            )
        );
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(header.matches(",v1=").count(), 2);
        assert_eq!(event["headers"]["content-length"], "14");
    }

    #[test]
    fn picks_the_endpoint_secret_and_refuses_odd_events() {
        assert_eq!(
            secret_var("/api/v1/webhooks/stripe/connect"),
            "STRIPE_CONNECT_WEBHOOK_SECRET"
        );
        assert_eq!(
            secret_var("/api/v1/webhooks/stripe"),
            "STRIPE_WEBHOOK_SECRET"
        );
        let mut b64 = json!({"headers": {}, "body": "e30=", "isBase64Encoded": true});
        assert!(sign_event(&mut b64, &["s".into()], 1).is_err());
        let mut no_body = json!({"headers": {}});
        assert!(sign_event(&mut no_body, &["s".into()], 1).is_err());
    }
}
