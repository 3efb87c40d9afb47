//! Idempotency keys as Stripe keeps them (and the local Stripe server, `tests/stripe-local`):
//! - the same key with the same operation and parameters replays the first answer, a refusal
//!   included (Stripe saves the outcome of every request that started executing);
//! - the same key with other parameters, or for another operation, is refused with
//!   `idempotency_error`, and nothing executes;
//! - requests that fail validation are not saved (the key can be used again once fixed);
//! - keys expire 24 h after first use (on the double's clock).

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use super::script::copy;
use crate::ports::StripeError;

/// How long Stripe keeps an idempotency key.
pub const KEY_TTL_SECONDS: i64 = 24 * 60 * 60;

/// A saved answer: the `Result<T, StripeError>` of the first execution, type-erased.
type Saved = Arc<dyn Any + Send + Sync>;

struct Entry {
    fingerprint: String,
    first_used: i64,
    answer: Saved,
}

/// The keys used so far.
#[derive(Default)]
pub(super) struct Keys {
    entries: HashMap<String, Entry>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("count", &self.entries.len())
            .finish()
    }
}

/// What to do with a keyed request.
pub(super) enum Lookup<T> {
    /// First use (or expired): execute, then [`Keys::save`].
    Execute,
    /// The saved answer of the first execution.
    Replay(Result<T, StripeError>),
}

impl Keys {
    /// Looks `key` up for a request whose operation and parameters are `fingerprint`, at `now`.
    pub(super) fn lookup<T: Clone + 'static>(
        &mut self,
        key: &str,
        fingerprint: &str,
        now: i64,
    ) -> Result<Lookup<T>, StripeError> {
        self.entries
            .retain(|_, e| now - e.first_used < KEY_TTL_SECONDS);
        let Some(entry) = self.entries.get(key) else {
            return Ok(Lookup::Execute);
        };
        if entry.fingerprint != fingerprint {
            return Err(StripeError::Refused {
                code: "idempotency_error".into(),
                message: format!(
                    "Keys for idempotent requests can only be used with the same parameters they were first used with (key '{key}')."
                ),
            });
        }
        let saved = entry
            .answer
            .downcast_ref::<Result<T, StripeError>>()
            .expect("one fingerprint, one answer type");
        Ok(Lookup::Replay(match saved {
            Ok(value) => Ok(value.clone()),
            Err(err) => Err(copy(err)),
        }))
    }

    /// Saves the first execution's answer under `key`.
    pub(super) fn save<T: Clone + Send + Sync + 'static>(
        &mut self,
        key: &str,
        fingerprint: &str,
        now: i64,
        answer: &Result<T, StripeError>,
    ) {
        let answer: Result<T, StripeError> = match answer {
            Ok(value) => Ok(value.clone()),
            Err(err) => Err(copy(err)),
        };
        self.entries.insert(
            key.to_owned(),
            Entry {
                fingerprint: fingerprint.to_owned(),
                first_used: now,
                answer: Arc::new(answer),
            },
        );
    }
}
