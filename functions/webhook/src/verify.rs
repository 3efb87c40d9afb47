//! Signature and mode checks: nothing in a delivery is trusted before they pass.
//!
//! `Webhook::construct_event` (async-stripe-webhook 1.0.0-rc.10) accepts the payload when *any*
//! `v1` value of the header matches (a secret roll sends one per active secret), then rejects a
//! timestamp more than 300 s away from now, then parses. We try every configured secret of the
//! endpoint (two during a roll on our side). A stale timestamp is only reported once a signature
//! matched, so `signature_expired` never tells a forger anything.

use settings::Secret;
use stripe_webhook::{Event, Webhook, WebhookError};

/// Why a delivery was refused (400): a stable code, and the event id when one could be read from
/// an authentic but unparsable payload (for the logs only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// No `Stripe-Signature` header (or not text).
    SignatureMissing,
    /// No `v1` value matches any secret of this endpoint, or the header is malformed.
    SignatureInvalid,
    /// A signature matched, but its timestamp is outside the 300 s tolerance (replay).
    SignatureExpired,
    /// Authentic, but not an event we can read (its id and type when those can be read).
    PayloadInvalid {
        event_id: Option<String>,
        event_type: Option<String>,
    },
    /// Authentic, but from the other mode (a test event on a live deployment or vice versa).
    LivemodeMismatch { event_id: String },
}

impl Rejection {
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::SignatureMissing => "signature_missing",
            Rejection::SignatureInvalid => "signature_invalid",
            Rejection::SignatureExpired => "signature_expired",
            Rejection::PayloadInvalid { .. } => "payload_invalid",
            Rejection::LivemodeMismatch { .. } => "livemode_mismatch",
        }
    }

    pub fn detail(&self) -> &'static str {
        match self {
            Rejection::SignatureMissing => "The Stripe-Signature header is missing.",
            Rejection::SignatureInvalid => {
                "The Stripe-Signature header does not match the payload."
            }
            Rejection::SignatureExpired => {
                "The Stripe-Signature timestamp is outside the tolerance."
            }
            Rejection::PayloadInvalid { .. } => "The payload is not a readable Stripe event.",
            Rejection::LivemodeMismatch { .. } => {
                "The event's livemode does not match this deployment."
            }
        }
    }

    /// The event id, when it is known (logged; never the payload itself).
    pub fn event_id(&self) -> Option<&str> {
        match self {
            Rejection::PayloadInvalid { event_id, .. } => event_id.as_deref(),
            Rejection::LivemodeMismatch { event_id } => Some(event_id),
            _ => None,
        }
    }
}

/// Verifies `body` (the exact bytes received) against `header` with each of `secrets`, then checks
/// `livemode`. Returns the parsed event only when everything holds.
pub fn verify(
    body: &[u8],
    header: Option<&[u8]>,
    secrets: &[Secret],
    livemode: bool,
) -> Result<Event, Rejection> {
    let header = header
        .and_then(|h| std::str::from_utf8(h).ok())
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or(Rejection::SignatureMissing)?;
    // Stripe signs UTF-8 JSON; bytes that are not UTF-8 cannot carry a valid signature for the
    // `&str` API, and nothing unauthenticated is worth a more precise answer.
    let payload = std::str::from_utf8(body).map_err(|_| Rejection::SignatureInvalid)?;
    let mut outcome = Err(Rejection::SignatureInvalid);
    for secret in secrets {
        match Webhook::construct_event(payload, header, secret.expose()) {
            Ok(event) => {
                outcome = Ok(event);
                break;
            }
            // The signature matched this secret: the payload is authentic, just too old or unreadable.
            Err(WebhookError::BadTimestamp(_)) => {
                outcome = Err(Rejection::SignatureExpired);
                break;
            }
            Err(WebhookError::BadParse(_)) => {
                let (event_id, event_type) = id_and_type(payload);
                outcome = Err(Rejection::PayloadInvalid {
                    event_id,
                    event_type,
                });
                break;
            }
            Err(WebhookError::BadSignature | WebhookError::BadHeader(_) | WebhookError::BadKey) => {
            }
        }
    }
    let event = outcome?;
    if event.livemode != livemode {
        return Err(Rejection::LivemodeMismatch {
            event_id: event.id.to_string(),
        });
    }
    Ok(event)
}

