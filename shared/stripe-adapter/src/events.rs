//! Stripe's event log (`GET /v1/events`) as the port's [`EventSource`]: what a consumer that
//! missed webhook deliveries reads to catch up.
//!
//! Each listed event's `data.object` is a raw JSON value (its shape depends on the type); the
//! types the payout flows act on are parsed into async-stripe's own `PaymentIntent` / `Charge` /
//! `Refund` / `Dispute`
//! and converted with the same functions the webhook uses, so a listed event and a delivered
//! one mean the same thing. An event of another type, or whose object does not parse, is
//! [`EventFacts::Unhandled`]; only its id is logged, never the payload.

use async_trait::async_trait;
use miniserde::json::Value;
use payouts::ports::{EventFacts, EventPage, EventSource, StripeError, StripeEvent};
use stripe::StripeRequest;
use stripe_core::event::ListEvent;
use stripe_shared::{Charge, Dispute, Event, PaymentIntent, Refund};
use stripe_types::RangeQueryTs;

use crate::retry::with_retry;
use crate::{StripeAdapter, convert};

const PAYMENT_SUCCEEDED: &str = "payment_intent.succeeded";
const CHARGE_REFUNDED: &str = "charge.refunded";
const ACCOUNT_UPDATED: &str = "account.updated";
const REFUND_CREATED: &str = "refund.created";
const REFUND_UPDATED: &str = "refund.updated";
const REFUND_FAILED: &str = "refund.failed";
const CHARGE_REFUND_UPDATED: &str = "charge.refund.updated";
/// `charge.dispute.created`, `funds_withdrawn`, `funds_reinstated`, `closed`, `updated`.
const DISPUTE_PREFIX: &str = "charge.dispute.";

#[async_trait]
impl EventSource for StripeAdapter {
    /// `types` empty lists every type. `limit` and the number of `types` are passed as given:
    /// Stripe refuses a limit outside 1..=100 or more than 20 types (`Refused`).
    async fn list_events(
        &self,
        types: &[&str],
        created_gte: i64,
        starting_after: Option<&str>,
        limit: u8,
    ) -> Result<EventPage, StripeError> {
        let mut req = ListEvent::new()
            .created(RangeQueryTs::gte(created_gte))
            .limit(i64::from(limit));
        if !types.is_empty() {
            req = req.types(types.iter().map(|t| t.to_string()).collect::<Vec<_>>());
        }
        if let Some(cursor) = starting_after {
            req = req.starting_after(cursor);
        }
        let list = with_retry(&self.retry, "list_events", || {
            req.customize().send(&self.client)
        })
        .await?;
        Ok(EventPage {
            events: list.data.into_iter().map(stripe_event).collect(),
            has_more: list.has_more,
        })
    }
}

fn stripe_event(event: Event) -> StripeEvent {
    let kind = event.type_.as_str().to_string();
    let facts = event_facts(&kind, event.account.as_deref(), &event.data.object);
    if facts == EventFacts::Unhandled {
        // A type the flows do not act on, or an object that did not parse: the id and type are
        // enough to find it at Stripe; the payload may hold personal data.
        tracing::warn!(event_id = %event.id.as_str(), kind, "listed event unhandled");
    }
    StripeEvent {
        id: event.id.as_str().to_string(),
        kind,
        created: event.created,
        account: event.account,
        facts,
    }
}

/// What an event of type `kind` (of `account`, for Connect events) with `object` means.
pub(crate) fn event_facts(kind: &str, account: Option<&str>, object: &Value) -> EventFacts {
    match kind {
        PAYMENT_SUCCEEDED => parse::<PaymentIntent>(object).map_or(EventFacts::Unhandled, |pi| {
            EventFacts::Payment(convert::payment_facts(&pi))
        }),
        CHARGE_REFUNDED => parse::<Charge>(object).map_or(EventFacts::Unhandled, |charge| {
            EventFacts::Refund(convert::refund_facts(&charge))
        }),
        REFUND_CREATED | REFUND_UPDATED | REFUND_FAILED | CHARGE_REFUND_UPDATED => {
            parse::<Refund>(object)
                .and_then(|r| convert::refund_event_facts(&r))
                .map_or(EventFacts::Unhandled, EventFacts::Refund)
        }
        k if k.starts_with(DISPUTE_PREFIX) => parse::<Dispute>(object)
            .map_or(EventFacts::Unhandled, |d| {
                EventFacts::Dispute(convert::dispute_facts(kind, &d))
            }),
        ACCOUNT_UPDATED => account
            .map(str::to_string)
            .or_else(|| object_id(object))
            .map_or(EventFacts::Unhandled, |stripe_account_id| {
                EventFacts::AccountUpdated { stripe_account_id }
            }),
        _ => EventFacts::Unhandled,
    }
}

/// Parses a raw object with async-stripe's own deserializer (miniserde): the event keeps it as
/// a `Value`, and the generated types only deserialize from text.
fn parse<T: miniserde::Deserialize>(object: &Value) -> Option<T> {
    miniserde::json::from_str(&miniserde::json::to_string(object)).ok()
}

/// The `id` of an object (the account of an `account.updated` listed without `account`).
fn object_id(object: &Value) -> Option<String> {
    match object {
        Value::Object(fields) => match fields.get("id") {
            Some(Value::String(id)) if !id.is_empty() => Some(id.clone()),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> Value {
        miniserde::json::from_str(json).expect("test JSON")
    }

    #[test]
    fn account_updated_names_the_connected_account_else_the_object() {
        let object = value(r#"{"id":"acct_obj","object":"account"}"#);
        assert_eq!(
            event_facts(ACCOUNT_UPDATED, Some("acct_evt"), &object),
            EventFacts::AccountUpdated {
                stripe_account_id: "acct_evt".into()
            }
        );
        assert_eq!(
            event_facts(ACCOUNT_UPDATED, None, &object),
            EventFacts::AccountUpdated {
                stripe_account_id: "acct_obj".into()
            }
        );
        assert_eq!(
            event_facts(ACCOUNT_UPDATED, None, &value(r#"{"object":"account"}"#)),
            EventFacts::Unhandled
        );
    }

    #[test]
    fn unparsable_objects_and_other_types_are_unhandled() {
        let garbage = value(r#"{"id":"pi_1","amount":"lots"}"#);
        for kind in [PAYMENT_SUCCEEDED, CHARGE_REFUNDED] {
            assert_eq!(
                event_facts(kind, None, &garbage),
                EventFacts::Unhandled,
                "{kind}"
            );
        }
        assert_eq!(
            event_facts("customer.created", None, &value(r#"{"id":"cus_1"}"#)),
            EventFacts::Unhandled
        );
        assert_eq!(
            event_facts(ACCOUNT_UPDATED, None, &value("[1,2]")),
            EventFacts::Unhandled
        );
    }
}
