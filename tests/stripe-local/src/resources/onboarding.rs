//! Onboarding state changes (driven by the control API or the local onboarding page), each
//! emitting the Connect `account.updated` event Stripe sends when an account changes.

use crate::error::{ApiError, ApiResult};
use crate::resources::{accounts, events};
use crate::state::{Account, AppState, Event};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Body of `POST /_control/accounts/{id}/onboarding`. `complete: true` finishes onboarding,
/// `complete: false` resets to a fresh account; other fields then override one by one.
/// When `transfers` is absent, the transfers capability (if requested) becomes `active` iff
/// `details_submitted && payouts_enabled`, and `card_payments` iff
/// `details_submitted && charges_enabled`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnboardingUpdate {
    pub complete: Option<bool>,
    pub details_submitted: Option<bool>,
    pub charges_enabled: Option<bool>,
    pub payouts_enabled: Option<bool>,
    pub currently_due: Option<Vec<String>>,
    pub eventually_due: Option<Vec<String>>,
    pub past_due: Option<Vec<String>>,
    pub pending_verification: Option<Vec<String>>,
    /// A string sets it, `null` clears it.
    #[serde(default, deserialize_with = "present")]
    pub disabled_reason: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub current_deadline: Option<Value>,
    /// Status of the transfers capability: `inactive`, `pending` or `active`.
    pub transfers: Option<String>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl OnboardingUpdate {
    pub fn complete() -> Self {
        Self {
            complete: Some(true),
            ..Self::default()
        }
    }
}

fn apply(a: &mut Account, u: &OnboardingUpdate, now: i64) -> ApiResult<()> {
    match u.complete {
        Some(true) => {
            a.details_submitted = true;
            a.charges_enabled = true;
            a.payouts_enabled = true;
            a.requirements = Default::default();
            a.tos_accepted_at.get_or_insert(now);
        }
        Some(false) => {
            a.details_submitted = false;
            a.charges_enabled = false;
            a.payouts_enabled = false;
            a.requirements = accounts::initial_requirements();
            a.tos_accepted_at = None;
        }
        None => {}
    }
    let r = &mut a.requirements;
    let set = |dst: &mut Vec<String>, src: &Option<Vec<String>>| {
        if let Some(v) = src {
            dst.clone_from(v);
        }
    };
    set(&mut r.currently_due, &u.currently_due);
    set(&mut r.eventually_due, &u.eventually_due);
    set(&mut r.past_due, &u.past_due);
    set(&mut r.pending_verification, &u.pending_verification);
    match &u.disabled_reason {
        None => {}
        Some(Value::Null) => r.disabled_reason = None,
        Some(Value::String(s)) => r.disabled_reason = Some(s.clone()),
        Some(_) => {
            return Err(ApiError::invalid_param(
                "disabled_reason",
                "must be a string or null",
            ));
        }
    }
    match &u.current_deadline {
        None => {}
        Some(Value::Null) => r.current_deadline = None,
        Some(v) => {
            r.current_deadline = Some(v.as_i64().ok_or_else(|| {
                ApiError::invalid_param("current_deadline", "must be an integer or null")
            })?)
        }
    }
    a.details_submitted = u.details_submitted.unwrap_or(a.details_submitted);
    a.charges_enabled = u.charges_enabled.unwrap_or(a.charges_enabled);
    a.payouts_enabled = u.payouts_enabled.unwrap_or(a.payouts_enabled);
    let status = |on: bool| if on { "active" } else { "inactive" }.to_owned();
    if let Some(t) = &u.transfers {
        if !["inactive", "pending", "active"].contains(&t.as_str()) {
            return Err(ApiError::invalid_param(
                "transfers",
                "must be inactive, pending or active",
            ));
        }
        a.capabilities.insert("transfers".into(), t.clone());
    } else if a.capabilities.contains_key("transfers") {
        a.capabilities.insert(
            "transfers".into(),
            status(a.details_submitted && a.payouts_enabled),
        );
    }
    if a.capabilities.contains_key("card_payments") {
        a.capabilities.insert(
            "card_payments".into(),
            status(a.details_submitted && a.charges_enabled),
        );
    }
    Ok(())
}

/// Top-level fields whose values changed, with their old values (Stripe's `previous_attributes`).
fn previous_attributes(before: &Value, after: &Value) -> Value {
    let mut prev = Map::new();
    if let (Some(b), Some(a)) = (before.as_object(), after.as_object()) {
        for (k, old) in b {
            if a.get(k) != Some(old) {
                prev.insert(k.clone(), old.clone());
            }
        }
    }
    Value::Object(prev)
}

/// Applies `update` to the account and emits `account.updated` (delivered asynchronously).
/// Returns the rendered account and the event.
pub fn update(state: &AppState, id: &str, update: &OnboardingUpdate) -> ApiResult<(Value, Event)> {
    let now = state.clock.now();
    let event = {
        let mut store = state.store();
        let account = store
            .accounts
            .get_mut(id)
            .ok_or_else(|| ApiError::missing("account", id, "account"))?;
        let before = accounts::render(account);
        let mut updated = account.clone();
        apply(&mut updated, update, now)?;
        *account = updated;
        let after = accounts::render(account);
        let prev = previous_attributes(&before, &after);
        events::record(
            state,
            &mut store,
            "account.updated",
            Some(id),
            after,
            Some(prev),
            Default::default(),
        )
    };
    events::deliver(state, &event);
    Ok((event.body["data"]["object"].clone(), event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn fresh() -> Account {
        Account {
            id: "acct_1".into(),
            kind: "express".into(),
            email: None,
            country: "FR".into(),
            default_currency: "eur".into(),
            business_type: None,
            created: 0,
            metadata: BTreeMap::new(),
            details_submitted: false,
            charges_enabled: false,
            payouts_enabled: false,
            capabilities: [("transfers".to_owned(), "inactive".to_owned())].into(),
            requirements: accounts::initial_requirements(),
            tos_accepted_at: None,
        }
    }

    #[test]
    fn complete_then_partial() {
        let mut a = fresh();
        apply(&mut a, &OnboardingUpdate::complete(), 5).unwrap();
        assert!(a.details_submitted && a.charges_enabled && a.payouts_enabled);
        assert_eq!(a.capabilities["transfers"], "active");
        assert!(a.requirements.currently_due.is_empty());
        let partial: OnboardingUpdate = serde_json::from_str(
            r#"{"payouts_enabled":false,"currently_due":["external_account"],"disabled_reason":null}"#,
        )
        .unwrap();
        apply(&mut a, &partial, 6).unwrap();
        assert!(!a.payouts_enabled && a.details_submitted);
        assert_eq!(a.capabilities["transfers"], "inactive");
        assert_eq!(
            a.requirements.currently_due,
            vec!["external_account".to_owned()]
        );
    }

    #[test]
    fn previous_attributes_lists_changes() {
        let before = serde_json::json!({"a":1,"b":2});
        let after = serde_json::json!({"a":1,"b":3});
        assert_eq!(
            previous_attributes(&before, &after),
            serde_json::json!({"b":2})
        );
    }
}