/// The `id` and `type` of an authentic payload that failed to parse, when they look like Stripe's.
fn id_and_type(payload: &str) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(payload) else {
        return (None, None);
    };
    let field = |name: &str, ok: fn(u8) -> bool| {
        value
            .get(name)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty() && s.len() <= 255 && s.bytes().all(ok))
            .map(str::to_owned)
    };
    let id =
        field("id", |b| b.is_ascii_alphanumeric() || b == b'_').filter(|id| id.starts_with("evt_"));
    let kind = field("type", |b| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.'
    });
    (id, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_unit_primary";
    const OLD: &str = "whsec_unit_old";

    fn event(livemode: bool) -> String {
        serde_json::json!({
            "id": "evt_unit_1", "object": "event", "api_version": "2026-09-30.endive",
            "created": 1_700_000_000, "livemode": livemode, "pending_webhooks": 1,
            "request": {"id": null, "idempotency_key": null},
            "type": "customer.subscription.paused_unknown_to_us",
            "data": {"object": {"id": "x_1", "object": "thing"}}
        })
        .to_string()
    }

    fn secrets(values: &[&str]) -> Vec<Secret> {
        values.iter().map(|v| Secret::new(*v)).collect()
    }

    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default()
    }

    fn sign(payload: &str, secret: &str, t: i64) -> String {
        Webhook::generate_test_header(payload, secret, Some(t))
    }

    #[test]
    fn accepts_a_signature_of_any_configured_secret() {
        let body = event(false);
        let header = sign(&body, OLD, now());
        let ok = verify(
            body.as_bytes(),
            Some(header.as_bytes()),
            &secrets(&[SECRET, OLD]),
            false,
        );
        assert_eq!(ok.map(|e| e.id.to_string()), Ok("evt_unit_1".to_string()));
    }

    #[test]
    fn accepts_when_any_v1_value_matches() {
        let body = event(false);
        let t = now();
        let good = sign(&body, SECRET, t);
        let v1 = good.split_once(",v1=").map(|(_, v)| v).unwrap_or_default();
        let forged = "0".repeat(64);
        for header in [
            format!("t={t},v1={forged},v1={v1}"),
            format!("t={t},v1={v1},v1={forged}"),
            format!("t={t},v0=abc,v1={v1}"),
        ] {
            let ok = verify(
                body.as_bytes(),
                Some(header.as_bytes()),
                &secrets(&[SECRET]),
                false,
            );
            assert!(ok.is_ok(), "{header}");
        }
    }

    #[test]
    fn refuses_missing_forged_stale_and_mismatched() {
        let body = event(false);
        let s = secrets(&[SECRET]);
        let code = |r: Result<Event, Rejection>| r.err().map(|e| e.code());
        assert_eq!(
            code(verify(body.as_bytes(), None, &s, false)),
            Some("signature_missing")
        );
        assert_eq!(
            code(verify(body.as_bytes(), Some(b"  "), &s, false)),
            Some("signature_missing")
        );
        let other = sign(&body, "whsec_someone_else", now());
        assert_eq!(
            code(verify(body.as_bytes(), Some(other.as_bytes()), &s, false)),
            Some("signature_invalid")
        );
        for header in ["garbage", "t=abc,v1=00", "v1=00", "t=1", ""] {
            let r = verify(body.as_bytes(), Some(header.as_bytes()), &s, false);
            assert!(
                matches!(
                    r,
                    Err(Rejection::SignatureInvalid | Rejection::SignatureMissing)
                ),
                "{header}"
            );
        }
        let tampered = body.replace("evt_unit_1", "evt_unit_2");
        let header = sign(&body, SECRET, now());
        assert_eq!(
            code(verify(
                tampered.as_bytes(),
                Some(header.as_bytes()),
                &s,
                false
            )),
            Some("signature_invalid")
        );
        for t in [now() - 301, now() + 301] {
            let stale = sign(&body, SECRET, t);
            assert_eq!(
                code(verify(body.as_bytes(), Some(stale.as_bytes()), &s, false)),
                Some("signature_expired")
            );
        }
        let header = sign(&body, SECRET, now());
        let r = verify(body.as_bytes(), Some(header.as_bytes()), &s, true);
        assert_eq!(
            r.err(),
            Some(Rejection::LivemodeMismatch {
                event_id: "evt_unit_1".into()
            })
        );
        assert_eq!(
            code(verify(b"\xff\xfe", Some(header.as_bytes()), &s, false)),
            Some("signature_invalid")
        );
    }

    #[test]
    fn authentic_but_unparsable_reports_the_id_only() {
        let rejection = |body: &str| {
            let header = sign(body, SECRET, now());
            verify(
                body.as_bytes(),
                Some(header.as_bytes()),
                &secrets(&[SECRET]),
                false,
            )
            .err()
        };
        let invalid = |id: Option<&str>, kind: Option<&str>| {
            Some(Rejection::PayloadInvalid {
                event_id: id.map(Into::into),
                event_type: kind.map(Into::into),
            })
        };
        assert_eq!(
            rejection(r#"{"id":"evt_broken_1","object":"event","livemode":"nope"}"#),
            invalid(Some("evt_broken_1"), None)
        );
        assert_eq!(rejection("not json"), invalid(None, None));
        assert_eq!(
            rejection(r#"{"id":"evt_c","type":"customer.created","data":{"object":{}}}"#),
            invalid(Some("evt_c"), Some("customer.created"))
        );
    }
}
